//! The fingerprint of the plugin API's sources that the ABI record carries: which files it
//! covers and how they are hashed. Shared by `build.rs`, which computes it, and
//! `tests/source_hash.rs`, which checks that it covers the plugin API and nothing else.

use std::fs;
use std::path::{Path, PathBuf};

/// The crates a plugin is compiled against, relative to the checkout: the plugin API
/// (`rlmpc-core`) and the loader whose registrar and `declare_plugin!` it uses. The runner,
/// the learners, the lab tools and the CLI are not among them: editing them cannot change what
/// a plugin sees, so it does not make built plugins stale.
pub const PLUGIN_API_CRATES: [&str; 2] = ["core", "loader"];

/// Every file the fingerprint covers, sorted: each plugin-API crate's `Cargo.toml`, its
/// `build.rs` (when it has one) and every `.rs` file under its `src/`.
pub fn plugin_api_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for krate in PLUGIN_API_CRATES.map(|name| root.join(name)) {
        for name in ["Cargo.toml", "build.rs"] {
            if krate.join(name).is_file() {
                files.push(krate.join(name));
            }
        }
        collect(&krate.join("src"), &mut files);
    }
    files.sort();
    files
}

/// 64-bit FNV-1a over each file's path relative to `root` and its bytes.
pub fn source_hash(root: &Path) -> u64 {
    let mut hash = Fnv::default();
    for file in plugin_api_files(root) {
        let relative = file.strip_prefix(root).expect("under the checkout");
        hash.write(relative.to_string_lossy().as_bytes());
        hash.write(&fs::read(&file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display())));
    }
    hash.0
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
