//! The container of the learners' checkpoints: one safetensors file of f32 tensors, each under
//! its name, with string metadata. What a learner stores, and its `format` tag, stay with the
//! learner; this is only how such a file is written, opened and complained about.

use std::collections::HashMap;
use std::path::Path;

use rlmpc_core::{Error, Result};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use crate::f32_bytes::from_bytes;

/// One tensor to write: its name, dimensions and little-endian f32 bytes
/// ([`to_bytes`](crate::f32_bytes::to_bytes)).
pub type Tensors = Vec<(String, Vec<usize>, Vec<u8>)>;

/// The error about checkpoint `path` of `learner` ("PPO", "SAC"), saying `message`.
pub fn invalid(learner: &str, path: &Path, message: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("{learner} checkpoint {}: {message}", path.display()))
}

/// Writes `tensors` (f32) and `metadata` as safetensors file `path`.
pub fn write(learner: &str, path: &Path, tensors: &Tensors, metadata: HashMap<String, String>) -> Result<()> {
    let views = tensors.iter().map(|(name, dims, data)| {
        let view = TensorView::new(Dtype::F32, dims.clone(), data).expect("sizes agree by construction");
        (name.as_str(), view)
    });
    let buffer = safetensors::serialize(views, &Some(metadata)).map_err(|e| invalid(learner, path, e))?;
    std::fs::write(path, buffer).map_err(|source| Error::Io { path: path.display().to_string(), source })
}

/// The bytes of file `path`, to open with `SafeTensors::deserialize`.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io { path: path.display().to_string(), source })
}

/// The metadata of `buffer`, the bytes of checkpoint `path` (empty when it has none).
pub fn metadata(learner: &str, path: &Path, buffer: &[u8]) -> Result<HashMap<String, String>> {
    let (_, header) = SafeTensors::read_metadata(buffer).map_err(|e| invalid(learner, path, e))?;
    Ok(header.metadata().clone().unwrap_or_default())
}

/// Tensor `name` of `file` (checkpoint `path`) as f32 values, refused unless it is F32 of
/// dimensions `dims`; `settings` names the learner's settings that fix the shapes, for the
/// message that explains a mismatch.
pub fn read_f32(
    learner: &str,
    path: &Path,
    file: &SafeTensors,
    name: &str,
    dims: &[usize],
    settings: &str,
) -> Result<Vec<f32>> {
    let view = file.tensor(name).map_err(|e| invalid(learner, path, e))?;
    if view.dtype() != Dtype::F32 || view.shape() != dims {
        return Err(invalid(
            learner,
            path,
            format!(
                "`{name}` is {:?} {:?}, this learner has F32 {dims:?}: its {settings} differ from those of the \
                 run that wrote the file",
                view.dtype(),
                view.shape()
            ),
        ));
    }
    Ok(from_bytes(view.data()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::f32_bytes::to_bytes;

    #[test]
    fn a_written_file_holds_its_tensors_and_metadata() {
        let path = std::env::temp_dir().join(format!("rlmpc-learner-kit-{}.safetensors", std::process::id()));
        let tensors = vec![("w".to_string(), vec![2, 1], to_bytes(&[1.5, -2.0]))];
        write("TEST", &path, &tensors, HashMap::from([("format".to_string(), "x/1".to_string())])).unwrap();
        let buffer = read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let file = SafeTensors::deserialize(&buffer).unwrap();
        assert_eq!(read_f32("TEST", &path, &file, "w", &[2, 1], "sizes").unwrap(), [1.5, -2.0]);
        let error = read_f32("TEST", &path, &file, "w", &[2], "sizes").unwrap_err().to_string();
        assert!(error.ends_with("`w` is F32 [2, 1], this learner has F32 [2]: its sizes differ from those of the run that wrote the file"), "{error}");
        assert_eq!(metadata("TEST", &path, &buffer).unwrap()["format"], "x/1");
        let error = metadata("TEST", &path, b"junk").unwrap_err().to_string();
        assert!(error.contains("TEST checkpoint"), "{error}");
    }
}
