//! `rlmpc curves`: learning curves over seeds (paper Fig. 3). Runs are grouped by their
//! setting, the run's `config.toml` without its seed and step budget, and named after the
//! first run's directory without a trailing `-seed<N>`; each group's running mean return and
//! success rate are reported as mean ± std over its seeds at
//! regular step marks, optionally drawn as an SVG with a ±std band per group. When every run
//! has an `eval.json`, the evaluation metrics follow as mean ± std over seeds of each seed's
//! mean, with Welch's t-test of the per-seed means against the first group (Table 6 over
//! seeds rather than episodes).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use plotters::prelude::*;
use rlmpc::lab::welch::welch_t_test;
use rlmpc::runner::evaluation::mean_and_std;

use super::outputs::refuse_overwriting_inputs;
use super::run_files::{group_name, read_columns, read_eval, setting, summary};
use super::table::table;

/// Arguments of `rlmpc curves`.
#[derive(clap::Args)]
pub struct Args {
    /// Run directories written by `rlmpc train`, e.g. `runs/*-seed*`; runs whose configs differ
    /// only in `seed` and `training.total_steps` form one curve.
    #[arg(long, num_args = 1.., required_unless_present = "sweep", conflicts_with = "sweep")]
    runs: Vec<PathBuf>,
    /// A sweep file instead of --runs: its trained runs that have started.
    #[arg(long)]
    sweep: Option<PathBuf>,
    /// Environment steps between the marks of the tables.
    #[arg(long, default_value_t = 100_000)]
    every: u64,
    /// Also draw the mean return curves (mean ± std over seeds) into this SVG file.
    #[arg(long)]
    svg: Option<PathBuf>,
    /// Evaluation metric whose per-seed means the t-tests compare.
    #[arg(long, default_value = "return")]
    metric: String,
}

/// One training run's curves, (env steps, value) per update, and its evaluation summary.
struct Run {
    /// The run's config without `seed` and `training.total_steps`: what its group shares.
    setting: toml::Table,
    mean_return: Vec<(u64, f64)>,
    success_rate: Vec<(u64, f64)>,
    /// (metric, mean over episodes) from `eval.json`, when the run was evaluated.
    evaluation: Option<Vec<(String, f64)>>,
}

/// The curve's value at `step`: that of the last update at or before it (the curve is a step
/// function between updates); `None` before the first update and after the last.
fn value_at(curve: &[(u64, f64)], step: u64) -> Option<f64> {
    if curve.last().is_none_or(|(last, _)| step > *last) {
        return None;
    }
    curve.iter().take_while(|(s, _)| *s <= step).last().map(|(_, v)| *v)
}

/// Mean ± std over `runs` of `curve(run)` at `step`, when every run has reached it.
fn across_seeds(runs: &[Run], step: u64, curve: fn(&Run) -> &[(u64, f64)]) -> Option<(f64, f64)> {
    let values: Option<Vec<f64>> = runs.iter().map(|run| value_at(curve(run), step)).collect();
    values.map(|v| mean_and_std(&v))
}

/// The last step every run of the group reached.
fn common_length(runs: &[Run]) -> u64 {
    runs.iter().map(|r| r.mean_return.last().map_or(0, |c| c.0)).min().unwrap_or(0)
}

/// Prints the two tables and draws the SVG.
pub fn run(args: Args) -> anyhow::Result<()> {
    if args.every == 0 {
        bail!("--every must be at least 1");
    }
    let dirs = match &args.sweep {
        Some(file) => sweep_runs(file)?,
        None => args.runs.clone(),
    };
    // Groups in the order their first run was named.
    let mut groups: Vec<(String, Vec<Run>)> = Vec::new();
    for dir in &dirs {
        let evaluation = dir
            .join("eval.json")
            .exists()
            .then(|| {
                read_eval(dir).map(|eval| summary(&eval).into_iter().map(|(name, mean, _)| (name, mean)).collect())
            })
            .transpose()?;
        let [mean_return, success_rate]: [Vec<(u64, f64)>; 2] =
            read_columns(dir, &["mean_return", "success_rate"])?.try_into().expect("one curve per column");
        let run = Run { setting: setting(dir)?, mean_return, success_rate, evaluation };
        if run.mean_return.is_empty() {
            bail!("{} has no updates in progress.csv", dir.display());
        }
        match groups.iter_mut().find(|(_, runs)| runs[0].setting == run.setting) {
            Some((_, runs)) => runs.push(run),
            None => groups.push((group_name(dir), vec![run])),
        }
    }
    let last = groups.iter().map(|(_, runs)| common_length(runs)).max().unwrap_or(0);
    let marks: Vec<u64> = (1..=last / args.every).map(|i| i * args.every).collect();
    let mut header = vec!["curve".to_string(), "seeds".to_string()];
    header.extend(marks.iter().map(|m| if m % 1000 == 0 { format!("{}k", m / 1000) } else { m.to_string() }));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    for (title, curve, digits) in [
        ("mean return of the last 100 training episodes", (|r: &Run| &r.mean_return[..]) as fn(&Run) -> &_, 1),
        ("success rate of the last 100 training episodes", |r: &Run| &r.success_rate[..], 2),
    ] {
        let rows = groups
            .iter()
            .map(|(name, runs)| {
                let mut row = vec![name.clone(), runs.len().to_string()];
                row.extend(marks.iter().map(|&m| {
                    across_seeds(runs, m, curve)
                        .map_or("-".into(), |(mean, std)| format!("{mean:.digits$} ± {std:.digits$}"))
                }));
                row
            })
            .collect();
        println!("{title}, mean ± std over seeds, at env steps\n{}\n", table(&header, rows));
    }
    evaluation(&groups, &args.metric);
    if let Some(path) = &args.svg {
        let runs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
        refuse_overwriting_inputs("--svg", path, &[], &runs)?;
        draw(path, &groups).with_context(|| format!("drawing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The run directories of a sweep's trained runs that have a training log, in manifest order.
fn sweep_runs(file: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let (_, runs) = super::sweep::load(file)?;
    let dirs: Vec<PathBuf> = runs
        .into_iter()
        .filter(|run| {
            run.kind == super::sweep::manifest::Kind::Train
                && std::fs::metadata(run.dir.join("progress.csv")).is_ok_and(|m| m.len() > 0)
        })
        .map(|run| run.dir)
        .collect();
    if dirs.is_empty() {
        bail!("no run of {} has started training; `rlmpc sweep run {}` starts them", file.display(), file.display());
    }
    Ok(dirs)
}

/// Each seed's evaluation mean, per group: mean ± std over seeds, and Welch's t-test of
/// `metric`'s per-seed means against the first group. Skipped unless every run was evaluated.
fn evaluation(groups: &[(String, Vec<Run>)], metric: &str) {
    let Some(evaluated) = groups
        .iter()
        .map(|(name, runs)| runs.iter().map(|r| r.evaluation.as_ref()).collect::<Option<Vec<_>>>().map(|e| (name, e)))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let metrics: Vec<&String> = evaluated[0].1[0].iter().map(|(name, _)| name).collect();
    let per_seed = |evaluations: &[&Vec<(String, f64)>], metric: &str| -> Vec<f64> {
        evaluations.iter().filter_map(|e| e.iter().find(|(n, _)| n == metric).map(|(_, v)| *v)).collect()
    };
    let mut header = vec!["curve", "seeds"];
    header.extend(metrics.iter().map(|m| m.as_str()));
    header.extend(["t", "p"]);
    let baseline = per_seed(&evaluated[0].1, metric);
    let rows = evaluated
        .iter()
        .enumerate()
        .map(|(i, (name, evaluations))| {
            let mut row = vec![name.to_string(), evaluations.len().to_string()];
            row.extend(metrics.iter().map(|m| {
                let (mean, std) = mean_and_std(&per_seed(evaluations, m));
                format!("{mean:.2} ± {std:.2}")
            }));
            // The baseline is not tested against itself.
            match (i > 0).then(|| welch_t_test(&per_seed(evaluations, metric), &baseline)).flatten() {
                Some(w) => row.extend([format!("{:.2}", w.t), format!("{:.2e}", w.p)]),
                None => row.extend(["-".to_string(), "-".to_string()]),
            }
            row
        })
        .collect();
    println!(
        "evaluation: mean ± std over seeds of each seed's mean; Welch's t-test of the per-seed `{metric}` \
         against {}\n{}\n",
        evaluated[0].0,
        table(&header, rows)
    );
}

/// (env steps, mean, std) points of one group's curve.
type Series = Vec<(u64, f64, f64)>;

/// Pixels to the right of the plot that hold the legend: at least this many, more when a
/// label is long (about 8 pixels per character of 14-pixel sans-serif, after the 48-pixel swatch).
const LEGEND_WIDTH: u32 = 260;

/// Mean return against env steps, one line and ±std band per group, on 200 points.
fn draw(path: &Path, groups: &[(String, Vec<Run>)]) -> anyhow::Result<()> {
    let last = groups.iter().map(|(_, runs)| common_length(runs)).max().unwrap_or(1).max(1);
    let points: Vec<u64> = (1..=200).map(|i| last * i / 200).collect();
    let curves: Vec<(&String, Series)> = groups
        .iter()
        .map(|(name, runs)| {
            let series = points
                .iter()
                .filter_map(|&s| across_seeds(runs, s, |r| &r.mean_return).map(|(m, sd)| (s, m, sd)))
                .collect();
            (name, series)
        })
        .collect();
    let (low, high) = curves
        .iter()
        .flat_map(|(_, c)| c.iter())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |acc, p| (acc.0.min(p.1 - p.2), acc.1.max(p.1 + p.2)));
    if !low.is_finite() {
        bail!("no curve has a point to draw");
    }
    let longest = groups.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
    let legend_width = LEGEND_WIDTH.max(60 + 8 * u32::try_from(longest).unwrap_or(u32::MAX / 16));
    let root = SVGBackend::new(path, (900 + legend_width, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    // The legend gets a strip of its own to the right of the plot, so it hides no data.
    let (plot, legend) = root.split_horizontally(900);
    let mut chart = ChartBuilder::on(&plot)
        .caption("mean return (last 100 episodes), mean ± std over seeds", ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..last as f64, low..high.max(low + 1.0))?;
    chart
        .configure_mesh()
        .x_desc("environment steps")
        .y_desc("return")
        .x_label_formatter(&|x| format!("{}k", (x / 1000.0).round()))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;
    for (i, (name, series)) in curves.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let band: Vec<(f64, f64)> = series
            .iter()
            .map(|&(s, m, sd)| (s as f64, m + sd))
            .chain(series.iter().rev().map(|&(s, m, sd)| (s as f64, m - sd)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.2).filled())))?;
        chart.draw_series(LineSeries::new(series.iter().map(|&(s, m, _)| (s as f64, m)), color.stroke_width(2)))?;
        let y = 60 + 24 * i as i32;
        legend.draw(&PathElement::new([(10, y), (40, y)], color.stroke_width(2)))?;
        legend.draw(&Text::new(name.as_str(), (48, y - 7), ("sans-serif", 14)))?;
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_curve_holds_its_last_value_until_the_next_update() {
        let curve = [(2048, -500.0), (4096, -120.0)];
        assert_eq!(value_at(&curve, 1000), None);
        assert_eq!(value_at(&curve, 2048), Some(-500.0));
        assert_eq!(value_at(&curve, 4095), Some(-500.0));
        assert_eq!(value_at(&curve, 4096), Some(-120.0));
        assert_eq!(value_at(&curve, 4097), None, "the run ended");
    }

    #[test]
    fn seeds_are_averaged_only_where_every_run_has_a_value() {
        let run = |points: Vec<(u64, f64)>| Run {
            setting: toml::Table::new(),
            success_rate: points.clone(),
            mean_return: points,
            evaluation: None,
        };
        let runs = [run(vec![(100, 1.0), (200, 3.0)]), run(vec![(150, 5.0)])];
        assert_eq!(across_seeds(&runs, 120, |r| &r.mean_return), None);
        assert_eq!(across_seeds(&runs, 150, |r| &r.mean_return), Some((3.0, 2.0)));
        assert_eq!(across_seeds(&runs, 200, |r| &r.mean_return), None, "the second run ended at 150");
        assert_eq!(common_length(&runs), 150);
    }
}
