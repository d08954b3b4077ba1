//! SAC through the same trainer as PPO: flat (Alg. 1 without a planner), the trainer hands it
//! each period's transitions and it replays them, and a run resumed from a checkpoint —
//! weights, Adam moments, log α, the replay buffer and the random streams — continues exactly;
//! under the hierarchy, its virtual tuples enter a second buffer drawn with probability ρ.

use rlmpc::runner::config::Experiment;
use rlmpc::runner::run_dir::RunDir;
use rlmpc::runner::trainer::{export_policy, last_learner_path, Trainer};

/// A small flat SAC run on Pendulum: 4-step periods (SB3's train_freq = 4, one gradient step
/// per real step), learning from step 24.
const SMALL: &str = r#"
seed = 3
[env]
name = "pendulum"
[learner]
name = "sac"
params = { learning_starts = 24, batch_size = 16, gradient_steps = -1, net_arch = { pi = [16, 16], qf = [16, 16] } }
[training]
controller = "flat"
total_steps = 64
n_steps = 4
"#;

/// Every update's record as comparable text.
fn records(trainer: &mut Trainer) -> Vec<String> {
    let mut rows = Vec::new();
    while !trainer.is_done() {
        rows.push(format!("{:?}", trainer.iterate().unwrap()));
    }
    rows
}

#[test]
fn flat_sac_learns_after_learning_starts_with_one_gradient_step_per_real_step() {
    let experiment = Experiment::parse("small_sac.toml", SMALL).unwrap();
    let mut trainer = Trainer::new(&experiment).unwrap();
    let mut steps_taken = Vec::new();
    while !trainer.is_done() {
        let record = trainer.iterate().unwrap();
        steps_taken.push(record.report.n_epochs);
        if record.report.n_epochs > 0 {
            assert!(record.report.value_loss.is_finite() && record.report.policy_gradient_loss.is_finite());
            assert!(record.report.loss > 0.0, "α is positive: {}", record.report.loss);
        }
    }
    // Updates after 4, 8, …, 64 steps; SB3 trains once more than 24 steps were taken.
    let expected: Vec<usize> = (1..=16).map(|k| if 4 * k > 24 { 4 } else { 0 }).collect();
    assert_eq!(steps_taken, expected);
}

#[test]
fn one_thread_or_two_give_the_same_sac_run() {
    let experiment = Experiment::parse("small_sac.toml", SMALL).unwrap();
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| records(&mut Trainer::new(&experiment).unwrap()))
    };
    assert_eq!(on(1), on(2), "the twin critics and the two actor draws run side by side on two threads");
}

#[test]
fn a_resumed_sac_run_continues_exactly_as_the_uninterrupted_one() {
    let experiment = Experiment::parse("small_sac.toml", SMALL).unwrap();
    let uninterrupted = records(&mut Trainer::new(&experiment).unwrap());
    let dir = std::env::temp_dir().join(format!("rlmpc-sac-resume-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let run = RunDir::create(&dir.join("run"), SMALL).unwrap();
    let mut trainer = Trainer::new(&experiment).unwrap();
    // Past learning_starts, so the checkpoint holds a trained learner and a partly filled buffer.
    for _ in 0..9 {
        trainer.iterate().unwrap();
    }
    trainer.checkpoint(&run, 2.0).unwrap();
    drop(trainer);
    let (mut resumed, _) = Trainer::resume(&experiment, &run).unwrap();
    assert_eq!(records(&mut resumed), uninterrupted[9..], "updates 10 to 16 after resuming");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn progress_csv_gets_a_row_every_log_every_steps_real_steps_and_at_the_end() {
    let text = SMALL.replace("n_steps = 4", "n_steps = 4\nlog_every_steps = 24");
    let experiment = Experiment::parse("small_sac.toml", &text).unwrap();
    let dir = std::env::temp_dir().join(format!("rlmpc-sac-log-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let run = RunDir::create(&dir.join("run"), &text).unwrap();
    let mut trainer = Trainer::new(&experiment).unwrap();
    let mut told = Vec::new();
    trainer.train(&run, 0.0, &mut |progress| told.push((progress.record.update, progress.logged))).unwrap();
    // 16 updates of 4 steps: steps 24 and 48 are reached at updates 6 and 12; 16 is the last.
    let logged: Vec<usize> = told.iter().filter(|(_, logged)| *logged).map(|(update, _)| *update).collect();
    assert_eq!((told.len(), logged.clone()), (16, vec![6, 12, 16]));
    let csv = std::fs::read_to_string(run.path().join("progress.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).map(|line| line.split(',').next().unwrap()).collect();
    assert_eq!(rows, ["6", "12", "16"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_exported_policy_acts_as_the_trained_learner_without_its_replay_buffer_and_cannot_resume() {
    let experiment = Experiment::parse("small_sac.toml", SMALL).unwrap();
    let dir = std::env::temp_dir().join(format!("rlmpc-sac-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let run = RunDir::create(&dir.join("run"), SMALL).unwrap();
    let mut trainer = Trainer::new(&experiment).unwrap();
    trainer.train(&run, 0.0, &mut |_| {}).unwrap();
    let exported = dir.join("exported");
    export_policy(&run, trainer.learner(), &exported).unwrap();
    let size = |d: &std::path::Path| std::fs::metadata(d.join("learner-000016.safetensors")).unwrap().len();
    assert!(size(&exported) < size(run.path()), "{} vs {} bytes", size(&exported), size(run.path()));
    let mut learner = experiment.assemble().unwrap().learner;
    learner.load(&last_learner_path(&RunDir::open(&exported).unwrap()).unwrap()).unwrap();
    let mut trained = experiment.assemble().unwrap().learner;
    trained.load(&last_learner_path(&run).unwrap()).unwrap();
    for observation in [[1.0, 0.0, 0.5], [-0.6, 0.8, -3.0]] {
        let (mut a, mut b) = ([0.0], [0.0]);
        learner.propose(&observation, &mut a);
        trained.propose(&observation, &mut b);
        assert_eq!(a, b);
    }
    let refused = Trainer::resume(&experiment, &RunDir::open(&exported).unwrap()).err().expect("refused");
    assert!(refused.to_string().contains("exported by `rlmpc export`"), "{refused}");
    let again = export_policy(&run, trainer.learner(), &exported).unwrap_err();
    assert!(again.to_string().contains("not empty"), "{again}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sac_under_the_hierarchy_trains_on_real_and_virtual_tuples() {
    let text = r#"
seed = 1
[env]
name = "acrobot"
[mppi]
num_samples = 16
horizon = 4
candidates = 3
[[costs]]
name = "target-tracking"
weight = 50.0
[planner]
action_dim = 2
[learner]
name = "sac"
params = { learning_starts = 8, batch_size = 8, net_arch = { pi = [8], qf = [8] } }
[scheduler]
name = "fixed"
params = { rho = 0.5 }
[training]
total_steps = 16
n_steps = 4
mixing = "per-sample"
"#;
    let experiment = Experiment::parse("hierarchical_sac.toml", text).unwrap();
    let mut trainer = Trainer::new(&experiment).unwrap();
    let records: Vec<_> = std::iter::from_fn(|| (!trainer.is_done()).then(|| trainer.iterate().unwrap())).collect();
    assert!(records.iter().all(|r| r.virtual_tuples == 8), "M − 1 = 2 virtual tuples per real step");
    assert_eq!(records.last().unwrap().report.n_epochs, 1);
    assert!(records.last().unwrap().report.value_loss.is_finite());
}
