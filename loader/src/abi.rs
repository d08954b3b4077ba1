//! The ABI record: plain C data that a plugin library exports as a static, and that the loader
//! reads and compares with its own before it calls anything in the library.
//!
//! Rust has no stable ABI: a plugin's `Registration`s, trait objects and `Box`es are only
//! understood by a program built by the same compiler, for the same target and CPU features,
//! from the same rlmpc sources. The record states exactly those facts.

/// Name of the exported [`AbiRecord`] static.
pub const ABI_SYMBOL: &str = "rlmpc_plugin_abi";
/// Name of the exported registration function (see [`declare_plugin!`](crate::declare_plugin)).
pub const REGISTER_SYMBOL: &str = "rlmpc_plugin_register";
/// First field of every record: `"RLMPCABI"` in ASCII.
pub const MAGIC: u64 = u64::from_le_bytes(*b"RLMPCABI");
/// Version of the plugin protocol: the record's layout, the exported symbols and their
/// signatures, and the plugin traits whose vtables cross the boundary. Bump it on any change
/// to them. (2: `PolicyLearner::update` takes a `Mixing`; `Critic` split out of it. 3: the
/// models' `actuation`, `StepView::actuation` and `Needs::actuation`.)
pub const ABI_VERSION: u32 = 3;

/// CPU features that change how SIMD types (`wide`, behind [`rlmpc_core::Lanes`]) are built;
/// host and plugin must agree on each.
const FEATURES: [(&str, bool); 15] = [
    ("sse", cfg!(target_feature = "sse")),
    ("sse2", cfg!(target_feature = "sse2")),
    ("ssse3", cfg!(target_feature = "ssse3")),
    ("sse4.1", cfg!(target_feature = "sse4.1")),
    ("sse4.2", cfg!(target_feature = "sse4.2")),
    ("avx", cfg!(target_feature = "avx")),
    ("avx2", cfg!(target_feature = "avx2")),
    ("fma", cfg!(target_feature = "fma")),
    ("avx512f", cfg!(target_feature = "avx512f")),
    ("avx512bw", cfg!(target_feature = "avx512bw")),
    ("avx512dq", cfg!(target_feature = "avx512dq")),
    ("avx512vl", cfg!(target_feature = "avx512vl")),
    ("avx512vbmi", cfg!(target_feature = "avx512vbmi")),
    ("neon", cfg!(target_feature = "neon")),
    ("simd128", cfg!(target_feature = "simd128")),
];

/// What a plugin was built with. `#[repr(C)]` and plain data only, so that it can be read
/// from any library without running its code: `magic` and `abi_version` come first and keep
/// their place in every version, and the rest is read only when both match.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AbiRecord {
    /// [`MAGIC`].
    pub magic: u64,
    /// [`ABI_VERSION`].
    pub abi_version: u32,
    /// Bit i set when the i-th of the SIMD-relevant CPU features was enabled.
    pub target_features: u32,
    /// rlmpc-core's `CARGO_PKG_VERSION`, NUL-padded.
    pub core_version: [u8; 32],
    /// `rustc --version` of the compiler, NUL-padded.
    pub rustc: [u8; 64],
    /// Target triple, NUL-padded.
    pub target: [u8; 64],
    /// Fingerprint of the rlmpc-core and rlmpc-loader sources, 16 hex digits.
    pub source_hash: [u8; 16],
}

/// Why a plugin's record does not match this program's; each message ends with the fix.
/// Displayed after "plugin PATH ".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    /// The symbol exists but does not start with [`MAGIC`].
    #[error(
        "has a `{ABI_SYMBOL}` symbol that is not an rlmpc ABI record (magic {found:#018x}): it is not an rlmpc \
         plugin; build plugins with `rlmpc_loader::declare_plugin!`"
    )]
    Magic {
        /// The first 8 bytes found.
        found: u64,
    },
    /// Another plugin protocol.
    #[error(
        "uses plugin ABI version {plugin}, this program uses {host}: rebuild the plugin against this program's \
         rlmpc-loader"
    )]
    AbiVersion {
        /// The plugin's [`ABI_VERSION`].
        plugin: u32,
        /// This program's.
        host: u32,
    },
    /// Another target triple.
    #[error("was built for {plugin}, this program for {host}: build the plugin for {host}")]
    Target {
        /// The plugin's target.
        plugin: String,
        /// This program's.
        host: String,
    },
    /// Another compiler.
    #[error("was built with {plugin}, this program with {host}: rebuild the plugin with the same toolchain ({host})")]
    Rustc {
        /// The plugin's `rustc --version`.
        plugin: String,
        /// This program's.
        host: String,
    },
    /// Another rlmpc-core version.
    #[error(
        "was built against rlmpc-core {plugin}, this program uses {host}: rebuild the plugin against rlmpc-core {host}"
    )]
    CoreVersion {
        /// The plugin's rlmpc-core version.
        plugin: String,
        /// This program's.
        host: String,
    },
    /// Other CPU features.
    #[error(
        "was built with CPU features [{plugin}], this program with [{host}]: build both with the same RUSTFLAGS \
         (rlmpc's .cargo/config.toml sets `-C target-cpu=native` for cargo runs inside the rlmpc checkout)"
    )]
    TargetFeatures {
        /// The plugin's SIMD-relevant features, comma-separated.
        plugin: String,
        /// This program's.
        host: String,
    },
    /// Same version, other sources.
    #[error(
        "was built from other rlmpc-core/rlmpc-loader sources (fingerprint {plugin}, this program's {host}; both \
         version {version}): rebuild the plugin against this program's rlmpc checkout"
    )]
    Source {
        /// The plugin's source fingerprint.
        plugin: String,
        /// This program's.
        host: String,
        /// The rlmpc-core version both report.
        version: String,
    },
}

impl AbiRecord {
    /// The record of this build, computed at compile time.
    pub const fn current() -> AbiRecord {
        let mut target_features = 0u32;
        let mut i = 0;
        while i < FEATURES.len() {
            if FEATURES[i].1 {
                target_features |= 1 << i;
            }
            i += 1;
        }
        AbiRecord {
            magic: MAGIC,
            abi_version: ABI_VERSION,
            target_features,
            core_version: padded(rlmpc_core::VERSION),
            rustc: padded(env!("RLMPC_RUSTC_VERSION")),
            target: padded(env!("RLMPC_TARGET")),
            source_hash: padded(env!("RLMPC_SOURCE_HASH")),
        }
    }

    /// Compares this record (a plugin's) with `host`'s, field by field, in the order that
    /// gives the most useful message first.
    pub fn check(&self, host: &AbiRecord) -> Result<(), Mismatch> {
        if self.magic != MAGIC {
            return Err(Mismatch::Magic { found: self.magic });
        }
        if self.abi_version != host.abi_version {
            return Err(Mismatch::AbiVersion { plugin: self.abi_version, host: host.abi_version });
        }
        if self.target != host.target {
            return Err(Mismatch::Target { plugin: text(&self.target), host: text(&host.target) });
        }
        if self.rustc != host.rustc {
            return Err(Mismatch::Rustc { plugin: text(&self.rustc), host: text(&host.rustc) });
        }
        if self.core_version != host.core_version {
            return Err(Mismatch::CoreVersion { plugin: text(&self.core_version), host: text(&host.core_version) });
        }
        if self.target_features != host.target_features {
            return Err(Mismatch::TargetFeatures {
                plugin: feature_names(self.target_features),
                host: feature_names(host.target_features),
            });
        }
        if self.source_hash != host.source_hash {
            return Err(Mismatch::Source {
                plugin: text(&self.source_hash),
                host: text(&host.source_hash),
                version: text(&host.core_version),
            });
        }
        Ok(())
    }
}

/// `text` in a NUL-padded array, cut at `N` bytes (a longer compiler version is still compared
/// on its first 64 bytes).
const fn padded<const N: usize>(text: &str) -> [u8; N] {
    let bytes = text.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < bytes.len() && i < N {
        out[i] = bytes[i];
        i += 1;
    }
    out
}

/// The text of a NUL-padded array.
fn text(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// Comma-separated names of the features in `bits` (`none` when empty).
fn feature_names(bits: u32) -> String {
    let names: Vec<&str> =
        FEATURES.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, (name, _))| *name).collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(",")
    }
}
