//! Checkpoints of a [`Sac`] learner as one safetensors file (the run directory writes it to a
//! temporary name and renames it, so a checkpoint is replaced atomically):
//! - every parameter under its [`Sac::parameters`] name (actor, critic, target critic, log α);
//! - the moments of the three Adam optimisers, `adam.<actor|critic|ent_coef>.<m|v>.<index>`;
//! - both replay buffers whole, `replay.<field>` and `virtual_replay.<field>`, so that a
//!   resumed run samples exactly the batches the uninterrupted one would have — or, in a
//!   policy file (`save_policy`, `rlmpc export`), both with no rows, to act and evaluate with;
//! - in the metadata: the Adam step counts, the buffers' write positions, the step counters and
//!   the position of each random stream, and the running observation statistics when
//!   `normalize_observations` is on.
//!
//! Settings are not stored: a loaded learner keeps its own [`SacConfig`](super::SacConfig), and
//! its shapes and buffer capacity must match the file's.

use std::collections::HashMap;
use std::path::Path;

use rlmpc_core::{Error, Result};
use rlmpc_learner_kit::checkpoint_file::{self, Tensors};
use rlmpc_learner_kit::f32_bytes::to_bytes;
use rlmpc_learner_kit::rng_state;
use rlmpc_learner_kit::{Adam, ObservationNormalizer};
use safetensors::tensor::SafeTensors;

use super::learner::Streams;
use super::replay_buffer::ReplayBuffer;
use super::Sac;

/// The `format` metadata entry of a checkpoint written by this version.
const FORMAT: &str = "rlmpc-sac/1";

/// How this learner names itself in checkpoint errors.
const LEARNER: &str = "SAC";
/// The settings that fix the shapes of its tensors.
const SETTINGS: &str = "observation or action size, `net_arch` or `ent_coef`";

fn invalid(path: &Path, message: impl std::fmt::Display) -> Error {
    checkpoint_file::invalid(LEARNER, path, message)
}

/// A buffer's columns with their names and widths.
fn columns(buffer: &ReplayBuffer) -> [(&'static str, &Vec<f32>, usize); 6] {
    let (o, a) = (buffer.observation_dim, buffer.action_dim);
    [
        ("observations", &buffer.observations, o),
        ("actions", &buffer.actions, a),
        ("rewards", &buffer.rewards, 1),
        ("next_observations", &buffer.next_observations, o),
        ("dones", &buffer.dones, 1),
        ("timeouts", &buffer.timeouts, 1),
    ]
}

fn push_adam(tensors: &mut Tensors, metadata: &mut HashMap<String, String>, name: &str, adam: &Adam) {
    metadata.insert(format!("adam.{name}.step"), adam.step.to_string());
    for (i, (m, v)) in adam.m.iter().zip(&adam.v).enumerate() {
        tensors.push((format!("adam.{name}.m.{i}"), vec![m.len()], to_bytes(m)));
        tensors.push((format!("adam.{name}.v.{i}"), vec![v.len()], to_bytes(v)));
    }
}

/// Whether a checkpoint holds the replay buffers.
#[derive(Clone, Copy)]
pub(super) enum Replay {
    /// Whole: a run resumed from the file continues exactly.
    Kept,
    /// Left out (no rows): enough to act and evaluate, as SB3's `model.save`.
    Omitted,
}

impl Sac {
    pub(super) fn save_checkpoint(&self, path: &Path, replay: Replay) -> Result<()> {
        let mut tensors: Tensors = Vec::new();
        for (name, p) in self.named_params() {
            tensors.push((name, p.dims(), to_bytes(p.values())));
        }
        let mut metadata = HashMap::from([
            ("format".to_string(), FORMAT.to_string()),
            ("steps".to_string(), self.steps.to_string()),
            ("gradient_steps".to_string(), self.gradient_steps.to_string()),
            ("rng.actions".to_string(), rng_state::to_text(&self.streams.actions)),
            ("rng.replay".to_string(), rng_state::to_text(&self.streams.replay)),
            ("rng.noise".to_string(), rng_state::to_text(&self.streams.noise)),
        ]);
        push_adam(&mut tensors, &mut metadata, "actor", &self.optimizers.actor);
        push_adam(&mut tensors, &mut metadata, "critic", &self.optimizers.critic);
        if let Some(adam) = &self.optimizers.ent_coef {
            push_adam(&mut tensors, &mut metadata, "ent_coef", adam);
        }
        for (prefix, buffer) in [("replay", &self.replay), ("virtual_replay", &self.virtual_replay)] {
            let (rows, position) = match replay {
                Replay::Kept => (buffer.len(), buffer.position),
                Replay::Omitted => (0, 0),
            };
            metadata.insert(format!("{prefix}.position"), position.to_string());
            for (field, values, width) in columns(buffer) {
                tensors.push((format!("{prefix}.{field}"), vec![rows, width], to_bytes(&values[..rows * width])));
            }
        }
        if let Some(normalizer) = &self.normalizer {
            normalizer.to_metadata(&mut metadata);
        }
        checkpoint_file::write(LEARNER, path, &tensors, metadata)
    }

    pub(super) fn load_checkpoint(&mut self, path: &Path) -> Result<()> {
        let buffer = checkpoint_file::read(path)?;
        let file = SafeTensors::deserialize(&buffer).map_err(|e| invalid(path, e))?;
        let metadata = checkpoint_file::metadata(LEARNER, path, &buffer)?;
        let entry = |key: &str| metadata.get(key).ok_or_else(|| invalid(path, format!("no `{key}` metadata")));
        if entry("format")? != FORMAT {
            return Err(invalid(
                path,
                format!("format `{}`, but this version of rlmpc reads `{FORMAT}`", entry("format")?),
            ));
        }
        let number =
            |key: &str| -> Result<u64> { entry(key)?.parse().map_err(|e| invalid(path, format!("`{key}`: {e}"))) };
        let read = |name: &str, dims: &[usize]| -> Result<Vec<f32>> {
            checkpoint_file::read_f32(LEARNER, path, &file, name, dims, SETTINGS)
        };
        // Read and check everything before changing anything.
        let params: Vec<Vec<f32>> =
            self.named_params().iter().map(|(name, p)| read(name, &p.dims())).collect::<Result<_>>()?;
        let read_adam = |name: &str, current: &Adam| -> Result<Adam> {
            let mut adam = current.clone();
            adam.step = number(&format!("adam.{name}.step"))?;
            for (i, (m, v)) in adam.m.iter_mut().zip(&mut adam.v).enumerate() {
                *m = read(&format!("adam.{name}.m.{i}"), &[m.len()])?;
                *v = read(&format!("adam.{name}.v.{i}"), &[v.len()])?;
            }
            Ok(adam)
        };
        let actor = read_adam("actor", &self.optimizers.actor)?;
        let critic = read_adam("critic", &self.optimizers.critic)?;
        let ent_coef = self.optimizers.ent_coef.as_ref().map(|adam| read_adam("ent_coef", adam)).transpose()?;
        let read_buffer = |prefix: &str, current: &ReplayBuffer| -> Result<ReplayBuffer> {
            let len = file.tensor(&format!("{prefix}.rewards")).map_err(|e| invalid(path, e))?.shape()[0];
            if len > current.capacity {
                return Err(invalid(
                    path,
                    format!("`{prefix}` holds {len} transitions, more than `buffer_size` = {}", current.capacity),
                ));
            }
            let mut restored = ReplayBuffer::new(current.capacity, current.observation_dim, current.action_dim);
            restored.position = number(&format!("{prefix}.position"))? as usize;
            let (o, a) = (current.observation_dim, current.action_dim);
            restored.observations = read(&format!("{prefix}.observations"), &[len, o])?;
            restored.actions = read(&format!("{prefix}.actions"), &[len, a])?;
            restored.rewards = read(&format!("{prefix}.rewards"), &[len, 1])?;
            restored.next_observations = read(&format!("{prefix}.next_observations"), &[len, o])?;
            restored.dones = read(&format!("{prefix}.dones"), &[len, 1])?;
            restored.timeouts = read(&format!("{prefix}.timeouts"), &[len, 1])?;
            Ok(restored)
        };
        let replay = read_buffer("replay", &self.replay)?;
        let virtual_replay = read_buffer("virtual_replay", &self.virtual_replay)?;
        let rng =
            |key: &str| rng_state::from_text(entry(key)?).ok_or_else(|| invalid(path, format!("malformed `{key}`")));
        let streams = Streams { actions: rng("rng.actions")?, replay: rng("rng.replay")?, noise: rng("rng.noise")? };
        let (steps, gradient_steps) = (number("steps")?, number("gradient_steps")?);
        let normalizer = self
            .normalizer
            .as_ref()
            .map(|current| ObservationNormalizer::from_metadata(current.mean.len(), &metadata))
            .transpose()
            .map_err(|e| invalid(path, e))?;

        for (p, values) in self.named_params_mut().into_iter().zip(&params) {
            p.assign(values);
        }
        self.optimizers.actor = actor;
        self.optimizers.critic = critic;
        self.optimizers.ent_coef = ent_coef;
        (self.replay, self.virtual_replay) = (replay, virtual_replay);
        self.streams = streams;
        (self.steps, self.gradient_steps) = (steps, gradient_steps);
        self.normalizer = normalizer;
        Ok(())
    }
}
