//! The template's Cargo.lock pins the same crate versions as the workspace's: the ABI record
//! does not record third-party versions (`erased-serde`, `wide`), so they must agree.

use std::collections::BTreeMap;
use std::path::Path;

/// name → versions in a Cargo.lock.
fn versions(path: &Path) -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lock: toml::Table = toml::from_str(&text).unwrap();
    let mut versions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for package in lock["package"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap().to_string();
        versions.entry(name).or_default().push(package["version"].as_str().unwrap().to_string());
    }
    versions
}

#[test]
fn template_lock_matches_the_workspace_lock() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let workspace = versions(&root.join("Cargo.lock"));
    for (name, template) in versions(&root.join("plugins/template/Cargo.lock")) {
        if name == "rlmpc-plugin-template" {
            continue;
        }
        let known = workspace.get(&name).cloned().unwrap_or_default();
        assert!(
            template.iter().all(|version| known.contains(version)),
            "plugins/template/Cargo.lock has {name} {template:?}, the workspace's Cargo.lock {known:?}: run \
             `cp Cargo.lock plugins/template/ && cargo build --manifest-path plugins/template/Cargo.toml` to align it"
        );
    }
}
