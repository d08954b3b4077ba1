//! The book's Architecture chapter and the facade's crate docs describe the workspace and the
//! plugins that exist: the crate graph against the workspace's members, the plugin table
//! against what `rlmpc list` prints. Adding a crate or a plugin without saying so fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use assert_cmd::Command;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Package name → directory of every workspace member (the facade's directory is empty).
fn workspace_crates() -> BTreeMap<String, String> {
    let root: toml::Table = toml::from_str(&read("Cargo.toml")).unwrap();
    let mut crates = BTreeMap::from([(root["package"]["name"].as_str().unwrap().to_string(), String::new())]);
    for member in root["workspace"]["members"].as_array().unwrap() {
        let dir = member.as_str().unwrap();
        let manifest: toml::Table = toml::from_str(&read(&format!("{dir}/Cargo.toml"))).unwrap();
        crates.insert(manifest["package"]["name"].as_str().unwrap().to_string(), dir.to_string());
    }
    crates
}

/// The lines of the chapter's section `heading`, up to the next `## `.
fn section<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    let start = text.find(heading).unwrap_or_else(|| panic!("the chapter has no `{heading}`"));
    text[start + heading.len()..].lines().take_while(|line| !line.starts_with("## ")).collect()
}

#[test]
fn the_architecture_chapter_draws_every_workspace_crate() {
    let chapter = read("book/src/architecture.md");
    let mut drawn = BTreeMap::new();
    for line in section(&chapter, "## Crates") {
        if line.starts_with("rlmpc ") {
            drawn.insert("rlmpc".to_string(), String::new());
        } else if let Some((_, entry)) = line.split_once("── ") {
            let mut words = entry.split_whitespace();
            let (name, dir) = (words.next().unwrap(), words.next().unwrap());
            drawn.insert(name.to_string(), dir.trim_end_matches('/').to_string());
        }
    }
    assert_eq!(drawn, workspace_crates(), "book/src/architecture.md's crate graph against the workspace members");
}

#[test]
fn the_facade_re_exports_and_documents_every_crate() {
    let lib = read("src/lib.rs");
    let mut exported = BTreeSet::new();
    for line in lib.lines() {
        if let Some(rest) = line.strip_prefix("pub use rlmpc_") {
            let (krate, alias) = rest.trim_end_matches(';').split_once(" as ").unwrap();
            assert!(lib.contains(&format!("//! - [`{alias}`]: ")), "src/lib.rs does not describe `{alias}`");
            // A package's hyphens are underscores in its crate name (`rlmpc_learner_kit`).
            exported.insert(format!("rlmpc-{}", krate.replace('_', "-")));
        }
    }
    let mut members: BTreeSet<String> = workspace_crates().into_keys().collect();
    members.remove("rlmpc");
    assert_eq!(exported, members, "the facade re-exports every workspace crate");
}

#[test]
fn the_architecture_chapter_lists_what_rlmpc_list_prints() {
    let output = Command::cargo_bin("rlmpc").unwrap().arg("list").output().unwrap();
    assert!(output.status.success());
    let mut listed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut kind = String::new();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        match line.strip_prefix("  ") {
            Some(entry) => {
                listed.entry(kind.clone()).or_default().insert(entry.split_whitespace().next().unwrap().to_string());
            }
            None => kind = line.trim_end_matches(':').to_string(),
        }
    }

    let chapter = read("book/src/architecture.md");
    let mut tabled: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in section(&chapter, "## Built-in plugins").into_iter().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        if cells[1] == "kind" {
            continue;
        }
        let names = cells[2].split(", ").map(|name| name.trim_matches('`').to_string()).collect();
        tabled.insert(format!("{}s", cells[1]), names);
    }
    assert_eq!(tabled, listed, "book/src/architecture.md's plugin table against `rlmpc list`");
}
