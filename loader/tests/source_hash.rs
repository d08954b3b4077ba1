//! The ABI record's source fingerprint covers the plugin API alone: editing the trainer (or
//! any file outside `core/` and `loader/`) leaves it unchanged, so built plugins stay loadable;
//! editing the plugin API changes it.

use std::fs;
use std::path::{Path, PathBuf};

#[path = "../source_hash.rs"]
mod source_hash;

use source_hash::{plugin_api_files, source_hash};

/// The rlmpc checkout.
fn checkout() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("loader/ lives in the checkout")
}

/// Copies `relative` (a file or a directory, recursively) from the checkout into `to`.
fn copy(relative: &Path, to: &Path) {
    let from = checkout().join(relative);
    let dest = to.join(relative);
    if from.is_dir() {
        fs::create_dir_all(&dest).unwrap();
        for entry in fs::read_dir(&from).unwrap() {
            copy(&relative.join(entry.unwrap().file_name()), to);
        }
    } else {
        fs::copy(&from, &dest).unwrap();
    }
}

/// Appends a comment line to `file` under `root`.
fn edit(root: &Path, file: &str) {
    let path = root.join(file);
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str("\n// an edit\n");
    fs::write(&path, text).unwrap();
}

#[test]
fn the_compiled_fingerprint_is_the_one_this_file_computes() {
    assert_eq!(format!("{:016x}", source_hash(checkout())), env!("RLMPC_SOURCE_HASH"));
}

#[test]
fn the_fingerprint_covers_core_and_the_loader_only() {
    let files: Vec<PathBuf> = plugin_api_files(checkout());
    let relative = |f: &PathBuf| f.strip_prefix(checkout()).unwrap().to_path_buf();
    assert!(files.iter().any(|f| relative(f) == Path::new("core/src/registry.rs")));
    assert!(files.iter().any(|f| relative(f) == Path::new("loader/src/abi.rs")));
    for file in &files {
        let top = relative(file).components().next().unwrap().as_os_str().to_owned();
        assert!(top == "core" || top == "loader", "{} is not part of the plugin API", file.display());
    }
}

#[test]
fn editing_the_trainer_leaves_the_fingerprint_and_editing_core_changes_it() {
    let root = std::env::temp_dir().join(format!("rlmpc-source-hash-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    for dir in ["core", "loader", "runner"] {
        fs::create_dir_all(root.join(dir)).unwrap();
        copy(&Path::new(dir).join("Cargo.toml"), &root);
        copy(&Path::new(dir).join("src"), &root);
    }
    copy(Path::new("loader/build.rs"), &root);
    let original = source_hash(&root);
    assert_eq!(format!("{original:016x}"), env!("RLMPC_SOURCE_HASH"), "the copy is the checkout's plugin API");

    edit(&root, "runner/src/trainer/mod.rs");
    edit(&root, "runner/Cargo.toml");
    assert_eq!(source_hash(&root), original, "the runner is not part of the plugin API");

    edit(&root, "core/src/lib.rs");
    assert_ne!(source_hash(&root), original, "core is");
    fs::remove_dir_all(&root).unwrap();
}
