//! How the command line ends when something goes wrong: one readable message, and a quiet
//! exit when the reader of its output goes away.

/// The error and its causes as one line, each cause once: an I/O error already quotes its OS
/// cause, which the chain would otherwise repeat.
pub fn describe(error: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

/// Restores the default action of SIGPIPE, which Rust's runtime ignores: `rlmpc list | head`
/// then ends quietly when `head` stops reading, as other command-line tools do, instead of
/// panicking in `println!`.
pub fn end_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any other thread exists; `signal` with
    // SIG_DFL installs no handler code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn a_cause_already_quoted_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory (os error 2)");
        let error = anyhow::Error::new(rlmpc::core::Error::Io { path: "runs/x/config.toml".into(), source: io })
            .context("loading the run");
        assert_eq!(describe(&error), "loading the run: runs/x/config.toml: No such file or directory (os error 2)");
    }
}
