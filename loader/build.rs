//! Records, for the ABI record (`src/abi.rs`), what the compiler alone cannot tell the crate:
//! the rustc version, the target triple, and a fingerprint of the plugin API's sources
//! (`source_hash.rs` says which files), so that a plugin built from other sources of the same
//! version is rejected too.

use std::env;
use std::path::PathBuf;
use std::process::Command;

#[path = "source_hash.rs"]
mod source_hash;

fn main() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(&rustc).arg("--version").output().unwrap_or_else(|e| panic!("running `{rustc}`: {e}"));
    let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
    assert!(output.status.success() && !version.is_empty(), "`{rustc} --version` failed");
    println!("cargo:rustc-env=RLMPC_RUSTC_VERSION={version}");
    println!("cargo:rustc-env=RLMPC_TARGET={}", env::var("TARGET").expect("cargo sets TARGET"));

    let loader = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = loader.parent().expect("rlmpc-loader lives in the rlmpc checkout");
    for krate in source_hash::PLUGIN_API_CRATES {
        println!("cargo:rerun-if-changed={}", root.join(krate).join("Cargo.toml").display());
        println!("cargo:rerun-if-changed={}", root.join(krate).join("src").display());
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=source_hash.rs");
    println!("cargo:rustc-env=RLMPC_SOURCE_HASH={:016x}", source_hash::source_hash(root));
}
