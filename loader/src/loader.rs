//! Opening plugin libraries: check the ABI record, then register.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use libloading::Library;

use crate::abi::{AbiRecord, Mismatch, ABI_SYMBOL, ABI_VERSION, MAGIC, REGISTER_SYMBOL};
use crate::declare::RegisterFn;
use crate::registrar::{Registered, Registrar};

/// A plugin library that was loaded, and what it registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedPlugin {
    /// Canonical path of the library.
    pub path: PathBuf,
    /// The names it registered, by kind.
    pub registered: Registered,
}

/// Why a plugin library was not loaded; each message names the library, the cause and the fix.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file does not exist or cannot be resolved.
    #[error("plugin {}: {error}: build the plugin first, or fix the path", path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
        /// Why it could not be resolved.
        error: std::io::Error,
    },
    /// The dynamic loader refused the file.
    #[error("plugin {} cannot be opened as a shared library: {message}", path.display())]
    Open {
        /// The library.
        path: PathBuf,
        /// The dynamic loader's message, with its causes.
        message: String,
    },
    /// The library exports no ABI record.
    #[error(
        "{} is not an rlmpc plugin (no `{ABI_SYMBOL}` symbol): a plugin is a `cdylib` crate that invokes \
         `rlmpc_loader::declare_plugin!` (see plugins/template)",
        path.display()
    )]
    NotAPlugin {
        /// The library.
        path: PathBuf,
    },
    /// The library was built differently from this program.
    #[error("plugin {} {mismatch}", path.display())]
    Incompatible {
        /// The library.
        path: PathBuf,
        /// The first difference found.
        mismatch: Mismatch,
    },
    /// The library has a matching record but no registration function.
    #[error(
        "plugin {} has an ABI record but no `{REGISTER_SYMBOL}` function: declare it with \
         `rlmpc_loader::declare_plugin!` only",
        path.display()
    )]
    NoRegisterFunction {
        /// The library.
        path: PathBuf,
    },
    /// The plugin's registration function panicked.
    #[error("plugin {} panicked while registering: {message}", path.display())]
    Panicked {
        /// The library.
        path: PathBuf,
        /// The panic message.
        message: String,
    },
    /// A name the plugin registers is taken.
    #[error("plugin {}: {error}", path.display())]
    Registry {
        /// The library.
        path: PathBuf,
        /// The ambiguity error, naming both origins.
        error: rlmpc_core::Error,
    },
}

/// Every library loaded so far, kept open for the rest of the program: registrations point
/// into them. The lock also serializes loading.
static LOADED: Mutex<Vec<(LoadedPlugin, Library)>> = Mutex::new(Vec::new());

/// Loads a plugin library and adds its environments, costs and schedulers to the registry.
/// Loading the same file again returns the first result.
///
/// Before calling anything in the library, it reads the exported [`AbiRecord`] (plain data)
/// and compares it with this program's: protocol version, target, compiler, rlmpc-core
/// version, SIMD CPU features and a fingerprint of the rlmpc-core/rlmpc-loader sources. Only
/// then does it call the registration function.
///
/// # Trust
///
/// Loading runs code from the library, so load only libraries you trust, built as the book's
/// Plugins chapter describes. Two things happen outside the check: the dynamic loader runs the
/// library's constructors (ELF initializers, e.g. from `inventory::submit!`) when it opens the
/// file, before the record can be read; and the versions of third-party crates whose types
/// cross the boundary (`erased-serde`, `wide`) and the global allocator are not recorded:
/// build plugins with the rlmpc checkout's `Cargo.lock` and the default allocator.
pub fn load(path: &Path) -> Result<LoadedPlugin, LoadError> {
    let canonical = path.canonicalize().map_err(|error| LoadError::NotFound { path: path.to_path_buf(), error })?;
    let mut loaded = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((plugin, _)) = loaded.iter().find(|(plugin, _)| plugin.path == canonical) {
        return Ok(plugin.clone());
    }
    // SAFETY: opening runs the library's initializers, which no check can precede; the caller
    // chose to trust this file (see "Trust" above).
    let library = unsafe { Library::new(&canonical) }
        .map_err(|error| LoadError::Open { path: canonical.clone(), message: with_causes(&error) })?;
    let record = read_record(&library, &canonical)?;
    record
        .check(&AbiRecord::current())
        .map_err(|mismatch| LoadError::Incompatible { path: canonical.clone(), mismatch })?;
    let registered = register(&library, &canonical);
    // From here on the library's code has run and what it returned may point into it: keep
    // it loaded whatever the outcome.
    match registered {
        Ok(registered) => {
            let plugin = LoadedPlugin { path: canonical, registered };
            loaded.push((plugin.clone(), library));
            Ok(plugin)
        }
        Err(e) => {
            std::mem::forget(library);
            Err(e)
        }
    }
}

/// Loads each library in turn (see [`load`]), stopping at the first error.
pub fn load_all<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Vec<LoadedPlugin>, LoadError> {
    paths.into_iter().map(|path| load(path.as_ref())).collect()
}

/// `error`'s message followed by those of its sources (the dynamic loader's detail is one).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        message = format!("{message}: {error}");
        cause = error.source();
    }
    message
}

/// Reads the library's ABI record without running any of its code: the fixed header (magic,
/// version) first, the rest only once the header says it has this program's layout.
fn read_record(library: &Library, path: &Path) -> Result<AbiRecord, LoadError> {
    // SAFETY: the symbol is only used as an address; what is read from it is checked below.
    let symbol = unsafe { library.get::<*const AbiRecord>(ABI_SYMBOL.as_bytes()) }
        .map_err(|_| LoadError::NotAPlugin { path: path.to_path_buf() })?;
    let address: *const AbiRecord = *symbol;
    let incompatible = |mismatch| LoadError::Incompatible { path: path.to_path_buf(), mismatch };
    // SAFETY: an exported data symbol named `rlmpc_plugin_abi` is at least the 12-byte header
    // in every protocol version; unaligned reads, since a foreign symbol may be anywhere.
    let (magic, abi_version) =
        unsafe { (address.cast::<u64>().read_unaligned(), address.cast::<u8>().add(8).cast::<u32>().read_unaligned()) };
    if magic != MAGIC {
        return Err(incompatible(Mismatch::Magic { found: magic }));
    }
    if abi_version != ABI_VERSION {
        return Err(incompatible(Mismatch::AbiVersion { plugin: abi_version, host: ABI_VERSION }));
    }
    // SAFETY: magic and version match, so the symbol is an `AbiRecord` of this layout.
    Ok(unsafe { address.read_unaligned() })
}

/// Calls the library's registration function and adds what it handed over to the registry.
fn register(library: &Library, path: &Path) -> Result<Registered, LoadError> {
    // SAFETY: the ABI record matched, so the symbol has the signature `declare_plugin!` gives
    // it and `Registrar` has the same layout on both sides.
    let function = unsafe { library.get::<RegisterFn>(REGISTER_SYMBOL.as_bytes()) }
        .map_err(|_| LoadError::NoRegisterFunction { path: path.to_path_buf() })?;
    let mut registrar = Registrar::default();
    function(&mut registrar).map_err(|message| LoadError::Panicked { path: path.to_path_buf(), message })?;
    registrar.install(path).map_err(|error| LoadError::Registry { path: path.to_path_buf(), error })
}
