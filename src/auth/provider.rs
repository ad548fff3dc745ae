//! The identity provider's signing keys: found through OpenID discovery (or a configured JWKS
//! URL), cached by `kid`, refreshed in the background, fetched again at most once per interval
//! when a token names a key not seen yet (rotation without a restart), and kept while the
//! provider cannot be reached.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

use crate::error::{Error, Result};

/// How the provider's keys are found and kept.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    /// The issuer every token must name; discovery starts from it.
    pub issuer: String,
    /// The JWKS address, when discovery is not used.
    pub jwks_url: Option<String>,
    /// The algorithms accepted; each key is used only with those its type allows.
    pub algorithms: Vec<Algorithm>,
    /// How often the keys are fetched again in the background.
    pub refresh: Duration,
    /// The shortest time between two fetches caused by unknown `kid`s.
    pub min_refetch: Duration,
}

/// The algorithms a deployment may accept: asymmetric only, never a shared secret. The first
/// six are RSA's.
pub const ASYMMETRIC: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// One verification key and the algorithms it may be used with.
pub struct VerifyingKey {
    /// The key.
    pub key: DecodingKey,
    /// Algorithms allowed for this key: its type's, narrowed by its own `alg` and the allow-list.
    pub algorithms: Vec<Algorithm>,
}

#[derive(Default)]
struct Cache {
    by_kid: HashMap<String, Arc<VerifyingKey>>,
    /// Keys published without a `kid`.
    unnamed: Vec<Arc<VerifyingKey>>,
    loaded: bool,
}

/// The cached keys of one provider.
pub struct ProviderKeys {
    settings: ProviderSettings,
    client: reqwest::Client,
    cache: RwLock<Cache>,
    /// Held while fetching, so a burst of tokens with a new `kid` causes one fetch; it also
    /// remembers when the last fetch for an unknown `kid` started.
    fetching: tokio::sync::Mutex<Option<Instant>>,
    jwks_url: tokio::sync::OnceCell<String>,
}

impl ProviderKeys {
    /// Keys of the provider `settings` name; nothing is fetched until asked.
    pub fn new(settings: ProviderSettings) -> Result<ProviderKeys, String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|error| format!("HTTP client for the identity provider: {error}"))?;
        Ok(ProviderKeys {
            settings,
            client,
            cache: RwLock::new(Cache::default()),
            fetching: tokio::sync::Mutex::new(None),
            jwks_url: tokio::sync::OnceCell::new(),
        })
    }

    /// The settings these keys follow.
    pub fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    /// Fetches the keys again every refresh interval for as long as the service runs.
    pub fn spawn_refresh(self: &Arc<Self>) {
        let keys = Arc::downgrade(self);
        let every = self.settings.refresh;
        tokio::spawn(async move {
            loop {
                let Some(current) = keys.upgrade() else { return };
                if let Err(error) = current.refresh().await {
                    tracing::warn!(%error, "identity provider keys not refreshed; the last good keys stay in use");
                }
                drop(current);
                tokio::time::sleep(every).await;
            }
        });
    }

    /// The key for a token's `kid` (or, without one, every key published without one).
    /// An unknown `kid` fetches the keys again, at most once per `min_refetch`.
    pub async fn find(&self, kid: Option<&str>) -> Result<Vec<Arc<VerifyingKey>>> {
        if let Some(found) = self.lookup(kid) {
            return Ok(found);
        }
        let mut last = self.fetching.lock().await;
        // Another request may have fetched while this one waited.
        if let Some(found) = self.lookup(kid) {
            return Ok(found);
        }
        let loaded = self.cache.read().map(|cache| cache.loaded).unwrap_or(false);
        let allowed = last.is_none_or(|at| at.elapsed() >= self.settings.min_refetch);
        if allowed {
            *last = Some(Instant::now());
            if let Err(error) = self.fetch().await {
                tracing::warn!(%error, "fetching the identity provider's keys failed");
                if !loaded {
                    return Err(Error::Unavailable(
                        "the identity provider's signing keys cannot be fetched yet; retry shortly".into(),
                    ));
                }
            }
        }
        self.lookup(kid).ok_or_else(|| Error::Unauthenticated("invalid token: it is signed with an unknown key".into()))
    }

    /// Fetches the keys now, keeping the old ones on failure.
    pub async fn refresh(&self) -> Result<(), String> {
        let _guard = self.fetching.lock().await;
        self.fetch().await
    }

    fn lookup(&self, kid: Option<&str>) -> Option<Vec<Arc<VerifyingKey>>> {
        let cache = self.cache.read().ok()?;
        match kid {
            Some(kid) => cache.by_kid.get(kid).map(|key| vec![key.clone()]),
            None if !cache.unnamed.is_empty() => Some(cache.unnamed.clone()),
            None => None,
        }
    }

    async fn fetch(&self) -> Result<(), String> {
        let url = self.jwks_url.get_or_try_init(|| self.discover()).await?;
        let jwks: Value = self.get_json(url).await?;
        let keys = jwks.get("keys").and_then(Value::as_array).ok_or_else(|| format!("{url}: no \"keys\" array"))?;
        let mut cache = Cache { loaded: true, ..Cache::default() };
        for entry in keys {
            // One key the service cannot use (an encryption key, an unknown type) must not
            // hide the others.
            let Ok(jwk) = serde_json::from_value::<Jwk>(entry.clone()) else { continue };
            let Some(key) = verifying_key(&jwk, &self.settings.algorithms) else { continue };
            let key = Arc::new(key);
            match &jwk.common.key_id {
                Some(kid) => {
                    cache.by_kid.insert(kid.clone(), key);
                }
                None => cache.unnamed.push(key),
            }
        }
        tracing::info!(keys = cache.by_kid.len() + cache.unnamed.len(), %url, "identity provider keys loaded");
        if let Ok(mut current) = self.cache.write() {
            *current = cache;
        }
        Ok(())
    }

    /// The JWKS address: configured, or from the issuer's discovery document, whose own
    /// `issuer` must be the configured one (OpenID Connect Discovery 1.0, section 4.3).
    async fn discover(&self) -> Result<String, String> {
        if let Some(url) = &self.settings.jwks_url {
            return Ok(url.clone());
        }
        let issuer = &self.settings.issuer;
        let document =
            self.get_json(&format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'))).await?;
        if document.get("issuer").and_then(Value::as_str) != Some(issuer.as_str()) {
            return Err(format!("the discovery document of {issuer} names another issuer"));
        }
        document
            .get("jwks_uri")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("the discovery document of {issuer} has no jwks_uri"))
    }

    async fn get_json(&self, url: &str) -> Result<Value, String> {
        let response = self.client.get(url).send().await.map_err(|error| format!("{url}: {error}"))?;
        if !response.status().is_success() {
            return Err(format!("{url}: HTTP {}", response.status()));
        }
        response.json().await.map_err(|error| format!("{url}: {error}"))
    }
}

/// The key and the algorithms it may verify: those of its type, narrowed by its own `alg` when
/// it has one and by the allow-list. Entra publishes keys without `alg`, so the type decides.
fn verifying_key(jwk: &Jwk, allowed: &[Algorithm]) -> Option<VerifyingKey> {
    if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
        return None;
    }
    let by_type: &[Algorithm] = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => &ASYMMETRIC[..6],
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => &[Algorithm::ES256],
            EllipticCurve::P384 => &[Algorithm::ES384],
            _ => &[],
        },
        AlgorithmParameters::OctetKeyPair(okp) if okp.curve == EllipticCurve::Ed25519 => &[Algorithm::EdDSA],
        // A shared secret never comes from a public key set.
        _ => &[],
    };
    let own = jwk.common.key_algorithm.and_then(|alg| alg.to_string().parse::<Algorithm>().ok());
    let algorithms: Vec<Algorithm> =
        by_type.iter().copied().filter(|alg| allowed.contains(alg) && own.is_none_or(|own| own == *alg)).collect();
    if algorithms.is_empty() {
        return None;
    }
    let key = DecodingKey::from_jwk(jwk).ok()?;
    Some(VerifyingKey { key, algorithms })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn jwk(value: Value) -> Jwk {
        serde_json::from_value(value).unwrap()
    }

    const RSA_N: &str = "u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u-qKhbwKfBstIs-bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW_VDL5AaWTg0nLVkjRo9z-40RQzuVaE8AkAFmxZzow3x-VJYKdjykkJ0iT9wCS0DRTXu269V264Vf_3jvredZiKRkgwlL9xNAwxXFg0x_XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC-9aGVd-Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmw";

    #[test]
    fn each_key_verifies_only_with_its_own_type_of_algorithm() {
        let allowed = [Algorithm::RS256, Algorithm::ES256];
        let rsa = verifying_key(&jwk(json!({ "kty": "RSA", "kid": "r", "n": RSA_N, "e": "AQAB" })), &allowed).unwrap();
        assert_eq!(rsa.algorithms, vec![Algorithm::RS256], "Entra publishes RSA keys without alg");
        let rs512 = json!({ "kty": "RSA", "kid": "r", "n": RSA_N, "e": "AQAB", "alg": "RS512" });
        assert!(verifying_key(&jwk(rs512), &allowed).is_none(), "its own alg is not allowed here");
        let ec = json!({ "kty": "EC", "crv": "P-256", "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4", "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM" });
        assert_eq!(verifying_key(&jwk(ec), &allowed).unwrap().algorithms, vec![Algorithm::ES256]);
        let secret = json!({ "kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA" });
        assert!(verifying_key(&jwk(secret), &[Algorithm::HS256]).is_none(), "never a shared secret from a JWKS");
        let encryption = json!({ "kty": "RSA", "use": "enc", "n": RSA_N, "e": "AQAB" });
        assert!(verifying_key(&jwk(encryption), &allowed).is_none());
    }
}
