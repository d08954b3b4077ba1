//! `rlmpc bench --compare OTHER`: two builds timed in turn on one machine in one sitting, so
//! that a speed claim is a ratio rather than two numbers from different days.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

use rlmpc::bench::MppiCase;

use super::bench::{Args, ENV_CASES};
use super::table::table;

/// One case's figure in one process: its value and whether higher is faster.
struct Figure {
    value: f64,
    higher_is_faster: bool,
}

/// Runs `other` and this binary `rounds` times each, in turn, with the cases of `args`, and
/// prints each case's median figure for both and the median of the per-round speed-ups.
pub fn run(other: &Path, args: &Args, rounds: usize) -> anyhow::Result<()> {
    if rounds == 0 {
        bail!("--rounds must be at least 1");
    }
    let this = std::env::current_exe().context("finding this binary's path")?;
    let scratch = std::env::temp_dir().join(format!("rlmpc-bench-compare-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).with_context(|| format!("creating {}", scratch.display()))?;
    let mut figures: BTreeMap<String, (Vec<f64>, Vec<f64>, bool)> = BTreeMap::new();
    let mut machine = None;
    for round in 0..rounds {
        for (side, binary) in [(0, other), (1, this.as_path())] {
            eprintln!("round {}/{rounds}: {}", round + 1, binary.display());
            let json = scratch.join(format!("round{round}-{side}.json"));
            let (records, this_machine) = bench_once(binary, args, &json)?;
            if side == 1 {
                machine = this_machine.or(machine);
            }
            for (label, figure) in records {
                let entry = figures.entry(label).or_insert_with(|| (Vec::new(), Vec::new(), figure.higher_is_faster));
                [&mut entry.0, &mut entry.1][side].push(figure.value);
            }
        }
    }
    std::fs::remove_dir_all(&scratch).ok();
    if let Some(machine) = machine {
        println!("machine: {machine}");
    }
    println!("A = {}\nB = {} (this binary)\n{rounds} rounds, A B A B …", other.display(), this.display());
    let mut rows = Vec::new();
    for (label, (a, b, higher_is_faster)) in figures {
        if a.len() != rounds || b.len() != rounds {
            rows.push(vec![label, format!("{} rounds", a.len()), format!("{} rounds", b.len()), "—".into()]);
            continue;
        }
        // Round by round, so that a drift of the machine's speed cancels in each pair.
        let speedups: Vec<f64> = a.iter().zip(&b).map(|(a, b)| if higher_is_faster { b / a } else { a / b }).collect();
        let unit = if higher_is_faster { "/s" } else { " µs" };
        rows.push(vec![
            label,
            format!("{:.1}{unit}", median(&a)),
            format!("{:.1}{unit}", median(&b)),
            format!(
                "{:.2}× ({:.2}–{:.2})",
                median(&speedups),
                speedups.iter().copied().fold(f64::INFINITY, f64::min),
                speedups.iter().copied().fold(0.0, f64::max)
            ),
        ]);
    }
    println!("{}", table(&["case", "A (median)", "B (median)", "speed-up of B, median (min–max)"], rows));
    Ok(())
}

/// What one `bench` process reported: each case's figure by label, and its machine line.
type Report = (Vec<(String, Figure)>, Option<String>);

/// One `bench` process of `binary`.
fn bench_once(binary: &Path, args: &Args, json: &PathBuf) -> anyhow::Result<Report> {
    let status = Command::new(binary)
        .arg("bench")
        .args(args.case_arguments())
        .arg("--json")
        .arg(json)
        .stdout(Stdio::null())
        .status()
        .with_context(|| format!("starting {}", binary.display()))?;
    if !status.success() {
        bail!("{} bench failed ({status}); run it alone to see why", binary.display());
    }
    let text = std::fs::read_to_string(json).with_context(|| format!("reading {}", json.display()))?;
    let records: Vec<serde_json::Value> =
        serde_json::from_str(&text).with_context(|| format!("{} wrote unreadable JSON", binary.display()))?;
    let machine = records.iter().find_map(|r| r.get("machine")).map(|m| {
        let field = |k: &str| m.get(k).map(|v| v.to_string().trim_matches('"').to_string()).unwrap_or_default();
        format!("CPU {}, binary built for {}, {} threads", field("cpu_simd"), field("binary_simd"), field("threads"))
    });
    Ok((records.iter().filter_map(figure).collect(), machine))
}

/// A record's label and figure; builds from before labels were written are matched by the
/// name of their training run or environment, or by their MPPI case.
fn figure(record: &serde_json::Value) -> Option<(String, Figure)> {
    let text = |key: &str| record.get(key).and_then(|v| v.as_str()).map(str::to_string);
    if let Some(steps) = record.get("env_steps_per_second").and_then(|v| v.as_f64()) {
        let label = text("training").or_else(|| text("env").map(|env| env_label(&env)))?;
        return Some((label, Figure { value: steps, higher_is_faster: true }));
    }
    let median = record.get("timing")?.get("median_us")?.as_f64()?;
    let case = record.get("case")?;
    let label = text("label").or_else(|| mppi_label(case))?;
    Some((label, Figure { value: median, higher_is_faster: false }))
}

/// The label this build gives an environment case.
fn env_label(env: &str) -> String {
    ENV_CASES.iter().find(|(name, _)| *name == env).map_or(env, |(_, label)| label).to_string()
}

/// The label this build gives an MPPI case recorded as `{num_samples, horizon, backend}`.
fn mppi_label(case: &serde_json::Value) -> Option<String> {
    serde_json::from_value::<MppiCase>(case.clone()).ok().map(|case| case.label())
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_of_this_build_and_of_builds_without_labels_name_the_same_cases() {
        let old = serde_json::json!([
            { "case": { "num_samples": 100, "horizon": 10, "backend": "lanes" }, "timing": { "median_us": 40.0 } },
            { "training": "flat PPO, Pendulum", "steps": 8192, "env_steps_per_second": 9000.0 },
            { "env": "racing", "env_steps_per_second": 170000.0 },
        ]);
        let new = serde_json::json!([
            { "machine": { "cpu_simd": "AVX2+FMA", "binary_simd": "AVX2+FMA", "threads": 2 } },
            { "label": "f32 lanes K=100 H=10", "case": { "num_samples": 100, "horizon": 10, "backend": "lanes" }, "timing": { "median_us": 20.0 } },
            { "label": "flat PPO, Pendulum", "training": "flat PPO, Pendulum", "steps": 8192, "env_steps_per_second": 18000.0 },
            { "label": "Racing-DZ (dynamic bicycle)", "env": "racing", "env_steps_per_second": 170000.0 },
        ]);
        let names = |records: &serde_json::Value| -> Vec<(String, bool)> {
            records.as_array().unwrap().iter().filter_map(figure).map(|(l, f)| (l, f.higher_is_faster)).collect()
        };
        assert_eq!(names(&old), names(&new));
        assert_eq!(
            names(&new),
            [
                ("f32 lanes K=100 H=10".to_string(), false),
                ("flat PPO, Pendulum".to_string(), true),
                ("Racing-DZ (dynamic bicycle)".to_string(), true)
            ]
        );
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
