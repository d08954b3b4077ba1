//! Benchmark cases shared by `rlmpc bench` and `cargo bench`: one MPPI call on Acrobot-DZ
//! with the paper's cost (target tracking + danger zone, Table 5 weights), and the training
//! throughput (environment steps per second, updates included) of flat PPO, flat SAC (one
//! gradient step of batch 256 per step once past `learning_starts`) and PPO-MPPI, and
//! the raw environment steps per second of Lunar Lander and Racing-DZ.

use std::time::{Duration, Instant};

use rlmpc_core::mppi::{Backend, NoiseInput};
use rlmpc_core::{DangerZone, Error};
use rlmpc_runner::config::Experiment;
use rlmpc_runner::planner::Planner;
use rlmpc_runner::trainer::Trainer;

const ACROBOT_TRACKING: &str = include_str!("../configs/acrobot/tracking_mppi.toml");

/// Training runs whose throughput `rlmpc bench` measures: (label, config file, text).
pub const TRAINING_CASES: [(&str, &str, &str); 5] = [
    ("flat PPO, Pendulum", "configs/pendulum/flat_ppo.toml", include_str!("../configs/pendulum/flat_ppo.toml")),
    ("flat SAC, Pendulum", "configs/pendulum/flat_sac.toml", include_str!("../configs/pendulum/flat_sac.toml")),
    (
        "PPO-MPPI ρ=0.3, Acrobot-DZ",
        "configs/acrobot/ppo_mppi_rho0.3.toml",
        include_str!("../configs/acrobot/ppo_mppi_rho0.3.toml"),
    ),
    (
        "PPO-MPPI ρ=0.3, LunarLander-DZ",
        "configs/lunar_lander/attitude/ppo_mppi_rho0.3.toml",
        include_str!("../configs/lunar_lander/attitude/ppo_mppi_rho0.3.toml"),
    ),
    (
        "PPO-MPPI ρ=0.3, Racing-DZ",
        "configs/racing/track_frame/ppo_mppi_rho0.3.toml",
        include_str!("../configs/racing/track_frame/ppo_mppi_rho0.3.toml"),
    ),
];

/// What a benchmark's numbers depend on besides the code: the vector instructions the CPU
/// offers, those the binary was compiled to use, and the threads of rayon's pool.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Machine {
    /// The widest x86 vector extension the CPU reports (`AVX-512F`, `AVX2+FMA`, `SSE2`), or the
    /// architecture elsewhere.
    pub cpu_simd: String,
    /// The widest one the binary may use (`-C target-cpu`): below the CPU's, the build leaves
    /// speed unused.
    pub binary_simd: String,
    /// Threads of rayon's global pool.
    pub threads: usize,
}

impl Machine {
    /// This machine and this binary.
    pub fn detect() -> Self {
        Self { cpu_simd: cpu_simd(), binary_simd: binary_simd(), threads: rayon::current_num_threads() }
    }
}

impl std::fmt::Display for Machine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CPU {}, binary built for {}, {} threads", self.cpu_simd, self.binary_simd, self.threads)
    }
}

#[cfg(target_arch = "x86_64")]
fn cpu_simd() -> String {
    if std::arch::is_x86_feature_detected!("avx512f") {
        "AVX-512F"
    } else if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        "AVX2+FMA"
    } else {
        "SSE2"
    }
    .to_string()
}

#[cfg(not(target_arch = "x86_64"))]
fn cpu_simd() -> String {
    std::env::consts::ARCH.to_string()
}

fn binary_simd() -> String {
    if cfg!(target_feature = "avx512f") {
        "AVX-512F"
    } else if cfg!(all(target_feature = "avx2", target_feature = "fma")) {
        "AVX2+FMA"
    } else if cfg!(target_arch = "x86_64") {
        "SSE2"
    } else {
        std::env::consts::ARCH
    }
    .to_string()
}

/// Trains for `steps` environment steps (whole updates of n_steps, Table 3) and returns
/// environment steps per second, updates included.
pub fn training_throughput(origin: &str, text: &str, steps: usize) -> Result<f64, Error> {
    let mut experiment = Experiment::parse(origin, text)?;
    experiment.config.training.total_steps = steps;
    let mut trainer = Trainer::new(&experiment)?;
    let start = Instant::now();
    while !trainer.is_done() {
        trainer.iterate()?;
    }
    Ok(trainer.env_steps() as f64 / start.elapsed().as_secs_f64())
}

/// Real-environment steps per second of `env` (a registry name, default parameters) under
/// uniform random actions, resets included, measured for about `budget`. Gymnasium's
/// LunarLanderContinuous-v3 does about 19k/s on the same kind of machine.
pub fn env_steps_per_second(env: &str, budget: Duration) -> Result<f64, Error> {
    use rand::SeedableRng;
    let mut env = rlmpc_core::params::PluginSpec::named(env).build::<rlmpc_core::registry::EnvKind, _>(
        "<bench>",
        "defaults",
        |reg, p| (reg.build)(p),
    )?;
    let space = env.spec().action_space.clone();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    let mut action = vec![0.0; space.dim()];
    let (start, mut steps, mut episode) = (Instant::now(), 0u64, 0);
    env.reset(Some(episode));
    while start.elapsed() < budget {
        for _ in 0..256 {
            space.sample_into(&mut rng, &mut action);
            let step = env.step(&action);
            steps += 1;
            if step.terminated || step.truncated {
                episode += 1;
                env.reset(Some(episode));
            }
        }
    }
    Ok(steps as f64 / start.elapsed().as_secs_f64())
}

/// One benchmark case: sample count, horizon and backend.
#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
pub struct MppiCase {
    /// K.
    pub num_samples: usize,
    /// H.
    pub horizon: usize,
    /// Rollout number type.
    pub backend: Backend,
}

impl MppiCase {
    /// Short label, e.g. `lanes K=100 H=10`.
    pub fn label(&self) -> String {
        let backend = match self.backend {
            Backend::Lanes => "f32 lanes",
            Backend::Scalar => "f64 scalar",
            Backend::DfdxCpu => "dfdx graph, cpu",
            Backend::Cuda => "dfdx graph, cuda",
            Backend::CudaFused => "fused kernel, cuda",
        };
        format!("{backend} K={} H={}", self.num_samples, self.horizon)
    }
}

/// The (K, H) pairs of the targets, for each backend.
pub fn mppi_cases() -> Vec<MppiCase> {
    let shapes = [(100, 10), (1000, 30), (4096, 30)];
    [Backend::Lanes, Backend::Scalar]
        .into_iter()
        .flat_map(|backend| shapes.map(|(num_samples, horizon)| MppiCase { num_samples, horizon, backend }))
        .collect()
}

/// Every backend in `backends` at every K in `samples`, with horizon `horizon`: what
/// `rlmpc bench --backend … --samples … --horizon …` times (issue 18's table).
pub fn mppi_cases_for(backends: &[Backend], samples: &[usize], horizon: usize) -> Vec<MppiCase> {
    backends
        .iter()
        .flat_map(|&backend| samples.iter().map(move |&num_samples| MppiCase { num_samples, horizon, backend }))
        .collect()
}

/// A ready-to-call MPPI controller on Acrobot-DZ, mid-swing.
pub struct MppiBench {
    planner: Planner,
    state: Vec<f64>,
    action: Vec<f64>,
    zone: Option<DangerZone>,
}

impl MppiBench {
    /// Builds the controller for `case`.
    pub fn new(case: MppiCase) -> Result<Self, Error> {
        let mut experiment = Experiment::parse("<bench>", ACROBOT_TRACKING)?;
        let config = &mut experiment.config;
        config.mppi.num_samples = case.num_samples;
        config.mppi.horizon = case.horizon;
        config.mppi.backend = case.backend;
        let env = experiment.build_env()?;
        let action = experiment.config.planner.action.clone();
        let planner = Planner::from_experiment(&experiment, env.as_ref(), action.len())?;
        let state = vec![0.3, -0.2, 1.0, -1.5];
        Ok(Self { planner, state, action, zone: env.danger_zone() })
    }

    /// One MPPI call (noise, rollouts, weights, update) plus the warm-start commit.
    pub fn call(&mut self) -> f64 {
        let Planner { mppi, model, cost } = &mut self.planner;
        mppi.optimize(
            model.as_ref(),
            cost.as_ref(),
            &self.state,
            &self.action,
            self.zone.as_ref(),
            NoiseInput::Sampled,
        )
        .expect("benchmark inputs are valid");
        mppi.commit(0);
        mppi.action(0)[0]
    }
}

/// Timing of repeated calls.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Timing {
    /// Median time per call, in microseconds.
    pub median_us: f64,
    /// Mean time per call, in microseconds.
    pub mean_us: f64,
    /// Calls measured.
    pub calls: usize,
}

/// Calls `f` for about `budget` after a short warm-up and reports per-call times.
pub fn time_calls(mut f: impl FnMut(), budget: Duration) -> Timing {
    let warmup = Instant::now();
    while warmup.elapsed() < budget / 10 {
        f();
    }
    let mut samples = Vec::new();
    let start = Instant::now();
    while start.elapsed() < budget || samples.len() < 5 {
        let t = Instant::now();
        f();
        samples.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let mean_us = samples.iter().sum::<f64>() / samples.len() as f64;
    samples.sort_by(f64::total_cmp);
    Timing { median_us: samples[samples.len() / 2], mean_us, calls: samples.len() }
}
