//! A run whose numbers become NaN stops with an error naming what and where, before the
//! update is logged or checkpointed: the last good checkpoint stays readable and resumable.
//! (Its own test binary: it registers a scheduler and a learner that go NaN on cue.)

use std::path::{Path, PathBuf};

use rlmpc::core::policy::{Batch, Critic, HighLevelPolicy, Mixing, PolicyLearner, UpdateReport};
use rlmpc::core::registry::{BuildError, LearnerRegistration, LearnerShape, Params, SchedulerRegistration};
use rlmpc::core::scheduler::{InfluenceScheduler, UpdateStats};
use rlmpc::ppo::{Ppo, PpoConfig};
use rlmpc::runner::config::Experiment;
use rlmpc::runner::run_dir::RunDir;
use rlmpc::runner::trainer::Trainer;

/// ρ = 0.3, then NaN from the update with index 2 (the third) on.
struct NanRhoFromThirdUpdate;

impl InfluenceScheduler for NanRhoFromThirdUpdate {
    fn update(&mut self, stats: &UpdateStats<'_>) -> f64 {
        if stats.update >= 2 {
            f64::NAN
        } else {
            0.3
        }
    }
}

fn nan_rho(_params: Params<'_, '_>) -> Result<Box<dyn InfluenceScheduler>, BuildError> {
    Ok(Box::new(NanRhoFromThirdUpdate))
}

rlmpc::core::inventory::submit! {
    SchedulerRegistration::new("nan-rho-from-third-update", "test: ρ = NaN from update 3", nan_rho, module_path!())
}

/// PPO whose third update reports a NaN loss, as a learner that diverged would.
struct NanLossOnThirdUpdate {
    ppo: Ppo,
    updates: usize,
}

impl Critic for NanLossOnThirdUpdate {
    fn value(&self, observations: &[f64], out: &mut [f64]) {
        self.ppo.value(observations, out);
    }
}

impl HighLevelPolicy for NanLossOnThirdUpdate {
    fn action_dim(&self) -> usize {
        self.ppo.action_dim()
    }
    fn propose(&mut self, observation: &[f64], out: &mut [f64]) {
        self.ppo.propose(observation, out);
    }
}

impl PolicyLearner for NanLossOnThirdUpdate {
    fn observation_dim(&self) -> usize {
        self.ppo.observation_dim()
    }
    fn ensemble_size(&self) -> usize {
        self.ppo.ensemble_size()
    }
    fn sample(&mut self, observation: &[f64], actions: &mut [f64], log_probs: &mut [f64]) {
        self.ppo.sample(observation, actions, log_probs);
    }
    fn log_prob(&self, observation: &[f64], actions: &[f64], out: &mut [f64]) {
        self.ppo.log_prob(observation, actions, out);
    }
    fn value_heads(&self, observations: &[f64], out: &mut [f64]) {
        self.ppo.value_heads(observations, out);
    }
    fn update(&mut self, real: &Batch, virtual_: &Batch, mixing: Mixing) -> UpdateReport {
        self.updates += 1;
        let report = self.ppo.update(real, virtual_, mixing);
        if self.updates == 3 {
            UpdateReport { value_loss: f64::NAN, ..report }
        } else {
            report
        }
    }
    fn save(&self, path: &Path) -> rlmpc::core::Result<()> {
        self.ppo.save(path)
    }
    fn load(&mut self, path: &Path) -> rlmpc::core::Result<()> {
        self.ppo.load(path)
    }
}

fn nan_loss(_params: Params<'_, '_>, shape: &LearnerShape) -> Result<Box<dyn PolicyLearner>, BuildError> {
    let config = PpoConfig { batch_size: 32, n_epochs: 2, ..PpoConfig::default() };
    let ppo = Ppo::new(config, shape.observation_dim, shape.action_dim, shape.seed)
        .map_err(|e| BuildError::Invalid(e.to_string()))?;
    Ok(Box::new(NanLossOnThirdUpdate { ppo, updates: 0 }))
}

rlmpc::core::inventory::submit! {
    LearnerRegistration::new("nan-loss-on-third-update", "test: PPO with a NaN loss in update 3", nan_loss, module_path!())
}

/// Acrobot, K = 32, M = 3, four updates of 64 steps, a checkpoint after each; `scheduler` is
/// the `[scheduler]` table's body.
fn config(learner: &str, scheduler: &str) -> String {
    format!(
        r#"
seed = 1
[env]
name = "acrobot"
[mppi]
num_samples = 32
horizon = 5
candidates = 3
[[costs]]
name = "target-tracking"
weight = 50.0
[planner]
action_dim = 2
[learner]
name = "{learner}"
[scheduler]
{scheduler}
[training]
total_steps = 256
n_steps = 64
log_every_steps = 1
checkpoint_every = 1
"#
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rlmpc-diverging-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Trains `text` into a fresh run until it fails, and returns the error and the run.
fn train_until_it_fails(name: &str, text: &str) -> (String, PathBuf) {
    let experiment = Experiment::parse("diverging.toml", text).unwrap();
    let dir = scratch(name);
    let run = RunDir::create(&dir, text).unwrap();
    let mut trainer = Trainer::new(&experiment).unwrap();
    let error = trainer.train(&run, 0.0, &mut |_| {}).expect_err("the run should stop").to_string();
    (error, dir)
}

/// What a stop after two good updates must leave: their two log rows, the checkpoints of
/// updates 2 and 1 (the last and the previous), no temporary file, and a trainer that resumes
/// from the last.
fn assert_the_last_good_checkpoint_is_intact(dir: &Path, text: &str) {
    let log = std::fs::read_to_string(dir.join("progress.csv")).unwrap();
    assert_eq!(log.lines().count(), 3, "a header and the two good updates:\n{log}");
    let mut files: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.sort();
    let expected = [
        "config.toml",
        "learner-000001.safetensors",
        "learner-000002.safetensors",
        "progress.csv",
        "train.lock",
        "trainer_state.json",
        "trainer_state.previous.json",
    ];
    assert_eq!(files, expected);
    let experiment = Experiment::parse("diverging.toml", text).unwrap();
    let (resumed, _) = Trainer::resume(&experiment, &RunDir::open(dir).unwrap()).unwrap();
    assert_eq!(resumed.updates(), 2);
}

#[test]
fn a_nan_rho_stops_the_run_and_keeps_the_last_good_checkpoint() {
    let text = config("ppo", "name = \"nan-rho-from-third-update\"");
    let (error, dir) = train_until_it_fails("rho", &text);
    assert!(error.contains("ρ (NaN, outside [0, 1])") && error.contains("in update 3"), "{error}");
    assert_the_last_good_checkpoint_is_intact(&dir, &text);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_nan_loss_stops_the_run_and_keeps_the_last_good_checkpoint() {
    let text = config("nan-loss-on-third-update", "name = \"fixed\"\nparams = { rho = 0.3 }");
    let (error, dir) = train_until_it_fails("loss", &text);
    assert!(error.contains("`value_loss` became NaN or infinite in update 3"), "{error}");
    assert!(error.contains("learning_rate") && error.contains("--resume"), "{error}");
    assert_the_last_good_checkpoint_is_intact(&dir, &text);
    std::fs::remove_dir_all(&dir).unwrap();
}
