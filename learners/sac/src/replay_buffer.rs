//! SB3's `ReplayBuffer` (`optimize_memory_usage=False`, `handle_timeout_termination=True`): a
//! ring of transitions in f32 — the dtype SB3 stores observations, actions and rewards in —
//! sampled uniformly with replacement.

use rand::Rng;

/// A batch of transitions as SB3's `ReplayBufferSamples` gives them to `train()`, row-major f32.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transitions {
    /// s, `[B][observation_dim]`.
    pub observations: Vec<f32>,
    /// a as stored, rescaled to [−1, 1], `[B][action_dim]`.
    pub actions: Vec<f32>,
    /// r, `[B]`.
    pub rewards: Vec<f32>,
    /// s′, `[B][observation_dim]` (the last observation of an episode that ended).
    pub next_observations: Vec<f32>,
    /// done · (1 − timeout): 1 where s′ is terminal, 0 where it is bootstrapped (also after a
    /// time-limit truncation), `[B]`.
    pub dones: Vec<f32>,
}

impl Transitions {
    /// Number of rows, B.
    pub fn len(&self) -> usize {
        self.rewards.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rewards.is_empty()
    }
}

/// The replay buffer: rows are appended until `capacity`, then the oldest is overwritten.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ReplayBuffer {
    pub(crate) capacity: usize,
    pub(crate) observation_dim: usize,
    pub(crate) action_dim: usize,
    /// The row the next transition is written to (SB3's `pos`).
    pub(crate) position: usize,
    pub(crate) observations: Vec<f32>,
    pub(crate) actions: Vec<f32>,
    pub(crate) rewards: Vec<f32>,
    pub(crate) next_observations: Vec<f32>,
    /// done = terminated or truncated.
    pub(crate) dones: Vec<f32>,
    /// timeout = truncated and not terminated.
    pub(crate) timeouts: Vec<f32>,
}

impl ReplayBuffer {
    pub(crate) fn new(capacity: usize, observation_dim: usize, action_dim: usize) -> Self {
        Self {
            capacity,
            observation_dim,
            action_dim,
            position: 0,
            observations: Vec::new(),
            actions: Vec::new(),
            rewards: Vec::new(),
            next_observations: Vec::new(),
            dones: Vec::new(),
            timeouts: Vec::new(),
        }
    }

    /// Transitions held (SB3: `buffer_size` when full, else `pos`).
    pub(crate) fn len(&self) -> usize {
        self.rewards.len()
    }

    /// SB3's `add`: stores one transition at `position`; `action` is already in [−1, 1].
    pub(crate) fn push(
        &mut self,
        observation: &[f64],
        action: &[f32],
        reward: f64,
        next_observation: &[f64],
        (terminated, truncated): (bool, bool),
    ) {
        let done = f32::from(u8::from(terminated || truncated));
        let timeout = f32::from(u8::from(truncated && !terminated));
        let observation = observation.iter().map(|&x| x as f32);
        let next_observation = next_observation.iter().map(|&x| x as f32);
        if self.len() < self.capacity {
            self.observations.extend(observation);
            self.actions.extend_from_slice(action);
            self.rewards.push(reward as f32);
            self.next_observations.extend(next_observation);
            self.dones.push(done);
            self.timeouts.push(timeout);
        } else {
            let (i, o, a) = (self.position, self.observation_dim, self.action_dim);
            overwrite(&mut self.observations[i * o..(i + 1) * o], observation);
            self.actions[i * a..(i + 1) * a].copy_from_slice(action);
            self.rewards[i] = reward as f32;
            overwrite(&mut self.next_observations[i * o..(i + 1) * o], next_observation);
            self.dones[i] = done;
            self.timeouts[i] = timeout;
        }
        self.position = (self.position + 1) % self.capacity;
    }

    /// SB3's `sample(B)`: B row indices uniform in [0, len) with replacement, then the rows,
    /// with dones = done · (1 − timeout).
    ///
    /// # Panics
    /// If the buffer is empty.
    pub(crate) fn sample(&self, batch_size: usize, rng: &mut impl Rng) -> Transitions {
        assert!(self.len() > 0, "sac: sampling an empty replay buffer");
        let rows: Vec<usize> = (0..batch_size).map(|_| rng.gen_range(0..self.len())).collect();
        self.rows(&rows)
    }

    /// The given rows, in order.
    pub(crate) fn rows(&self, rows: &[usize]) -> Transitions {
        let (o, a) = (self.observation_dim, self.action_dim);
        let mut out = Transitions::default();
        for &i in rows {
            out.observations.extend_from_slice(&self.observations[i * o..(i + 1) * o]);
            out.actions.extend_from_slice(&self.actions[i * a..(i + 1) * a]);
            out.rewards.push(self.rewards[i]);
            out.next_observations.extend_from_slice(&self.next_observations[i * o..(i + 1) * o]);
            out.dones.push(self.dones[i] * (1.0 - self.timeouts[i]));
        }
        out
    }
}

fn overwrite(slot: &mut [f32], values: impl Iterator<Item = f32>) {
    for (x, v) in slot.iter_mut().zip(values) {
        *x = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_buffer_overwrites_its_oldest_row_and_timeouts_are_bootstrapped() {
        let mut buffer = ReplayBuffer::new(2, 1, 1);
        buffer.push(&[0.0], &[0.1], 1.0, &[1.0], (false, true));
        buffer.push(&[1.0], &[0.2], 2.0, &[2.0], (true, true));
        buffer.push(&[2.0], &[0.3], 3.0, &[3.0], (true, false));
        assert_eq!(buffer.len(), 2);
        assert_eq!(buffer.position, 1);
        let rows = buffer.rows(&[0, 1]);
        assert_eq!(rows.observations, [2.0, 1.0], "row 0 was overwritten by the third transition");
        assert_eq!(rows.rewards, [3.0, 2.0]);
        assert_eq!(rows.dones, [1.0, 1.0], "terminated rows are not bootstrapped, even when also truncated");
        let mut only_truncated = ReplayBuffer::new(4, 1, 1);
        only_truncated.push(&[0.0], &[0.1], 1.0, &[1.0], (false, true));
        assert_eq!(only_truncated.rows(&[0]).dones, [0.0], "a time-limit truncation is bootstrapped");
    }
}
