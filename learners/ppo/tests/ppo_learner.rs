//! The PPO learner through `PolicyLearner`: sampling (Eq. 4), the value ensemble (Alg. 2's
//! input), the Eq. 10 update and its ρ = 0 reduction, the gradient clip, checkpoints.

use rlmpc_core::policy::{Batch, Critic, HighLevelPolicy, Mixing, PolicyLearner};
use rlmpc_ppo::{
    clip_grad_norm, normalize_advantages, normalize_advantages_pooled, AdvantageNormalization, Ppo, PpoConfig,
};

const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;

fn learner(config: PpoConfig, seed: u64) -> Ppo {
    Ppo::new(config, 3, 2, seed).unwrap()
}

fn small() -> PpoConfig {
    PpoConfig { batch_size: 16, n_epochs: 3, ..PpoConfig::default() }
}

const S: [f64; 3] = [0.3, -1.2, 0.5];

/// n tuples at observations around S with made-up advantages and returns.
fn batch(ppo: &mut Ppo, n: usize, shift: f64) -> Batch {
    let mut batch = Batch::default();
    for i in 0..n {
        let s = [S[0] + 0.1 * i as f64, S[1] + shift, S[2] - 0.05 * i as f64];
        let (mut a, mut lp, mut v) = ([0.0; 2], [0.0; 1], [0.0; 1]);
        ppo.sample(&s, &mut a, &mut lp);
        ppo.value(&s, &mut v);
        let advantage = (i as f64 * 0.7 + shift).sin() - a[0];
        batch.push(&s, &a, lp[0], advantage, advantage + v[0], v[0]);
    }
    batch
}

#[test]
fn sampling_is_reproducible_from_the_seed() {
    let draw = |seed| {
        let mut ppo = learner(PpoConfig::default(), seed);
        let (mut a, mut lp) = ([0.0; 8], [0.0; 4]);
        ppo.sample(&S, &mut a, &mut lp);
        (a, lp)
    };
    assert_eq!(draw(5), draw(5));
    assert_ne!(draw(5).0, draw(6).0);
}

#[test]
fn log_probs_are_the_gaussian_density_of_the_drawn_actions() {
    let mut ppo = learner(PpoConfig { log_std_init: -0.5, ..PpoConfig::default() }, 11);
    let mut mean = [0.0; 2];
    ppo.propose(&S, &mut mean);
    let log_std: Vec<f64> =
        ppo.parameters().into_iter().find(|(n, _)| n == "log_std").unwrap().1.iter().map(|&x| x.into()).collect();
    assert_eq!(log_std, [f64::from(-0.5f32); 2]);

    let m = 4000;
    let (mut actions, mut log_probs) = (vec![0.0; 2 * m], vec![0.0; m]);
    ppo.sample(&S, &mut actions, &mut log_probs);
    for (a, lp) in actions.chunks(2).zip(&log_probs) {
        let by_hand: f64 =
            (0..2).map(|j| -0.5 * ((a[j] - mean[j]) / log_std[j].exp()).powi(2) - log_std[j] - HALF_LN_2PI).sum();
        assert!((lp - by_hand).abs() <= 1e-12, "{lp} vs {by_hand}");
    }
    let mut again = vec![0.0; m];
    ppo.log_prob(&S, &actions, &mut again);
    assert_eq!(again, log_probs);
    // The draws have mean μ and standard deviation σ = e^−0.5 per dimension (4000 draws: the
    // sample mean is within 4 standard errors, the sample std within 5 %).
    for (j, &mu_j) in mean.iter().enumerate() {
        let x: Vec<f64> = actions.iter().skip(j).step_by(2).copied().collect();
        let mu = x.iter().sum::<f64>() / m as f64;
        let sd = (x.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (m - 1) as f64).sqrt();
        let sigma = (-0.5f64).exp();
        assert!((mu - mu_j).abs() < 4.0 * sigma / (m as f64).sqrt(), "mean {mu} vs μ {mu_j}");
        assert!((sd / sigma - 1.0).abs() < 0.05, "std {sd} vs σ {sigma}");
    }
}

#[test]
fn value_heads_start_different_and_v_is_their_mean() {
    let ppo = learner(PpoConfig::default(), 2);
    let d = ppo.ensemble_size();
    assert_eq!(d, 5);
    let observations = [S, [1.0, 0.0, -1.0]].concat();
    let mut heads = vec![0.0; 2 * d];
    let mut v = [0.0; 2];
    ppo.value_heads(&observations, &mut heads);
    ppo.value(&observations, &mut v);
    for (row, v) in heads.chunks(d).zip(v) {
        for i in 0..d {
            for j in 0..i {
                assert_ne!(row[i], row[j], "heads {i} and {j} agree");
            }
        }
        assert!((row.iter().sum::<f64>() / d as f64 - v).abs() <= 1e-15);
    }
    // One observation alone gives the same heads up to f32 rounding (the matrix product of a
    // single row sums in another order).
    let mut first = [0.0; 5];
    ppo.value_heads(&S, &mut first);
    for (x, y) in first.iter().zip(&heads[..d]) {
        assert!((x - y).abs() <= 1e-6 * y.abs(), "{x} vs {y}");
    }
}

#[test]
fn the_mean_action_moves_toward_the_best_action_of_a_bandit() {
    // One state, reward −(a − 0.7)²: the policy mean starts near 0 (output gain 0.01).
    let config = PpoConfig { learning_rate: 3e-3, n_epochs: 4, ..PpoConfig::default() };
    let mut ppo = Ppo::new(config, 1, 1, 3).unwrap();
    let s = [1.0];
    let mean = |ppo: &mut Ppo| {
        let mut m = [0.0];
        ppo.propose(&s, &mut m);
        m[0]
    };
    let start = mean(&mut ppo);
    assert!(start.abs() < 0.1, "{start}");
    for _ in 0..15 {
        let (mut a, mut lp, mut v) = (vec![0.0; 64], vec![0.0; 64], [0.0]);
        ppo.sample(&s, &mut a, &mut lp);
        ppo.value(&s, &mut v);
        let mut batch = Batch::default();
        for (a, lp) in a.iter().zip(&lp) {
            let r = -(a - 0.7f64).powi(2);
            batch.push(&s, &[*a], *lp, r - v[0], r, v[0]);
        }
        let report = ppo.update(&batch, &Batch::default(), Mixing::loss_weighted(0.0));
        assert!(report.loss.is_finite() && (0.0..=1.0).contains(&report.clip_fraction));
    }
    let end = mean(&mut ppo);
    assert!((end - 0.7).abs() < 0.5 * (start - 0.7).abs(), "mean action {start} → {end}, best 0.7");
}

#[test]
fn rho_zero_ignores_the_virtual_batch_bit_for_bit() {
    let mut a = learner(small(), 9);
    let mut b = learner(small(), 9);
    let mut c = learner(small(), 9);
    let real = batch(&mut a, 40, 0.0);
    let virtual_ = batch(&mut learner(small(), 1), 70, 1.0);
    assert_eq!(real, batch(&mut b, 40, 0.0));
    assert_eq!(real, batch(&mut c, 40, 0.0));

    let with_virtual = a.update(&real, &virtual_, Mixing::loss_weighted(0.0));
    let without = b.update(&real, &Batch::default(), Mixing::loss_weighted(0.0));
    assert_eq!(a.parameters(), b.parameters());
    assert_eq!(with_virtual, without);
    // The learners go on identically: no random draw was spent on the virtual batch.
    let (mut xa, mut xb, mut lp) = ([0.0; 2], [0.0; 2], [0.0]);
    a.sample(&S, &mut xa, &mut lp);
    b.sample(&S, &mut xb, &mut lp);
    assert_eq!(xa, xb);

    // With ρ > 0 the virtual tuples do change the update.
    c.update(&real, &virtual_, Mixing::loss_weighted(0.5));
    assert_ne!(c.parameters(), b.parameters());
}

#[test]
fn per_sample_mixing_draws_each_slot_from_the_virtual_buffer_with_probability_rho() {
    let real = batch(&mut learner(small(), 2), 40, 0.0);
    let other_real = batch(&mut learner(small(), 3), 40, 2.0);
    let virtual_ = batch(&mut learner(small(), 1), 70, 1.0);
    let trained = |real: &Batch, mixing: Mixing| {
        let mut ppo = learner(small(), 9);
        ppo.update(real, &virtual_, mixing);
        ppo.parameters()
    };
    let plain = {
        let mut ppo = learner(small(), 9);
        ppo.update(&real, &Batch::default(), Mixing::per_sample(0.0));
        ppo.parameters()
    };
    // ρ = 0: no slot goes virtual, bit for bit the plain update.
    assert_eq!(trained(&real, Mixing::per_sample(0.0)), plain);
    // ρ = 1: every slot is virtual, so the real tuples' contents do not matter.
    assert_eq!(trained(&real, Mixing::per_sample(1.0)), trained(&other_real, Mixing::per_sample(1.0)));
    assert_ne!(trained(&real, Mixing::per_sample(1.0)), plain);
    // In between, the two mixing modes are different updates, and real data matters.
    let half = trained(&real, Mixing::per_sample(0.5));
    assert_ne!(half, plain);
    assert_ne!(half, trained(&real, Mixing::loss_weighted(0.5)));
    assert_ne!(half, trained(&other_real, Mixing::per_sample(0.5)));
}

#[test]
fn pooled_normalisation_normalises_all_rows_as_one() {
    let (a, b) = ([1.0f32, 2.0, 4.0], [-3.0f32, 0.5]);
    let pooled = normalize_advantages_pooled(&[&a, &b], true);
    let all: Vec<f32> = a.iter().chain(&b).copied().collect();
    assert_eq!(pooled.concat(), normalize_advantages(&all, true));
    assert_ne!(pooled[0], normalize_advantages(&a, true));
    assert_eq!(normalize_advantages_pooled(&[&a, &b], false), vec![a.to_vec(), b.to_vec()]);
}

#[test]
fn pooled_normalisation_keeps_the_virtual_advantages_scale() {
    // Per part, the virtual advantages' scale is normalised away; pooled with the real ones,
    // virtual advantages four times as wide pull four times harder.
    let real = batch(&mut learner(small(), 2), 40, 0.0);
    let virtual_ = batch(&mut learner(small(), 1), 70, 1.0);
    let mut wide = virtual_.clone();
    wide.advantages.iter_mut().for_each(|a| *a *= 4.0);
    let trained = |normalization, virtual_: &Batch| {
        let mut ppo = learner(PpoConfig { advantage_normalization: normalization, ..small() }, 9);
        ppo.update(&real, virtual_, Mixing::loss_weighted(0.5));
        ppo.parameters()
    };
    let largest_change = |x: &[(String, Vec<f32>)], y: &[(String, Vec<f32>)]| {
        x.iter().zip(y).flat_map(|((_, x), (_, y))| x.iter().zip(y).map(|(x, y)| (x - y).abs())).fold(0.0f32, f32::max)
    };
    let per_part = largest_change(
        &trained(AdvantageNormalization::PerPart, &virtual_),
        &trained(AdvantageNormalization::PerPart, &wide),
    );
    let pooled = largest_change(
        &trained(AdvantageNormalization::Pooled, &virtual_),
        &trained(AdvantageNormalization::Pooled, &wide),
    );
    assert!(per_part < 1e-5, "per part: {per_part}");
    assert!(pooled > 1e-3, "pooled: {pooled}");
}

#[test]
fn an_update_runs_every_epoch_and_logs_sb3s_terms() {
    let mut ppo = learner(small(), 4);
    let real = batch(&mut ppo, 40, 0.0);
    let before = ppo.parameters();
    let report = ppo.update(&real, &Batch::default(), Mixing::loss_weighted(0.0));
    assert_eq!(report.n_epochs, 3);
    assert_ne!(ppo.parameters(), before);
    // First minibatch of the first epoch: π = π_old, so the KL and clip fraction start at 0 and
    // stay small over three short epochs.
    assert!(report.approx_kl >= 0.0 && report.approx_kl < 0.05, "{report:?}");
    assert!(report.value_loss > 0.0 && report.entropy_loss < 0.0, "{report:?}");
    let ev = rlmpc_ppo::explained_variance(&real.values, &real.returns);
    assert_eq!(report.explained_variance.to_bits(), ev.to_bits());
}

#[test]
fn target_kl_stops_the_update_early() {
    let config = PpoConfig { target_kl: Some(1e-9), learning_rate: 1e-2, ..small() };
    let mut ppo = learner(config, 4);
    let real = batch(&mut ppo, 40, 0.0);
    let report = ppo.update(&real, &Batch::default(), Mixing::loss_weighted(0.0));
    assert!(report.n_epochs < 3, "{report:?}");
    assert!(report.approx_kl > 1.5e-9);
}

#[test]
fn grad_norm_clip_bounds_the_global_norm() {
    let mut grads = vec![vec![3.0f32, 0.0], vec![0.0, 4.0, 0.0]];
    let norm = clip_grad_norm(&mut grads, 0.5);
    assert_eq!(norm, 5.0);
    let clipped = grads.iter().flatten().map(|&g| f64::from(g).powi(2)).sum::<f64>().sqrt();
    assert!(clipped <= 0.5 && clipped > 0.5 - 1e-6, "{clipped}");
    assert!((f64::from(grads[0][0]) / f64::from(grads[1][1]) - 0.75).abs() < 1e-6, "direction kept");

    let mut small = vec![vec![0.1f32, -0.2]];
    clip_grad_norm(&mut small, 0.5);
    assert_eq!(small, [[0.1f32, -0.2]]);
}

#[test]
fn a_checkpoint_resumes_exactly() {
    let dir = std::env::temp_dir().join(format!("rlmpc-ppo-checkpoint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ppo.safetensors");

    let mut a = learner(small(), 21);
    let real = batch(&mut a, 40, 0.0);
    a.update(&real, &Batch::default(), Mixing::loss_weighted(0.0));
    a.save(&path).unwrap();

    let mut b = learner(small(), 99);
    assert_ne!(a.parameters(), b.parameters());
    b.load(&path).unwrap();
    assert_eq!(a.parameters(), b.parameters());
    // Adam's moments and the random streams came back too: both continue identically.
    let plain = Mixing::loss_weighted(0.0);
    assert_eq!(a.update(&real, &Batch::default(), plain), b.update(&real, &Batch::default(), plain));
    assert_eq!(a.parameters(), b.parameters());
    let (mut xa, mut xb, mut lp) = ([0.0; 2], [0.0; 2], [0.0]);
    a.sample(&S, &mut xa, &mut lp);
    b.sample(&S, &mut xb, &mut lp);
    assert_eq!(xa, xb);

    // A learner of another shape refuses the file and stays as it was.
    let mut fewer_heads = Ppo::new(PpoConfig { value_heads: 3, ..small() }, 3, 2, 0).unwrap();
    let before = fewer_heads.parameters();
    let error = fewer_heads.load(&path).unwrap_err().to_string();
    assert!(error.contains("`critic.0.weight` is F32 [3, 320], this learner has F32 [3, 192]"), "{error}");
    assert!(error.contains("`value_heads`"), "{error}");
    assert_eq!(fewer_heads.parameters(), before);
    let mut wider = Ppo::new(small(), 4, 2, 0).unwrap();
    let error = wider.load(&path).unwrap_err().to_string();
    assert!(error.contains("`actor.0.weight` is F32 [3, 64], this learner has F32 [4, 64]"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_checkpoint_of_another_format_is_refused_with_the_reason() {
    let dir = std::env::temp_dir().join(format!("rlmpc-ppo-old-format-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ppo.safetensors");
    let a = learner(small(), 21);
    a.save(&path).unwrap();

    // The same tensors under format 1's tag (which stored each value head separately).
    let buffer = std::fs::read(&path).unwrap();
    let file = safetensors::SafeTensors::deserialize(&buffer).unwrap();
    let (_, header) = safetensors::SafeTensors::read_metadata(&buffer).unwrap();
    let mut metadata = header.metadata().clone().unwrap();
    metadata.insert("format".into(), "rlmpc-ppo/1".into());
    let old = safetensors::serialize(file.tensors(), &Some(metadata)).unwrap();
    std::fs::write(&path, old).unwrap();

    let mut b = learner(small(), 99);
    let before = b.parameters();
    let error = b.load(&path).unwrap_err().to_string();
    assert!(error.contains("format `rlmpc-ppo/1`, but this version of rlmpc reads `rlmpc-ppo/2`"), "{error}");
    assert!(error.contains("train the run again"), "{error}");
    assert_eq!(b.parameters(), before);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_checkpoint_holding_nan_or_a_broken_header_is_refused() {
    let dir = std::env::temp_dir().join(format!("rlmpc-ppo-nan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ppo.safetensors");
    learner(small(), 21).save(&path).unwrap();
    // The last value of the last tensor becomes a NaN (f32, little-endian).
    let mut buffer = std::fs::read(&path).unwrap();
    let end = buffer.len();
    buffer[end - 4..].copy_from_slice(&f32::NAN.to_le_bytes());
    std::fs::write(&path, &buffer).unwrap();
    let mut b = learner(small(), 99);
    let before = b.parameters();
    let error = b.load(&path).unwrap_err().to_string();
    assert!(error.contains("holds NaN or infinite values") && error.contains("diverged"), "{error}");
    assert_eq!(b.parameters(), before);
    std::fs::write(&path, &buffer[..100]).unwrap();
    let error = b.load(&path).unwrap_err().to_string();
    assert!(error.contains("not a readable safetensors file") && error.contains("train the run again"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_settings_are_rejected() {
    let error = |config: PpoConfig| Ppo::new(config, 3, 2, 0).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error(PpoConfig { batch_size: 0, ..PpoConfig::default() }).contains("batch_size"));
    assert!(error(PpoConfig { learning_rate: -1.0, ..PpoConfig::default() }).contains("learning_rate"));
    assert!(Ppo::new(PpoConfig::default(), 0, 2, 0).is_err());
    assert!(error(PpoConfig { critic_hidden: vec![0], ..PpoConfig::default() }).contains("critic_hidden"));
    assert!(error(PpoConfig { log_std_init: f64::NAN, ..PpoConfig::default() }).contains("log_std_init"));
    assert!(error(PpoConfig { learning_rate: 1.0, ..PpoConfig::default() }).contains("less than 1"));
    assert!(error(PpoConfig { value_heads: usize::MAX, ..PpoConfig::default() }).contains("more than 2^64 bytes"));
    let unknown = toml::from_str::<PpoConfig>("batch_sise = 32").unwrap_err().to_string();
    assert!(unknown.contains("batch_sise"), "{unknown}");
    let parsed: PpoConfig = toml::from_str("batch_size = 32\nclip_range_vf = 0.2").unwrap();
    assert_eq!(parsed, PpoConfig { batch_size: 32, clip_range_vf: Some(0.2), ..PpoConfig::default() });
}

#[test]
fn normalised_observations_make_the_learner_blind_to_units_and_survive_a_checkpoint() {
    let config = PpoConfig { normalize_observations: true, ..small() };
    // The same observation stream in two units: s and 1000·s + 50.
    let stream: Vec<[f64; 3]> =
        (0..300).map(|i| [(i as f64 * 0.3).sin(), (i as f64 * 0.11).cos() * 2.0, i as f64 * 0.01]).collect();
    let (mut plain, mut scaled) = (learner(config.clone(), 4), learner(config.clone(), 4));
    let (mut a, mut b, mut lp) = ([0.0; 2], [0.0; 2], [0.0]);
    for s in &stream {
        plain.sample(s, &mut a, &mut lp);
        scaled.sample(&s.map(|x| 1000.0 * x + 50.0), &mut b, &mut lp);
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-3, "{a:?} vs {b:?}");
        }
    }
    let dir = std::env::temp_dir().join(format!("rlmpc-ppo-obs-norm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ppo.safetensors");
    plain.save(&path).unwrap();
    let mut restored = learner(config, 77);
    restored.load(&path).unwrap();
    let (mut va, mut vb) = ([0.0], [0.0]);
    plain.value(&S, &mut va);
    restored.value(&S, &mut vb);
    assert_eq!(va, vb, "parameters and normaliser statistics came back");
    std::fs::remove_dir_all(&dir).unwrap();
}
