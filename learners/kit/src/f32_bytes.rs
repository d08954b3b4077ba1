//! How checkpoints store f32 tensors: each value as its four little-endian bytes, the layout
//! safetensors' `F32` dtype prescribes.

/// `values` as little-endian bytes, four per value.
pub fn to_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The values of little-endian `bytes`, four per value (a trailing remainder is ignored).
pub fn from_bytes(bytes: &[u8]) -> Vec<f32> {
    bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_bit_for_bit() {
        let values = [0.0, -0.0, 1.5, f32::MIN_POSITIVE, f32::MAX, f32::NAN];
        let back = from_bytes(&to_bytes(&values));
        assert_eq!(back.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), values.map(f32::to_bits));
        assert_eq!(to_bytes(&[1.0]), [0, 0, 0x80, 0x3f]);
    }
}
