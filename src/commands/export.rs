//! `rlmpc export`: a trained run's policy as a small run directory, to evaluate and to ship.

use std::path::PathBuf;

use rlmpc::runner::trainer::export_policy;

use super::eval::TrainedRun;

/// Arguments of `rlmpc export`.
#[derive(clap::Args)]
pub struct Args {
    /// Run directory written by `rlmpc train`.
    #[arg(long)]
    pub run: PathBuf,
    /// New (or empty) directory for the exported policy.
    #[arg(long)]
    pub out: PathBuf,
}

/// Exports the last checkpoint's policy of `--run` into `--out` and says how large it is.
pub fn run(args: Args) -> anyhow::Result<()> {
    let trained = TrainedRun::load(&args.run, None, &[])?;
    export_policy(&trained.run, trained.learner.as_ref(), &args.out)?;
    let bytes: u64 = std::fs::read_dir(&args.out)?.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum();
    println!(
        "exported the policy of {} into {} ({:.1} MB): `rlmpc eval --run {}` evaluates it; training continues \
         only from the original run",
        args.run.display(),
        args.out.display(),
        bytes as f64 / 1e6,
        args.out.display()
    );
    Ok(())
}
