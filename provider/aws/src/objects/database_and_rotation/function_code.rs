//! The rotation function's deployment package: the embedded bundle as `index.mjs` at the root of
//! a zip built in memory, byte for byte the same on every build (fixed timestamp, permissions and
//! compression), so its SHA-256, which Lambda reports as `CodeSha256`, tells whether the deployed
//! code is this provider's.

use std::io::Write as _;

use sha2::{Digest as _, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::error::AwsError;
use crate::rotation_code::{BUNDLE, FILE_NAME};

/// The zip of the embedded bundle.
pub fn package() -> Result<Vec<u8>, AwsError> {
    package_of(BUNDLE)
}

fn package_of(code: &[u8]) -> Result<Vec<u8>, AwsError> {
    let failed = |e: &dyn std::fmt::Display| {
        AwsError::Invalid(format!("packing the rotation function failed: {e}"))
    };
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(FILE_NAME, options).map_err(|e| failed(&e))?;
    zip.write_all(code).map_err(|e| failed(&e))?;
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}

/// Lambda's `CodeSha256`: the package's SHA-256, base64-encoded.
pub fn code_sha256(package: &[u8]) -> String {
    aws_smithy_types::base64::encode(Sha256::digest(package))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_is_the_same_bytes_on_every_build_with_the_bundle_at_its_root() {
        let a = package().unwrap();
        let b = package().unwrap();
        assert!(a == b, "two builds differ");
        assert_eq!(code_sha256(&a), code_sha256(&b));
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
        assert_eq!(archive.len(), 1);
        let mut f = archive.by_index(0).unwrap();
        assert_eq!(f.name(), "index.mjs");
        assert_eq!(f.unix_mode(), Some(0o100644));
        let mut code = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut code).unwrap();
        assert!(code == BUNDLE);
    }

    #[test]
    fn another_bundle_gives_another_code_sha256() {
        let other = package_of(b"export const handler = async () => {};").unwrap();
        assert_ne!(code_sha256(&other), code_sha256(&package().unwrap()));
    }
}
