//! The SAC learner through [`PolicyLearner`]: actions stay in the action box, a checkpoint
//! restores a learner that continues exactly (with and without observation normalisation),
//! and a checkpoint of another shape is refused with a message that names the cause.

use rlmpc_core::env::BoxSpace;
use rlmpc_core::policy::{Batch, Mixing, PolicyLearner, UpdateReport};
use rlmpc_sac::{NetArch, Sac, SacConfig};

fn config() -> SacConfig {
    SacConfig {
        learning_starts: 5,
        batch_size: 8,
        net_arch: NetArch { pi: vec![8, 8], qf: vec![8, 8] },
        ..SacConfig::default()
    }
}

fn space() -> BoxSpace {
    BoxSpace { low: vec![-2.0, 0.0], high: vec![2.0, 0.5] }
}

/// `steps` one-step periods on a toy task (reward −|a|, observation drifting with the action),
/// with the reports of each update.
fn run(sac: &mut Sac, steps: usize, observation: &mut Vec<f64>) -> Vec<UpdateReport> {
    let mut reports = Vec::new();
    for t in 0..steps {
        let (mut action, mut log_prob) = ([0.0; 2], [0.0]);
        sac.sample(observation, &mut action, &mut log_prob);
        let next: Vec<f64> = observation.iter().zip(action.iter().cycle()).map(|(o, a)| 0.9 * o + 0.1 * a).collect();
        let mut real = Batch::default();
        real.push(observation, &action, log_prob[0], 0.0, 0.0, 0.0);
        real.push_outcome(-action[0].abs() - action[1], &next, false, t % 7 == 6);
        reports.push(sac.update(&real, &Batch::default(), Mixing::per_sample(0.0)));
        *observation = next;
    }
    reports
}

#[test]
fn actions_stay_in_the_action_box_before_and_after_learning_starts() {
    let mut sac = Sac::new(config(), 3, 2, Some(&space()), 1).unwrap();
    for step in 0..20 {
        let (mut actions, mut log_probs) = ([0.0; 8], [0.0; 4]);
        sac.sample(&[0.3, -0.1, 0.2], &mut actions, &mut log_probs);
        for a in actions.chunks(2) {
            assert!((-2.0..=2.0).contains(&a[0]) && (0.0..=0.5).contains(&a[1]), "step {step}: {a:?}");
        }
        assert!(log_probs.iter().all(|lp| lp.is_finite()), "step {step}: {log_probs:?}");
    }
}

#[test]
fn a_loaded_checkpoint_continues_exactly() {
    let dir = std::env::temp_dir().join(format!("rlmpc-sac-learner-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("learner.safetensors");
    // With running observation statistics too: they are part of the state a resume needs.
    for normalize_observations in [false, true] {
        let config = || SacConfig { normalize_observations, ..config() };
        let mut observation = vec![0.1, 0.2, -0.3];
        let mut original = Sac::new(config(), 3, 2, Some(&space()), 4).unwrap();
        run(&mut original, 12, &mut observation);
        original.save(&path).unwrap();
        let mut restored = Sac::new(config(), 3, 2, Some(&space()), 99).unwrap();
        restored.load(&path).unwrap();
        assert_eq!(restored.parameters(), original.parameters());
        let mut same_observation = observation.clone();
        let (a, b) = (run(&mut original, 10, &mut observation), run(&mut restored, 10, &mut same_observation));
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "normalize_observations = {normalize_observations}");
        assert!(a.iter().all(|r| r.n_epochs == 1));
        assert_eq!(restored.parameters(), original.parameters());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_checkpoint_of_another_shape_is_refused_with_its_cause() {
    let dir = std::env::temp_dir().join(format!("rlmpc-sac-shape-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("learner.safetensors");
    Sac::new(config(), 3, 2, Some(&space()), 4).unwrap().save(&path).unwrap();
    let wider = SacConfig { net_arch: NetArch { pi: vec![16, 8], qf: vec![8, 8] }, ..config() };
    let err = Sac::new(wider, 3, 2, Some(&space()), 4).unwrap().load(&path).unwrap_err().to_string();
    assert!(err.contains("net_arch") && err.contains("actor.latent_pi.0.weight"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
