//! How checkpoints store the position of a ChaCha random stream: `seed:stream:word`, the
//! 32-byte seed in lower-case hex, so that a loaded learner draws exactly the numbers the saved
//! one would have drawn next.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// `seed:stream:word` of `rng`, the seed in hex.
pub fn to_text(rng: &ChaCha8Rng) -> String {
    let seed: String = rng.get_seed().iter().map(|b| format!("{b:02x}")).collect();
    format!("{seed}:{}:{}", rng.get_stream(), rng.get_word_pos())
}

/// The stream that [`to_text`] wrote as `text`, or `None` when `text` is malformed.
pub fn from_text(text: &str) -> Option<ChaCha8Rng> {
    let mut parts = text.split(':');
    let hex = parts.next()?;
    let mut seed = [0u8; 32];
    if hex.len() != 64 {
        return None;
    }
    for (i, byte) in seed.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    let mut rng = ChaCha8Rng::from_seed(seed);
    rng.set_stream(parts.next()?.parse().ok()?);
    rng.set_word_pos(parts.next()?.parse().ok()?);
    parts.next().is_none().then_some(rng)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn a_restored_stream_continues_where_the_saved_one_stood() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        rng.set_stream(3);
        rng.next_u64();
        let mut restored = from_text(&to_text(&rng)).unwrap();
        assert_eq!((restored.next_u64(), restored.next_u64()), (rng.next_u64(), rng.next_u64()));
        assert!(from_text("00:0:0").is_none() && from_text(&format!("{}:0:0:0", "0".repeat(64))).is_none());
    }
}
