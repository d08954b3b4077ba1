//! `rlmpc demo`: the README's main job — a short PPO-MPPI training run on Acrobot-DZ, its
//! evaluation, and pure MPPI on the same episodes, side by side.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use rlmpc::runner::evaluation::{summarize, MetricSummary};

use super::set_args::SetArgs;
use super::table::table;
use super::{eval, mppi, train};

/// Arguments of `rlmpc demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Environment steps of PPO-MPPI training (built-in `configs/acrobot/ppo_mppi_short.toml`).
    #[arg(long, default_value_t = 300_000)]
    steps: usize,
    /// Evaluation episodes for each method.
    #[arg(long, default_value_t = 50)]
    episodes: usize,
    /// Seed of training and of the evaluation episodes.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Run directory (default: a new `runs/demo-seed<seed>-<unix time>`).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Settings of the PPO-MPPI run changed on top of the built-in config (pure MPPI keeps its own).
    #[command(flatten)]
    sets: SetArgs,
}

fn cell(summary: &[MetricSummary], metric: &str) -> String {
    summary.iter().find(|m| m.name == metric).map_or("-".into(), |m| format!("{:.2} ± {:.2}", m.mean, m.std))
}

/// Trains, evaluates both methods, prints the comparison.
pub fn run(args: Args) -> anyhow::Result<()> {
    let out = args.out.unwrap_or_else(|| {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        PathBuf::from("runs").join(format!("demo-seed{}-{now}", args.seed))
    });
    println!("training PPO-MPPI (ρ = 0.3) on Acrobot-DZ for {} steps", args.steps);
    let run = train::run(train::Args {
        config: None,
        seed: Some(args.seed),
        steps: Some(args.steps),
        out: Some(out),
        resume: None,
        plugins: Default::default(),
        sets: args.sets,
    })?;
    let (trained, seed) = eval::evaluate(&run, args.episodes, Some(args.seed), &[])?;
    let mut pure = mppi::builtin()?;
    pure.config.seed = seed;
    let baseline = mppi::pure_mppi(&pure, args.episodes)?;
    let (trained_summary, baseline_summary) = (summarize(&trained), summarize(&baseline));
    let rows = trained_summary
        .iter()
        .map(|m| vec![m.name.to_string(), cell(&trained_summary, m.name), cell(&baseline_summary, m.name)])
        .collect();
    println!(
        "\nAcrobot-DZ, {} evaluation episodes (seeds {seed}–{}), mean ± std",
        args.episodes,
        seed + args.episodes as u64 - 1
    );
    println!("{}", table(&["metric", "PPO-MPPI ρ=0.3", "pure MPPI"], rows));
    Ok(())
}
