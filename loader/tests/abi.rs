//! The ABI record comparison: every field that differs is reported with its cause and fix.

use rlmpc_loader::{AbiRecord, Mismatch, ABI_VERSION, MAGIC};

/// `text` NUL-padded into `N` bytes.
fn field<const N: usize>(text: &str) -> [u8; N] {
    let mut out = [0u8; N];
    out[..text.len()].copy_from_slice(text.as_bytes());
    out
}

/// The message a plugin with `record` gets from this program.
fn message(record: AbiRecord) -> String {
    record.check(&AbiRecord::current()).unwrap_err().to_string()
}

#[test]
fn the_current_record_matches_itself() {
    let host = AbiRecord::current();
    assert_eq!(host.magic, MAGIC);
    assert_eq!(host.abi_version, ABI_VERSION);
    assert_eq!(host.check(&host), Ok(()));
}

#[test]
fn another_core_version_says_which_to_rebuild_against() {
    let host = AbiRecord::current();
    let plugin = AbiRecord { core_version: field("0.2.0"), ..host };
    let version = rlmpc_core::VERSION;
    assert_eq!(
        message(plugin),
        format!(
            "was built against rlmpc-core 0.2.0, this program uses {version}: rebuild the plugin against rlmpc-core \
             {version}"
        )
    );
}

#[test]
fn another_compiler_asks_for_the_same_toolchain() {
    let plugin = AbiRecord { rustc: field("rustc 1.80.0 (051478957 2024-07-21)"), ..AbiRecord::current() };
    let e = message(plugin);
    assert!(e.starts_with("was built with rustc 1.80.0 (051478957 2024-07-21), this program with rustc "), "{e}");
    assert!(e.contains("rebuild the plugin with the same toolchain"), "{e}");
}

#[test]
fn every_other_field_is_compared() {
    let host = AbiRecord::current();
    let cases = [
        (AbiRecord { magic: 7, ..host }, "not an rlmpc ABI record"),
        (AbiRecord { abi_version: ABI_VERSION + 1, ..host }, "uses plugin ABI version"),
        (AbiRecord { target: field("riscv64gc-unknown-linux-gnu"), ..host }, "build the plugin for"),
        (AbiRecord { target_features: host.target_features ^ 1, ..host }, "build both with the same RUSTFLAGS"),
        (AbiRecord { source_hash: field("0123456789abcdef"), ..host }, "rebuild the plugin against this program's"),
    ];
    for (plugin, expected) in cases {
        let e = message(plugin);
        assert!(e.contains(expected), "expected `{expected}` in: {e}");
    }
}

#[test]
fn feature_mismatches_name_the_features() {
    let host = AbiRecord::current();
    let plugin = AbiRecord { target_features: 0, ..host };
    if host.target_features == 0 {
        return; // a target with none of the recorded SIMD features: nothing to differ
    }
    match plugin.check(&host) {
        Err(Mismatch::TargetFeatures { plugin, host }) => {
            assert_eq!(plugin, "none");
            assert_ne!(host, "none");
        }
        other => panic!("expected a feature mismatch, got {other:?}"),
    }
}
