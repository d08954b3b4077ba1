//! Checkpoints of a [`Ppo`] learner as one safetensors file:
//! - every parameter under its name: `actor.<layer>.weight|bias`, `log_std`, and
//!   `critic.<layer>.weight|bias` with the D heads packed as `value_ensemble` packs them;
//!   weights `[inputs][outputs]`, f32;
//! - Adam's moments as `adam.m.<name>` and `adam.v.<name>`;
//! - in the metadata, Adam's step count, the position of each random stream and, when
//!   observations are normalised, their running statistics,
//!
//! so that a loaded learner continues exactly as the saved one would have. Settings are not
//! stored: a loaded learner keeps its own [`PpoConfig`](super::PpoConfig), and only its
//! parameter shapes must match the file's.

use std::collections::HashMap;
use std::path::Path;

use rlmpc_core::{Error, Result};
use rlmpc_learner_kit::checkpoint_file::{self, Tensors};
use rlmpc_learner_kit::f32_bytes::to_bytes;
use rlmpc_learner_kit::rng_state;
use safetensors::tensor::SafeTensors;

use super::learner::Streams;
use super::Ppo;
use rlmpc_learner_kit::ObservationNormalizer;

/// The `format` metadata entry of a checkpoint written by this version. Format 1 stored each
/// value head as its own network (`critic.<d>.<layer>.…`).
const FORMAT: &str = "rlmpc-ppo/2";

/// How this learner names itself in checkpoint errors.
const LEARNER: &str = "PPO";
/// The settings that fix the shapes of its tensors.
const SETTINGS: &str = "observation or action size, hidden sizes or `value_heads`";

fn invalid(path: &Path, message: impl std::fmt::Display) -> Error {
    checkpoint_file::invalid(LEARNER, path, message)
}

/// Floats as comma-separated shortest round-trip decimals (exact when parsed back).
impl Ppo {
    pub(super) fn save_checkpoint(&self, path: &Path) -> Result<()> {
        let params = self.net.params();
        let mut tensors: Tensors = Vec::new();
        for (((name, p), m), v) in params.iter().zip(&self.adam.m).zip(&self.adam.v) {
            for (tensor, values) in
                [(name.clone(), p.values()), (format!("adam.m.{name}"), m), (format!("adam.v.{name}"), v)]
            {
                if values.iter().any(|x| !x.is_finite()) {
                    return Err(Error::Diverged {
                        what: format!("PPO's `{tensor}`"),
                        at: String::new(),
                        cause: "the learner diverged, and a checkpoint of it would be useless; it was not written"
                            .into(),
                    });
                }
            }
            tensors.push((name.clone(), p.dims(), to_bytes(p.values())));
            tensors.push((format!("adam.m.{name}"), p.dims(), to_bytes(m)));
            tensors.push((format!("adam.v.{name}"), p.dims(), to_bytes(v)));
        }
        let mut metadata = HashMap::from([
            ("format".to_string(), FORMAT.to_string()),
            ("adam_step".to_string(), self.adam.step.to_string()),
            ("rng.actions".to_string(), rng_state::to_text(&self.streams.actions)),
            ("rng.real".to_string(), rng_state::to_text(&self.streams.real)),
            ("rng.virtual".to_string(), rng_state::to_text(&self.streams.virtual_)),
        ]);
        if let Some(normalizer) = &self.normalizer {
            normalizer.to_metadata(&mut metadata);
        }
        checkpoint_file::write(LEARNER, path, &tensors, metadata)
    }

    pub(super) fn load_checkpoint(&mut self, path: &Path) -> Result<()> {
        let buffer = checkpoint_file::read(path)?;
        let file = SafeTensors::deserialize(&buffer).map_err(|e| {
            invalid(
                path,
                format!(
                    "not a readable safetensors file ({e:?}): it is truncated or was overwritten; train the run \
                     again, or restore the file from a copy"
                ),
            )
        })?;
        let metadata = checkpoint_file::metadata(LEARNER, path, &buffer)?;
        let entry = |key: &str| metadata.get(key).ok_or_else(|| invalid(path, format!("no `{key}` metadata")));
        if entry("format")? != FORMAT {
            return Err(invalid(
                path,
                format!(
                    "format `{}`, but this version of rlmpc reads `{FORMAT}`: the file was written by another \
                     version; load it with that version, or train the run again",
                    entry("format")?
                ),
            ));
        }
        let read = |name: &str, dims: &[usize]| -> Result<Vec<f32>> {
            let values = checkpoint_file::read_f32(LEARNER, path, &file, name, dims, SETTINGS)?;
            if values.iter().any(|x| !x.is_finite()) {
                return Err(invalid(
                    path,
                    format!(
                        "`{name}` holds NaN or infinite values: the run that wrote it had diverged; train it again"
                    ),
                ));
            }
            Ok(values)
        };
        // Read and check everything before changing anything.
        let (mut values, mut m, mut v) = (Vec::new(), Vec::new(), Vec::new());
        let mut expected = Vec::new();
        for (name, p) in self.net.params() {
            let dims = p.dims();
            values.push(read(&name, &dims)?);
            m.push(read(&format!("adam.m.{name}"), &dims)?);
            v.push(read(&format!("adam.v.{name}"), &dims)?);
            expected.extend([format!("adam.m.{name}"), format!("adam.v.{name}"), name]);
        }
        let mut extra: Vec<&String> = file.names().into_iter().filter(|n| !expected.contains(n)).collect();
        if !extra.is_empty() {
            extra.sort();
            return Err(invalid(path, format!("tensors this learner does not have: {extra:?}")));
        }
        let step = entry("adam_step")?.parse().map_err(|e| invalid(path, format!("`adam_step`: {e}")))?;
        let rng =
            |key: &str| rng_state::from_text(entry(key)?).ok_or_else(|| invalid(path, format!("malformed `{key}`")));
        let streams = Streams { actions: rng("rng.actions")?, real: rng("rng.real")?, virtual_: rng("rng.virtual")? };

        let normalizer = match &self.normalizer {
            Some(current) => Some(
                ObservationNormalizer::from_metadata(current.mean.len(), &metadata).map_err(|e| invalid(path, e))?,
            ),
            None => None,
        };
        for (p, x) in self.net.params_mut().into_iter().zip(&values) {
            p.assign(x);
        }
        (self.adam.m, self.adam.v, self.adam.step) = (m, v, step);
        self.streams = streams;
        self.normalizer = normalizer;
        Ok(())
    }
}
