//! Verifying tokens (HS256 with a shared secret, or the identity provider's keys), signing
//! development tokens, and the development secret file.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use super::claims::ClaimMap;
use super::provider::ProviderKeys;
use super::{Role, Viewer};
use crate::error::{Error, Result};

/// Clock skew allowed on both `exp` and `nbf`, in seconds.
pub const LEEWAY_SECS: u64 = 30;

/// Shortest secret accepted: HS256 is only as strong as its key.
pub const MIN_SECRET_BYTES: usize = 32;

/// The claims the service reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The subject (user id in the identity provider).
    pub sub: String,
    /// The organisation (tenant).
    pub org: String,
    /// Role names; unknown ones are ignored so identity providers can carry others.
    #[serde(default)]
    pub roles: Vec<String>,
    /// The person's employee id, linking the token to the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issued at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Not before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Audience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

/// How signatures are checked: a shared secret (development, small deployments) or the
/// identity provider's published keys (production).
enum Verifier {
    Shared { encoding: EncodingKey, decoding: DecodingKey },
    Provider(Arc<ProviderKeys>),
}

/// The keys and rules for one deployment's tokens.
pub struct TokenKeys {
    verifier: Verifier,
    claims: ClaimMap,
    issuer: Option<String>,
    audience: Option<String>,
    max_lifetime: std::time::Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys").field("issuer", &self.issuer).field("audience", &self.audience).finish()
    }
}

impl TokenKeys {
    /// Keys from a shared secret of at least [`MIN_SECRET_BYTES`].
    pub fn hs256(secret: &[u8], issuer: Option<String>, audience: Option<String>) -> Result<TokenKeys, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!("the JWT secret must be at least {MIN_SECRET_BYTES} bytes, got {}", secret.len()));
        }
        Ok(TokenKeys {
            verifier: Verifier::Shared {
                encoding: EncodingKey::from_secret(secret),
                decoding: DecodingKey::from_secret(secret),
            },
            claims: ClaimMap::standard(),
            issuer,
            audience,
            max_lifetime: std::time::Duration::from_secs(24 * 3600),
        })
    }

    /// Keys published by an identity provider; its issuer and the audience are both required.
    pub fn provider(keys: Arc<ProviderKeys>, audience: String, claims: ClaimMap) -> TokenKeys {
        TokenKeys {
            issuer: Some(keys.settings().issuer.clone()),
            verifier: Verifier::Provider(keys),
            claims,
            audience: Some(audience),
            max_lifetime: std::time::Duration::from_secs(24 * 3600),
        }
    }

    /// Refuses tokens whose `exp` lies further ahead than `max_lifetime` (plus the leeway).
    pub fn with_max_lifetime(mut self, max_lifetime: std::time::Duration) -> TokenKeys {
        self.max_lifetime = max_lifetime;
        self
    }

    /// Verifies a bearer token and returns its viewer; every failure is UNAUTHENTICATED, but
    /// for SERVICE_UNAVAILABLE while the provider's keys have never been fetched.
    pub async fn verify(&self, token: &str) -> Result<Viewer> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|error| Error::Unauthenticated(format!("invalid token: {}", self.describe(&error))))?;
        // RFC 7515 4.1.11: a recipient that does not understand a critical extension must refuse the token.
        if header.crit.as_ref().is_some_and(|crit| !crit.is_empty()) {
            return Err(Error::Unauthenticated("invalid token: it names critical header extensions".into()));
        }
        let claims = match &self.verifier {
            Verifier::Shared { decoding, .. } => {
                if header.alg != Algorithm::HS256 {
                    return Err(self.refused_algorithm());
                }
                self.decode(token, decoding, Algorithm::HS256)?
            }
            Verifier::Provider(keys) => {
                // The algorithm comes from the allow-list and the key's type, never from the token alone.
                if !keys.settings().algorithms.contains(&header.alg) {
                    return Err(self.refused_algorithm());
                }
                let candidates = keys.find(header.kid.as_deref()).await?;
                let mut usable = candidates.iter().filter(|key| key.algorithms.contains(&header.alg)).peekable();
                if usable.peek().is_none() {
                    return Err(Error::Unauthenticated(format!(
                        "invalid token: its key is not used with {:?}",
                        header.alg
                    )));
                }
                let mut outcome = Err(Error::Unauthenticated("invalid token: the signature does not match".into()));
                for key in usable {
                    outcome = self.decode(token, &key.key, header.alg);
                    if outcome.is_ok() {
                        break;
                    }
                }
                outcome?
            }
        };
        let exp = claims.get("exp").and_then(serde_json::Value::as_i64).unwrap_or(i64::MAX);
        let longest = i64::try_from(self.max_lifetime.as_secs()).unwrap_or(i64::MAX);
        let horizon = chrono::Utc::now().timestamp().saturating_add(longest).saturating_add(LEEWAY_SECS as i64);
        if exp > horizon {
            return Err(Error::Unauthenticated(format!(
                "invalid token: it lives longer than the {} hours this service accepts",
                self.max_lifetime.as_secs() / 3600
            )));
        }
        self.claims.viewer(&claims)
    }

    fn decode(&self, token: &str, key: &DecodingKey, algorithm: Algorithm) -> Result<serde_json::Value> {
        let mut validation = Validation::new(algorithm);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        // A pinned issuer or audience must be present, not merely right when present.
        let mut required = vec!["exp"];
        match &self.issuer {
            Some(issuer) => {
                validation.set_issuer(&[issuer]);
                required.push("iss");
            }
            None => validation.iss = None,
        }
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        decode::<serde_json::Value>(token, key, &validation)
            .map(|data| data.claims)
            .map_err(|error| Error::Unauthenticated(format!("invalid token: {}", self.describe(&error))))
    }

    fn accepted(&self) -> String {
        match &self.verifier {
            Verifier::Shared { .. } => "HS256".into(),
            Verifier::Provider(keys) => {
                keys.settings().algorithms.iter().map(|alg| format!("{alg:?}")).collect::<Vec<_>>().join(", ")
            }
        }
    }

    fn refused_algorithm(&self) -> Error {
        Error::Unauthenticated(format!("invalid token: only {} tokens are accepted", self.accepted()))
    }

    /// Signs a token for `sub` in `org` valid for `lifetime`, with this deployment's issuer and
    /// audience; only a shared secret can sign.
    pub fn issue(
        &self,
        org: &str,
        sub: &str,
        roles: &[Role],
        employee_id: Option<&str>,
        lifetime: chrono::Duration,
    ) -> Result<String, String> {
        let Verifier::Shared { encoding, .. } = &self.verifier else {
            return Err("tokens come from the identity provider (OIDC_ISSUER); this service cannot sign any".into());
        };
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: sub.to_owned(),
            org: org.to_owned(),
            roles: roles.iter().map(|role| role.as_str().to_owned()).collect(),
            employee_id: employee_id.map(str::to_owned),
            exp: now + lifetime.num_seconds(),
            iat: Some(now),
            nbf: Some(now),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, encoding).map_err(|error| error.to_string())
    }

    fn describe(&self, error: &jsonwebtoken::errors::Error) -> String {
        use jsonwebtoken::errors::ErrorKind;
        match error.kind() {
            ErrorKind::ExpiredSignature => "it has expired".into(),
            ErrorKind::ImmatureSignature => "it is not valid yet".into(),
            ErrorKind::InvalidSignature => "the signature does not match".into(),
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                format!("only {} tokens are accepted", self.accepted())
            }
            ErrorKind::InvalidIssuer => "wrong issuer".into(),
            ErrorKind::InvalidAudience => "wrong audience".into(),
            ErrorKind::MissingRequiredClaim(claim) => format!("the {claim} claim is missing"),
            _ => "it is malformed".into(),
        }
    }
}

/// Reads the development secret, creating a random one (owner-only) if the file is missing.
pub fn load_or_create_secret(path: &Path) -> std::io::Result<Vec<u8>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text.trim().as_bytes().to_vec()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(std::io::Error::other)?;
            let secret: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
            if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(path) {
                Ok(mut file) => {
                    file.write_all(secret.as_bytes())?;
                    Ok(secret.into_bytes())
                }
                // Another process created it first: use theirs.
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => load_or_create_secret(path),
                Err(error) => Err(error),
            }
        }
        Err(error) => Err(error),
    }
}
