//! Secrets clients present (SCIM bearer secrets, LRS Basic-auth secrets): made from the
//! operating system's randomness, shown once, stored only as a hash.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// What a secret is stored as: its SHA-256, hex. Secrets carry at least 96 random bits, so a
/// fast hash is enough (nothing to guess), and the lookup is one indexed equality.
pub(crate) fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` is the one stored as `stored_hash`, compared in constant time.
pub(crate) fn matches(secret: &str, stored_hash: &str) -> bool {
    let (given, stored) = (hash(secret), stored_hash.as_bytes());
    given.len() == stored.len() && given.bytes().zip(stored).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0
}

/// A new secret: `prefix_` and `bytes` random bytes, base64url.
pub(crate) fn new_secret(prefix: &str, bytes: usize) -> Result<String> {
    use base64::Engine;
    let mut random = vec![0u8; bytes];
    getrandom::fill(&mut random).map_err(|error| Error::Internal(format!("no randomness for a secret: {error}")))?;
    Ok(format!("{prefix}_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_matches_only_its_own_hash() {
        let secret = new_secret("lrs", 32).unwrap();
        assert!(secret.starts_with("lrs_") && secret.len() > 40);
        assert_ne!(secret, new_secret("lrs", 32).unwrap());
        assert!(matches(&secret, &hash(&secret)));
        assert!(!matches("lrs_other", &hash(&secret)));
        assert!(!matches(&secret, "short"));
    }
}
