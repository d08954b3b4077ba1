//! Records, for the ABI record (`src/abi.rs`), what the compiler alone cannot tell the crate:
//! the rustc version, the target triple, and a fingerprint of the rlmpc-core and
//! rlmpc-loader sources (their `Cargo.toml`, `build.rs` and `src/**/*.rs`), so that a plugin built
//! from other sources of the same version is rejected too.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(&rustc).arg("--version").output().unwrap_or_else(|e| panic!("running `{rustc}`: {e}"));
    let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
    assert!(output.status.success() && !version.is_empty(), "`{rustc} --version` failed");
    println!("cargo:rustc-env=RLMPC_RUSTC_VERSION={version}");
    println!("cargo:rustc-env=RLMPC_TARGET={}", env::var("TARGET").expect("cargo sets TARGET"));

    let loader = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = loader.parent().expect("rlmpc-loader lives in the rlmpc checkout").to_path_buf();
    let mut files = Vec::new();
    for krate in [root.join("core"), loader] {
        for name in ["Cargo.toml", "build.rs"] {
            if krate.join(name).is_file() {
                files.push(krate.join(name));
            }
        }
        collect(&krate.join("src"), &mut files);
        println!("cargo:rerun-if-changed={}", krate.join("Cargo.toml").display());
        println!("cargo:rerun-if-changed={}", krate.join("src").display());
    }
    println!("cargo:rerun-if-changed=build.rs");
    files.sort();
    let mut hash = Fnv::default();
    for file in &files {
        let relative = file.strip_prefix(&root).expect("under the checkout");
        hash.write(relative.to_string_lossy().as_bytes());
        hash.write(&fs::read(file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display())));
    }
    println!("cargo:rustc-env=RLMPC_SOURCE_HASH={:016x}", hash.0);
}

/// Every `.rs` file under `dir`, recursively.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

/// 64-bit FNV-1a; each write is length-prefixed so that file boundaries count.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}
