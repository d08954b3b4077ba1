//! `rlmpc table`: a finished sweep (or any evaluated runs) in the form of the paper's
//! Tables 1–2, as Markdown, LaTeX or CSV.

use std::path::PathBuf;

use anyhow::{bail, Context};

use super::run_files::{group_name, setting};
use super::sweep;

mod formats;
mod results;

use formats::Format;
use results::{compute, Group};

/// Arguments of `rlmpc table`.
#[derive(clap::Args)]
pub struct Args {
    /// Sweep file: one row per setting, in the sweep's order, over its seeds.
    #[arg(required_unless_present = "runs", conflicts_with = "runs")]
    file: Option<PathBuf>,
    /// Evaluated run directories instead of a sweep; runs whose configs differ only in `seed`
    /// and `training.total_steps` form one row (as in `rlmpc curves`).
    #[arg(long, num_args = 1..)]
    runs: Vec<PathBuf>,
    /// The row the t-tests compare against (default: the sweep file's `baseline`, else the
    /// first row).
    #[arg(long)]
    baseline: Option<String>,
    /// Evaluation metric whose per-seed means the t-tests compare.
    #[arg(long, default_value = "return")]
    metric: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Write the table to this file instead of printing it.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The sweep's settings, each with its evaluated runs; notes the seeds still missing.
fn sweep_groups(file: &std::path::Path) -> anyhow::Result<(Vec<Group>, Option<String>)> {
    let (sweep, runs) = sweep::load(file)?;
    let mut groups: Vec<Group> = Vec::new();
    for run in &runs {
        if groups.last().is_none_or(|g| g.name != run.setting) {
            groups.push(Group { name: run.setting.clone(), dirs: Vec::new() });
        }
        let group = groups.last_mut().expect("pushed above");
        if run.dir.join("eval.json").exists() {
            group.dirs.push(run.dir.clone());
        }
    }
    let missing = runs.len() - groups.iter().map(|g| g.dirs.len()).sum::<usize>();
    if missing > 0 {
        eprintln!("note: {missing} of {} runs are not evaluated yet and are left out", runs.len());
    }
    Ok((groups, sweep.baseline))
}

/// Run directories grouped by setting, in the order their first run was named.
fn run_groups(dirs: &[PathBuf]) -> anyhow::Result<Vec<Group>> {
    let mut groups: Vec<(toml::Table, Group)> = Vec::new();
    for dir in dirs {
        let key = setting(dir)?;
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, group)) => group.dirs.push(dir.clone()),
            None => groups.push((key, Group { name: group_name(dir), dirs: vec![dir.clone()] })),
        }
    }
    Ok(groups.into_iter().map(|(_, g)| g).collect())
}

/// Prints (or writes) the table.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (groups, sweep_baseline) = match &args.file {
        Some(file) => sweep_groups(file)?,
        None if args.runs.is_empty() => bail!("name a sweep file or --runs DIR…"),
        None => (run_groups(&args.runs)?, None),
    };
    let baseline = args.baseline.or(sweep_baseline);
    let table = compute(&groups, baseline.as_deref(), &args.metric)?;
    let text = match args.format {
        Format::Markdown => formats::markdown(&table),
        Format::Latex => formats::latex(&table),
        Format::Csv => formats::csv(&table)?,
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}
