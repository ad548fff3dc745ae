//! Signing and verifying HS256 tokens, and the development secret file.

use std::io::Write;
use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

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

/// The keys and rules for one deployment's tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
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
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        validation.set_required_spec_claims(&["exp", "sub"]);
        match &issuer {
            Some(issuer) => validation.set_issuer(&[issuer]),
            None => validation.iss = None,
        }
        match &audience {
            Some(audience) => validation.set_audience(&[audience]),
            None => validation.validate_aud = false,
        }
        Ok(TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer,
            audience,
            max_lifetime: std::time::Duration::from_secs(24 * 3600),
        })
    }

    /// Refuses tokens whose `exp` lies further ahead than `max_lifetime` (plus the leeway).
    pub fn with_max_lifetime(mut self, max_lifetime: std::time::Duration) -> TokenKeys {
        self.max_lifetime = max_lifetime;
        self
    }

    /// Verifies a bearer token and returns its viewer; every failure is UNAUTHENTICATED.
    pub fn verify(&self, token: &str) -> Result<Viewer> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|error| Error::Unauthenticated(format!("invalid token: {}", describe(&error))))?;
        // RFC 7515 4.1.11: a recipient that does not understand a critical extension must refuse the token.
        if header.crit.as_ref().is_some_and(|crit| !crit.is_empty()) {
            return Err(Error::Unauthenticated("invalid token: it names critical header extensions".into()));
        }
        let claims = decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|error| Error::Unauthenticated(format!("invalid token: {}", describe(&error))))?
            .claims;
        let longest = i64::try_from(self.max_lifetime.as_secs()).unwrap_or(i64::MAX);
        let horizon = chrono::Utc::now().timestamp().saturating_add(longest).saturating_add(LEEWAY_SECS as i64);
        if claims.exp > horizon {
            return Err(Error::Unauthenticated(format!(
                "invalid token: it lives longer than the {} hours this service accepts",
                self.max_lifetime.as_secs() / 3600
            )));
        }
        // The tenant is the claim exactly as signed: no trimming that would merge two tenants.
        let org = claims.org;
        let printable = !org.is_empty() && org.len() <= 64 && !org.chars().any(|c| c.is_whitespace() || c.is_control());
        if !printable {
            return Err(Error::Unauthenticated(
                "invalid token: the org claim must be 1 to 64 characters without spaces or control characters".into(),
            ));
        }
        let roles = claims.roles.iter().filter_map(|role| role.to_ascii_uppercase().parse::<Role>().ok()).collect();
        Ok(Viewer {
            org,
            subject: claims.sub,
            roles,
            employee_id: claims.employee_id.filter(|id| !id.trim().is_empty()),
        })
    }

    /// Signs a token for `sub` in `org` valid for `lifetime`, with this deployment's issuer and audience.
    pub fn issue(
        &self,
        org: &str,
        sub: &str,
        roles: &[Role],
        employee_id: Option<&str>,
        lifetime: chrono::Duration,
    ) -> Result<String, String> {
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
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|error| error.to_string())
    }
}

fn describe(error: &jsonwebtoken::errors::Error) -> &'static str {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::ExpiredSignature => "it has expired",
        ErrorKind::ImmatureSignature => "it is not valid yet",
        ErrorKind::InvalidSignature => "the signature does not match",
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => "only HS256 tokens are accepted",
        ErrorKind::InvalidIssuer => "wrong issuer",
        ErrorKind::InvalidAudience => "wrong audience",
        ErrorKind::MissingRequiredClaim(_) => "a required claim is missing",
        _ => "it is malformed",
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
