//! Settings, read once at start from flags and environment variables; tests build them directly.

use std::path::PathBuf;
use std::time::Duration;

/// How bearer tokens are checked.
#[derive(Debug, Clone)]
pub enum AuthMode {
    /// HS256 with a secret kept in a local file (created on first use); for laptops and demos.
    Development {
        /// Where the secret lives; the `token` command reads the same file.
        secret_file: PathBuf,
    },
    /// HS256 with a secret from the environment (at least 32 bytes).
    SharedSecret {
        /// The secret.
        secret: String,
    },
    /// RS256/ES256 tokens from the company's identity provider, checked against its published
    /// keys; the issuer and audience are pinned.
    Provider {
        /// Where the keys are and how they are kept.
        settings: crate::auth::ProviderSettings,
        /// Where the viewer's parts are in the provider's claims.
        claims: crate::auth::ClaimMap,
    },
}

/// Everything the service needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// sea-orm database URL (SQLite or PostgreSQL).
    pub database_url: String,
    /// Largest connection pool.
    pub max_connections: u32,
    /// How tokens are verified.
    pub auth: AuthMode,
    /// Required `iss` claim, if any.
    pub jwt_issuer: Option<String>,
    /// Required `aud` claim, if any.
    pub jwt_audience: Option<String>,
    /// Longest lifetime a token may have (its `exp` no further ahead than this).
    pub jwt_max_lifetime: Duration,
    /// Most rows a connection page may return.
    pub max_page_size: u64,
    /// Rows a connection page returns when the client does not say.
    pub default_page_size: u64,
    /// Longest a request may take.
    pub request_timeout: Duration,
    /// Largest request body.
    pub body_limit_bytes: usize,
    /// Origins allowed by CORS; `*` allows any (tokens travel in a header, not cookies).
    pub cors_allowed_origins: Vec<String>,
    /// Deepest GraphQL query accepted.
    pub max_query_depth: usize,
    /// Requests per minute one token may make (0 = no limit); per replica.
    pub rate_limit_per_token: u32,
    /// Requests per minute one organisation may make (0 = no limit); per replica.
    pub rate_limit_per_org: u32,
    /// An Apollo persisted-query manifest: when set, only its operations run.
    pub persisted_query_manifest: Option<PathBuf>,
    /// What a GraphQL document may cost and contain before it runs.
    pub query_limits: crate::graphql::QueryLimits,
    /// Whether spans are exported (OTLP): resolver spans are only made then.
    pub export_traces: bool,
    /// Where training records' IRIs live.
    pub xapi_base_url: String,
    /// How statements are pushed to organisations' own LRSs (none: not pushed by this replica).
    pub lrs_push: Option<crate::push::PushSettings>,
}

/// Connections a pool opens by default. On SQLite each connection is a thread of its own with its
/// own page cache, and keeps the memory of the largest answer it produced: under a dashboard load
/// on 2 cores, 4 connections served as many dashboards as 10 with 125 MB instead of 159.
fn default_pool_size(database_url: &str) -> u32 {
    if database_url.starts_with("sqlite:") {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        u32::try_from(2 * cores).unwrap_or(u32::MAX).clamp(2, 10)
    } else {
        10
    }
}

/// The embedded default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://reverse-mentoring.db?mode=rwc";

impl Config {
    /// Defaults for everything but the database and how tokens are checked.
    pub fn new(database_url: impl Into<String>, auth: AuthMode) -> Config {
        let database_url = database_url.into();
        Config {
            max_connections: default_pool_size(&database_url),
            database_url,
            auth,
            jwt_issuer: None,
            jwt_audience: None,
            jwt_max_lifetime: Duration::from_secs(24 * 3600),
            max_page_size: 100,
            default_page_size: 20,
            request_timeout: Duration::from_secs(30),
            body_limit_bytes: 2 * 1024 * 1024,
            cors_allowed_origins: vec!["*".into()],
            max_query_depth: 15,
            rate_limit_per_token: 600,
            rate_limit_per_org: 6_000,
            persisted_query_manifest: None,
            query_limits: crate::graphql::QueryLimits::default(),
            export_traces: false,
            xapi_base_url: crate::domain::xapi::DEFAULT_BASE.to_owned(),
            lrs_push: Some(crate::push::PushSettings {
                interval: Duration::from_secs(5),
                timeout: Duration::from_secs(20),
                batch: 500,
            }),
        }
    }
}

/// The development secret's default place: beside the SQLite file, or in the working directory.
pub fn default_secret_file(database_url: &str) -> PathBuf {
    let sqlite_path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|path| !path.is_empty() && !path.starts_with(":memory:"));
    match sqlite_path {
        Some(path) => PathBuf::from(format!("{path}.jwt-secret")),
        None => PathBuf::from("reverse-mentoring.jwt-secret"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_development_secret_sits_beside_the_sqlite_file() {
        assert_eq!(default_secret_file(DEFAULT_DATABASE_URL), PathBuf::from("reverse-mentoring.db.jwt-secret"));
        assert_eq!(default_secret_file("sqlite:/data/rm.db"), PathBuf::from("/data/rm.db.jwt-secret"));
        assert_eq!(default_secret_file("postgres://localhost/rm"), PathBuf::from("reverse-mentoring.jwt-secret"));
    }

    #[test]
    fn sqlite_pools_follow_the_cores_and_postgresql_pools_stay_at_ten() {
        let auth = || AuthMode::SharedSecret { secret: String::new() };
        let sqlite = Config::new(DEFAULT_DATABASE_URL, auth()).max_connections;
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        assert!(
            (2..=10).contains(&sqlite) && (sqlite == 10 || sqlite as usize == 2 * cores),
            "{sqlite} for {cores} cores"
        );
        assert_eq!(Config::new("postgres://localhost/rm", auth()).max_connections, 10);
    }
}
