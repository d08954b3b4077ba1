//! `rlmpc sweep slurm FILE [--submit]`: a Slurm job array with one task per unfinished run,
//! each calling `rlmpc sweep task FILE --index $SLURM_ARRAY_TASK_ID`, and its submission.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use super::spec::{SlurmResources, Sweep};

/// Indices as Slurm's `--array` list: runs of consecutive indices as ranges, e.g. `0-3,7,9-10`.
pub fn array_list(indices: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let start = indices[i];
        while i + 1 < indices.len() && indices[i + 1] == indices[i] + 1 {
            i += 1;
        }
        parts.push(if indices[i] == start { start.to_string() } else { format!("{start}-{}", indices[i]) });
        i += 1;
    }
    parts.join(",")
}

/// What the script needs besides the sweep's resources: absolute paths, since the job runs
/// wherever Slurm puts it.
pub struct ScriptPaths {
    /// The `rlmpc` executable (on a file system the compute nodes share).
    pub rlmpc: PathBuf,
    /// The sweep file.
    pub sweep_file: PathBuf,
    /// The directory relative paths of the sweep resolve against (`--chdir`).
    pub workdir: PathBuf,
}

/// The job script's text.
pub fn script(sweep: &Sweep, indices: &[usize], paths: &ScriptPaths) -> String {
    let SlurmResources { time, cpus_per_task, mem, partition, account, max_parallel, extra } = &sweep.slurm;
    let name = sweep.path.file_stem().map_or_else(|| "sweep".into(), |s| s.to_string_lossy().into_owned());
    let throttle = max_parallel.map(|n| format!("%{n}")).unwrap_or_default();
    let mut lines = vec![
        "#!/bin/bash".to_string(),
        format!("# Written by `rlmpc sweep slurm {}`: one array task per unfinished run of the", sweep.path.display()),
        "# sweep (`rlmpc sweep plan` lists them by index). Submitting it again repeats no finished run.".to_string(),
        format!("#SBATCH --job-name=rlmpc-{name}"),
        format!("#SBATCH --array={}{throttle}", array_list(indices)),
        format!("#SBATCH --chdir={}", paths.workdir.display()),
        format!("#SBATCH --output={}/slurm-%A_%a.out", sweep.logs_dir().display()),
    ];
    let options = [
        ("time", time.clone()),
        ("cpus-per-task", cpus_per_task.map(|n| n.to_string())),
        ("mem", mem.clone()),
        ("partition", partition.clone()),
        ("account", account.clone()),
    ];
    lines.extend(options.into_iter().filter_map(|(option, value)| Some(format!("#SBATCH --{option}={}", value?))));
    lines.extend(extra.iter().map(|option| format!("#SBATCH {option}")));
    lines.extend([
        "set -euo pipefail".to_string(),
        "# MPPI's rollouts use the task's CPUs, no more.".to_string(),
        "export RAYON_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"".to_string(),
        format!(
            "exec {} sweep task {} --index \"$SLURM_ARRAY_TASK_ID\"",
            shell_quote(&paths.rlmpc),
            shell_quote(&paths.sweep_file)
        ),
    ]);
    lines.join("\n") + "\n"
}

/// A path as one shell word.
fn shell_quote(path: &Path) -> String {
    let text = path.display().to_string();
    if text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c)) {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// Submits `script` with `sbatch --parsable` and returns the job id.
pub fn submit(script: &Path) -> anyhow::Result<String> {
    let output = match Command::new("sbatch").arg("--parsable").arg(script).output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "`sbatch` is not on PATH: this machine is not a Slurm submit host. Copy {} to one (with the \
             sweep's configs) and run `sbatch {}` there, or run the sweep here with `rlmpc sweep run FILE --jobs N`",
            script.display(),
            script.display()
        ),
        Err(e) => return Err(e).context("running sbatch"),
    };
    if !output.status.success() {
        bail!("sbatch {} failed: {}", script.display(), String::from_utf8_lossy(&output.stderr).trim());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    // `--parsable` prints `<job id>` or `<job id>;<cluster>`.
    Ok(stdout.trim().split(';').next().unwrap_or_default().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_indices_become_ranges() {
        assert_eq!(array_list(&[0, 1, 2, 3, 7, 9, 10]), "0-3,7,9-10");
        assert_eq!(array_list(&[5]), "5");
        assert_eq!(array_list(&[]), "");
    }

    #[test]
    fn paths_with_spaces_are_quoted() {
        assert_eq!(shell_quote(Path::new("/a/b-c.toml")), "/a/b-c.toml");
        assert_eq!(shell_quote(Path::new("/a b/it's")), r"'/a b/it'\''s'");
    }
}
