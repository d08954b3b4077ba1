//! `rlmpc sweep task FILE --index I`: one run of the manifest, in this process. A finished run
//! is left alone; a run with a checkpoint resumes from it (`train --resume`); a trained run
//! that lacks its evaluation is only evaluated. Running it again repeats nothing.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context};
use rlmpc::runner::config::{describe_overrides, Experiment};
use rlmpc::runner::evaluation::summarize;
use rlmpc::runner::run_dir::write_atomically;

use super::manifest::{Kind, Run};
use super::spec::Sweep;
use super::state::{is_done, live_owner, this_process, trained_steps, Markers};
use crate::commands::{eval, mppi, train};

/// Runs `run` of `sweep`, keeping its markers: `.running` while it works, `.failed` with the
/// error when it fails.
pub fn execute(sweep: &Sweep, run: &Run) -> anyhow::Result<()> {
    if is_done(run) {
        println!("run {} ({}) is done", run.index, run.dir.display());
        return Ok(());
    }
    let me = this_process();
    // Two processes on one run directory would interleave its log and checkpoints. (A Slurm
    // task that Slurm requeued finds its own marker.)
    if let Some(owner) = live_owner(sweep, run).filter(|owner| *owner != me) {
        bail!(
            "run {} ({}) is already running ({}); wait for it, or stop it and run this again",
            run.index,
            run.dir.display(),
            owner.trim()
        );
    }
    let markers = Markers::of(sweep, run);
    std::fs::create_dir_all(sweep.status_dir())
        .with_context(|| format!("creating {}", sweep.status_dir().display()))?;
    write_atomically(&markers.running, me.as_bytes())?;
    let _ = std::fs::remove_file(&markers.failed);
    let result = match run.kind {
        Kind::Train => train_and_evaluate(run),
        Kind::Mppi => evaluate_pure_mppi(run),
    };
    if let Err(e) = &result {
        write_atomically(&markers.failed, format!("{e:#}\n").as_bytes())?;
    }
    let _ = std::fs::remove_file(&markers.running);
    result
}

/// Trains (fresh, or resumed from the last checkpoint) to the run's steps, then evaluates.
fn train_and_evaluate(run: &Run) -> anyhow::Result<()> {
    let trained = trained_steps(run);
    if trained.is_none_or(|steps| steps < run.steps) {
        let mut args = train::Args {
            config: None,
            seed: None,
            steps: Some(run.steps),
            out: None,
            resume: None,
            plugins: Default::default(),
            sets: Default::default(),
        };
        if trained.is_some() {
            args.resume = Some(run.dir.clone());
        } else {
            clear_unstarted(&run.dir)?;
            args.config = Some(run.config.clone());
            args.seed = Some(run.seed);
            args.out = Some(run.dir.clone());
            args.sets.overrides = run.overrides.clone();
        }
        train::run(args)?;
    }
    if run.episodes > 0 {
        eval::evaluate(&run.dir, run.episodes, None, &[])?;
    }
    Ok(())
}

/// Removes what a run killed before its first checkpoint left (nothing worth keeping), so that
/// it starts again; a directory that is not a run directory is left alone, and is an error.
fn clear_unstarted(dir: &Path) -> anyhow::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.join("config.toml").exists() {
        bail!("{} exists but is not a run directory; move it away or give the sweep another `out`", dir.display());
    }
    std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))
}

/// Pure MPPI's evaluation episodes into the run directory: `config.toml` (the experiment with
/// its overrides and seed) and `eval.json` (with the wall time it took).
fn evaluate_pure_mppi(run: &Run) -> anyhow::Result<()> {
    let mut experiment = Experiment::load_with(&run.config, &run.overrides)?;
    experiment.config.seed = run.seed;
    rlmpc::loader::load_all(experiment.plugin_paths())?;
    std::fs::create_dir_all(&run.dir).with_context(|| format!("creating {}", run.dir.display()))?;
    let resolved = format!("# resolved from {}\n{}", experiment.origin, toml::to_string_pretty(&experiment.config)?);
    write_atomically(&run.dir.join("config.toml"), resolved.as_bytes())?;
    let start = Instant::now();
    let results = mppi::pure_mppi(&experiment, run.episodes)?;
    let json = serde_json::json!({
        "config": experiment.origin,
        "seed": run.seed,
        "overrides": describe_overrides(&run.overrides),
        "wall_seconds": start.elapsed().as_secs_f64(),
        "episodes": results,
        "summary": summarize(&results),
    });
    write_atomically(&run.dir.join("eval.json"), serde_json::to_string_pretty(&json)?.as_bytes())
        .context("writing eval.json")?;
    println!("wrote {}", run.dir.join("eval.json").display());
    Ok(())
}
