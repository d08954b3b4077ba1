//! `rlmpc bench`: the criterion benchmarks' cases, timed and printed as a table.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rlmpc::bench::{
    env_steps_per_second, mppi_cases, mppi_cases_for, time_calls, training_throughput, Machine, MppiBench,
    TRAINING_CASES,
};
use rlmpc_core::mppi::Backend;

use super::table::table;

/// Arguments of `rlmpc bench`.
#[derive(clap::Args)]
pub struct Args {
    /// Seconds of measurement per case.
    #[arg(long, default_value_t = 1.0)]
    seconds: f64,
    /// Environment steps of each training-throughput run (whole PPO updates of 2048; SAC updates every step).
    #[arg(long, default_value_t = 8192)]
    training_steps: usize,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Time only these MPPI backends (`lanes`, `scalar`, `dfdx-cpu`, `cuda`, `cuda-fused`),
    /// at the K of `--samples` and the H of `--horizon`, and skip the training and
    /// environment cases.
    #[arg(long, value_delimiter = ',', value_parser = parse_backend)]
    backend: Vec<Backend>,
    /// K values for `--backend`.
    #[arg(long, value_delimiter = ',', default_value = "4096")]
    samples: Vec<usize>,
    /// H for `--backend`.
    #[arg(long, default_value_t = 30)]
    horizon: usize,
    /// Time only the cases whose label contains one of these (e.g. `--cases PPO-MPPI`).
    #[arg(long, value_delimiter = ',')]
    cases: Vec<String>,
    /// Time this other `rlmpc` binary and this one in turn, `--rounds` times each (A B A B …,
    /// each a fresh process with the same arguments), and print each case's speed-up: speed
    /// claims as ratios measured side by side.
    #[arg(long, value_name = "BINARY")]
    compare: Option<PathBuf>,
    /// Rounds of `--compare`.
    #[arg(long, default_value_t = 3, requires = "compare")]
    rounds: usize,
}

impl Args {
    /// The arguments that reproduce these cases in another process (all but `--compare`,
    /// `--rounds` and `--json`).
    pub fn case_arguments(&self) -> Vec<String> {
        let mut out = vec![format!("--seconds={}", self.seconds), format!("--training-steps={}", self.training_steps)];
        if !self.backend.is_empty() {
            let names: Vec<String> = self
                .backend
                .iter()
                .map(|b| serde_json::to_value(b).expect("a name"))
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect();
            out.push(format!("--backend={}", names.join(",")));
            out.push(format!("--samples={}", self.samples.iter().map(usize::to_string).collect::<Vec<_>>().join(",")));
            out.push(format!("--horizon={}", self.horizon));
        }
        if !self.cases.is_empty() {
            out.push(format!("--cases={}", self.cases.join(",")));
        }
        out
    }

    /// Whether the case labelled `label` is to be timed.
    fn selects(&self, label: &str) -> bool {
        self.cases.is_empty() || self.cases.iter().any(|c| label.contains(c.as_str()))
    }
}

/// A backend name as `[mppi] backend` spells it.
fn parse_backend(name: &str) -> Result<Backend, String> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).map_err(|e| e.to_string())
}

/// Environments whose raw step rate is timed: (registry name, label).
pub(super) const ENV_CASES: [(&str, &str); 2] =
    [("lunar-lander", "LunarLander-DZ (Box2D)"), ("racing", "Racing-DZ (dynamic bicycle)")];

/// Times every case and prints the table.
pub fn run(args: Args) -> anyhow::Result<()> {
    if let Some(other) = &args.compare {
        return super::bench_compare::run(other, &args, args.rounds);
    }
    let budget = Duration::try_from_secs_f64(args.seconds)
        .ok()
        .filter(|budget| !budget.is_zero())
        .ok_or_else(|| anyhow::anyhow!("--seconds must be a positive number of seconds, got {}", args.seconds))?;
    let mut rows = Vec::new();
    let machine = Machine::detect();
    println!("machine: {machine}");
    let mut records = vec![serde_json::json!({ "machine": machine })];
    let only_mppi = !args.backend.is_empty();
    let cases = if only_mppi { mppi_cases_for(&args.backend, &args.samples, args.horizon) } else { mppi_cases() };
    let cases: Vec<_> = cases.into_iter().filter(|case| args.selects(&case.label())).collect();
    let training: Vec<_> = TRAINING_CASES.iter().filter(|(label, ..)| args.selects(label)).collect();
    let envs: Vec<_> = ENV_CASES.iter().filter(|(_, label)| args.selects(label)).collect();
    let bar = ProgressBar::new((cases.len() + training.len() + envs.len()) as u64)
        .with_style(ProgressStyle::with_template("{bar:30} {pos}/{len} cases  {msg}").expect("valid template"));
    for case in cases {
        bar.set_message(case.label());
        let mut bench = MppiBench::new(case)?;
        let timing = time_calls(
            || {
                bench.call();
            },
            budget,
        );
        rows.push(vec![
            case.label(),
            format!("{:.1}", timing.median_us),
            format!("{:.1}", timing.mean_us),
            timing.calls.to_string(),
        ]);
        records.push(serde_json::json!({ "label": case.label(), "case": case, "timing": timing }));
        bar.inc(1);
    }
    if !rows.is_empty() {
        println!("\none MPPI call on Acrobot-DZ (RK4, target tracking + danger cost)");
        println!("{}", table(&["case", "median µs", "mean µs", "calls"], rows));
    }
    if only_mppi {
        bar.finish_and_clear();
        return write_json(args.json.as_ref(), &records);
    }

    let mut rows = Vec::new();
    for &&(label, origin, text) in &training {
        bar.set_message(label);
        let steps_per_second = training_throughput(origin, text, args.training_steps)?;
        rows.push(vec![label.to_string(), format!("{steps_per_second:.0}")]);
        records.push(serde_json::json!({ "label": label, "training": label, "steps": args.training_steps, "env_steps_per_second": steps_per_second }));
        bar.inc(1);
    }
    let mut env_rows = Vec::new();
    for &&(env, label) in &envs {
        bar.set_message(format!("{env} env steps"));
        let steps_per_second = env_steps_per_second(env, budget)?;
        records.push(serde_json::json!({ "label": label, "env": env, "env_steps_per_second": steps_per_second }));
        env_rows.push(vec![label.to_string(), format!("{steps_per_second:.0}")]);
        bar.inc(1);
    }
    bar.finish_and_clear();
    if !env_rows.is_empty() {
        println!("\nenvironment alone (random actions, resets included, no MPPI, no learning)");
        println!("{}", table(&["env", "env steps/s"], env_rows));
    }
    if !rows.is_empty() {
        println!("\ntraining throughput ({} env steps, updates included)", args.training_steps);
        println!("{}", table(&["run", "env steps/s"], rows));
    }
    write_json(args.json.as_ref(), &records)
}

fn write_json(path: Option<&PathBuf>, records: &[serde_json::Value]) -> anyhow::Result<()> {
    if let Some(path) = path {
        std::fs::write(path, serde_json::to_string_pretty(records)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
