//! `check_env` and `rlmpc check-env`: every shipped environment passes; environments broken
//! in the ways the checks name fail them, each with the check that caught it.

use std::sync::Arc;

use assert_cmd::Command;
use rlmpc::core::params::PluginSpec;
use rlmpc::core::registry::{plugins, EnvKind};
use rlmpc::core::{DangerZone, EnvSpec, Environment, SurrogateModel, Transition};
use rlmpc::lab::check_env::{check_env, CheckReport};

fn build(name: &str) -> Box<dyn Environment> {
    PluginSpec::named(name).build::<EnvKind, _>("test", "defaults", |reg, p| (reg.build)(p)).unwrap()
}

/// The names of the checks that failed.
fn failed(report: &CheckReport) -> Vec<&'static str> {
    report.checks.iter().filter(|c| c.failure.is_some()).map(|c| c.name).collect()
}

#[test]
fn every_shipped_environment_passes() {
    let names: Vec<&str> = plugins::<EnvKind>().unwrap().into_keys().collect();
    assert!(names.len() >= 4, "{names:?}");
    for name in names {
        let report = check_env(build(name).as_mut(), 0);
        assert!(report.passed(), "{report}");
    }
}

/// Pendulum with one flaw.
struct Broken {
    inner: Box<dyn Environment>,
    flaw: Flaw,
    resets: u64,
}

#[derive(Clone, Copy)]
enum Flaw {
    /// The observation is not ψ(x): sin θ has the wrong sign.
    ObservationIsNotPsi,
    /// `reset` ignores its seed.
    IgnoresTheSeed,
    /// The reward becomes NaN after a few steps.
    NanReward,
}

impl Environment for Broken {
    fn spec(&self) -> &EnvSpec {
        self.inner.spec()
    }
    fn reset(&mut self, seed: Option<u64>) -> Vec<f64> {
        self.resets += 1;
        let seed = match self.flaw {
            Flaw::IgnoresTheSeed => Some(self.resets),
            _ => seed,
        };
        let mut observation = self.inner.reset(seed);
        if let Flaw::ObservationIsNotPsi = self.flaw {
            observation[1] = -observation[1];
        }
        observation
    }
    fn step(&mut self, u: &[f64]) -> Transition {
        let mut transition = self.inner.step(u);
        match self.flaw {
            Flaw::ObservationIsNotPsi => transition.observation[1] = -transition.observation[1],
            Flaw::NanReward if self.inner.model_state()[1].abs() > 0.5 => transition.reward = f64::NAN,
            _ => {}
        }
        transition
    }
    fn model_state(&self) -> &[f64] {
        self.inner.model_state()
    }
    fn reset_to_state(&mut self, state: &[f64]) -> Vec<f64> {
        self.inner.reset_to_state(state)
    }
    fn danger_zone(&self) -> Option<DangerZone> {
        self.inner.danger_zone()
    }
    fn surrogate(&self) -> Arc<dyn SurrogateModel> {
        self.inner.surrogate()
    }
}

fn check_broken(flaw: Flaw) -> CheckReport {
    check_env(&mut Broken { inner: build("pendulum"), flaw, resets: 0 }, 0)
}

#[test]
fn each_flaw_fails_the_check_that_names_it() {
    assert_eq!(failed(&check_broken(Flaw::ObservationIsNotPsi)), ["ψ(x) equals the observation"]);
    assert_eq!(
        failed(&check_broken(Flaw::IgnoresTheSeed)),
        ["reset(seed) and the same controls give the same episode"]
    );
    let report = check_broken(Flaw::NanReward);
    assert!(failed(&report).contains(&"no NaN or infinity over random-action episodes"), "{report}");
    assert!(report.to_string().contains("reward = NaN"), "{report}");
}

#[test]
fn the_command_prints_the_report_and_fails_when_a_check_does() {
    let ok = Command::cargo_bin("rlmpc").unwrap().args(["check-env", "pendulum"]).assert().success();
    let stdout = String::from_utf8(ok.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.matches("  ok    ").count(), 7, "{stdout}");
    let refused = Command::cargo_bin("rlmpc")
        .unwrap()
        .args(["check-env", "pendulum", "--params", "{ g = nan }"])
        .assert()
        .code(2);
    let stderr = String::from_utf8(refused.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("finite"), "{stderr}");
}
