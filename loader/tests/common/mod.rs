//! Builds `plugins/template` with cargo, once per test binary, into
//! `<workspace>/target/plugin-template` (so repeated runs are incremental).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The rlmpc checkout.
pub fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("plugins/ lives in the checkout")
}

/// Path of the built template library (built on first call).
pub fn template_library() -> &'static Path {
    static LIBRARY: OnceLock<PathBuf> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let target = workspace().join("target/plugin-template");
        let status = Command::new(env!("CARGO"))
            .args(["build", "--locked", "--quiet", "--manifest-path"])
            .arg(workspace().join("plugins/template/Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target)
            // Inside the checkout, so its .cargo/config.toml (CPU features) applies as to this test.
            .current_dir(workspace())
            .status()
            .expect("running cargo");
        assert!(status.success(), "building plugins/template failed");
        let name = format!("{}rlmpc_plugin_template{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
        target.join("debug").join(name)
    })
}
