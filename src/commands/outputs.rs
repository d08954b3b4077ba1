//! Files a command writes must not be files it reads: `render --out` onto its own config, or
//! `curves --svg` onto a run's log, would destroy the input.

use std::path::Path;

use anyhow::bail;

/// The files `rlmpc train` and `rlmpc eval` keep in a run directory (besides `learner-*`).
const RUN_FILES: [&str; 5] = ["config.toml", "progress.csv", "trainer_state.json", "eval.json", "train.lock"];

/// Refuses `output` (named by `flag`) when it is the same file as one of `inputs`, or one of
/// the files of the `runs` directories (their config, log, checkpoints and results; other
/// files there, such as pictures, are fine).
pub fn refuse_overwriting_inputs(flag: &str, output: &Path, inputs: &[&Path], runs: &[&Path]) -> anyhow::Result<()> {
    // A file that does not exist yet is nobody's input; its directory may still be a run's.
    let Some(target) = canonical_target(output) else { return Ok(()) };
    if let Some(input) = inputs.iter().find(|input| input.canonicalize().ok().as_ref() == Some(&target)) {
        bail!(
            "{flag} {} is the input {}: writing it would destroy it; pick another file",
            output.display(),
            input.display()
        );
    }
    let is_run_file = |run: &Path| {
        let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let run_file = RUN_FILES.contains(&name) || name.starts_with("learner-");
        run_file && run.canonicalize().is_ok_and(|run| target.parent() == Some(run.as_path()))
    };
    if let Some(run) = runs.iter().find(|run| is_run_file(run)) {
        bail!(
            "{flag} {} is a file of the run {}, which `rlmpc train` and `eval` write; pick another name",
            output.display(),
            run.display()
        );
    }
    Ok(())
}

/// The canonical path `output` will have: the file's if it exists, else its directory's
/// joined with its name; `None` where neither resolves (the write will report that).
fn canonical_target(output: &Path) -> Option<std::path::PathBuf> {
    if let Ok(existing) = output.canonicalize() {
        return Some(existing);
    }
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(parent.canonicalize().ok()?.join(output.file_name()?))
}
