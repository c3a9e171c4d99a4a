//! The VAPID key pair that signs every push (RFC 8292): made on first start
//! and kept in the data directory, so that browsers' subscriptions (made
//! for its public key) keep working across restarts. Nodes sharing a
//! database must share the file too.

use std::{
    fs::OpenOptions,
    io::{ErrorKind, Write},
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
};

use base64ct::{Base64UrlUnpadded, Encoding};
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair};

use crate::error::StartError;

/// The key's file in the data directory: the private scalar, base64url.
pub const FILE: &str = "vapid-private-key";

/// Banter's VAPID keys.
pub struct VapidKeys {
    pair: ES256KeyPair,
    /// The public key as browsers take it (`applicationServerKey`): the
    /// uncompressed point, base64url without padding.
    public: String,
}

impl std::fmt::Debug for VapidKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VapidKeys")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl VapidKeys {
    /// Reads the key pair from `dir`, or makes one and saves it there
    /// (readable by its owner only).
    pub fn load_or_create(dir: &Path) -> Result<Self, StartError> {
        let path = dir.join(FILE);
        let fail = |reason: String| StartError::PushKey {
            path: path.clone(),
            reason,
        };
        std::fs::create_dir_all(dir).map_err(|error| fail(error.to_string()))?;
        let pair = match std::fs::read_to_string(&path) {
            Ok(text) => read(&text).map_err(fail)?,
            Err(error) if error.kind() == ErrorKind::NotFound => {
                create(&path).map_err(|error| fail(error.to_string()))?
            }
            Err(error) => return Err(fail(error.to_string())),
        };
        let public = Base64UrlUnpadded::encode_string(
            &pair.public_key().public_key().to_bytes_uncompressed(),
        );
        Ok(Self { pair, public })
    }

    pub fn pair(&self) -> &ES256KeyPair {
        &self.pair
    }

    /// The public key, base64url (what `/push/key` answers).
    pub fn public(&self) -> &str {
        &self.public
    }
}

fn read(text: &str) -> Result<ES256KeyPair, String> {
    let bytes = Base64UrlUnpadded::decode_vec(text.trim())
        .map_err(|_| "the file is not base64url".to_owned())?;
    ES256KeyPair::from_bytes(&bytes).map_err(|error| error.to_string())
}

/// Makes a key pair and writes it to `path`, unless another process just
/// did: then that one is read.
fn create(path: &PathBuf) -> std::io::Result<ES256KeyPair> {
    let pair = ES256KeyPair::generate();
    let text = Base64UrlUnpadded::encode_string(&pair.to_bytes());
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    match file {
        Ok(mut file) => {
            file.write_all(format!("{text}\n").as_bytes())?;
            file.sync_all()?;
            tracing::info!(path = %path.display(), "made the Web Push (VAPID) key");
            Ok(pair)
        }
        Err(error) if error.kind() == ErrorKind::AlreadyExists => {
            read(&std::fs::read_to_string(path)?).map_err(std::io::Error::other)
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().expect("directory");
        let made = VapidKeys::load_or_create(dir.path()).expect("made");
        let again = VapidKeys::load_or_create(dir.path()).expect("read");
        assert_eq!(made.public(), again.public());
        let point = Base64UrlUnpadded::decode_vec(made.public()).expect("base64url");
        assert_eq!(
            (point.len(), point[0]),
            (65, 4),
            "an uncompressed P-256 point"
        );
        let mode = std::fs::metadata(dir.path().join(FILE))
            .expect("file")
            .permissions();
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
            0o600
        );
    }

    #[test]
    fn a_damaged_key_file_stops_the_start_with_a_reason() {
        let dir = tempfile::tempdir().expect("directory");
        std::fs::write(dir.path().join(FILE), "not a key").expect("write");
        let error = VapidKeys::load_or_create(dir.path()).expect_err("refused");
        assert!(error.to_string().contains("vapid-private-key"), "{error}");
    }
}
