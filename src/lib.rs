//! A GraphQL service that runs reverse-mentoring programs inside companies.
//!
//! [`build`] turns a [`Config`] into the running application; `main.rs` and every
//! test go through it, so what the tests exercise is what users run.

pub mod auth;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod push;
pub mod store;
pub mod telemetry;

use std::sync::Arc;

use auth::TokenKeys;
use config::{AuthMode, Config};
use store::Store;

/// The built application: its router and the parts the CLI and tests need.
pub struct App {
    /// The HTTP router with every layer.
    pub router: axum::Router,
    /// The database.
    pub store: Store,
    /// The token keys (the `token` command and tests sign with them).
    pub keys: Arc<TokenKeys>,
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be reached or migrated.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// The token settings are unusable.
    #[error("authentication settings: {0}")]
    Auth(String),
    /// The training records' base URL is unusable.
    #[error("XAPI_BASE_URL: {0}")]
    Xapi(String),
    /// The persisted-query manifest cannot be used.
    #[error("persisted-query manifest: {0}")]
    Manifest(String),
}

/// Connects, migrates and assembles the router.
pub async fn build(config: Config) -> Result<App, StartError> {
    let keys = Arc::new(token_keys(&config)?);
    let identity =
        domain::xapi::Identity::new(&config.xapi_base_url).map_err(|error| StartError::Xapi(error.to_string()))?;
    let store =
        Store::connect_with_deadline(&config.database_url, config.max_connections, Some(config.request_timeout))
            .await?
            .with_xapi_identity(identity);
    if let Some(settings) = config.lrs_push {
        push::spawn(store.clone(), settings);
    }
    let schema = graphql::build_schema(store.clone(), &config);
    let admission = Arc::new(graphql::admission(&config));
    let body_limit = config.body_limit_bytes;
    let rate_limits =
        Arc::new(http::rate_limit::RateLimits::per_minute(config.rate_limit_per_token, config.rate_limit_per_org));
    let persisted = Arc::new(persisted_queries(&config)?);
    let state = http::AppState {
        schema,
        store: store.clone(),
        keys: keys.clone(),
        admission,
        body_limit,
        rate_limits,
        persisted,
        metrics: Arc::new(telemetry::prometheus::ServiceMetrics::new(store.statement_seconds())),
    };
    Ok(App { router: http::router(state, &config), store, keys })
}

/// Automatic persisted queries, or only the manifest's operations when one is configured.
fn persisted_queries(config: &Config) -> Result<http::persisted::PersistedQueries, StartError> {
    match &config.persisted_query_manifest {
        None => Ok(http::persisted::PersistedQueries::automatic()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|error| StartError::Manifest(format!("{}: {error}", path.display())))?;
            http::persisted::PersistedQueries::allow_list(&text)
                .map_err(|error| StartError::Manifest(format!("{}: {error}", path.display())))
        }
    }
}

/// The keys tokens are checked with; in development mode the secret file is created if missing,
/// and with an identity provider its keys are refreshed in the background from now on.
pub fn token_keys(config: &Config) -> Result<TokenKeys, StartError> {
    let secret = match &config.auth {
        AuthMode::Development { secret_file } => auth::load_or_create_secret(secret_file)
            .map_err(|error| StartError::Auth(format!("development secret {}: {error}", secret_file.display())))?,
        AuthMode::SharedSecret { secret } => secret.as_bytes().to_vec(),
        AuthMode::Provider { settings, claims } => {
            let audience = config.jwt_audience.clone().ok_or_else(|| {
                StartError::Auth("OIDC_ISSUER needs JWT_AUDIENCE: tokens for other applications must not get in".into())
            })?;
            let keys = Arc::new(auth::ProviderKeys::new(settings.clone()).map_err(StartError::Auth)?);
            keys.spawn_refresh();
            return Ok(TokenKeys::provider(keys, audience, claims.clone()).with_max_lifetime(config.jwt_max_lifetime));
        }
    };
    let keys =
        TokenKeys::hs256(&secret, config.jwt_issuer.clone(), config.jwt_audience.clone()).map_err(StartError::Auth)?;
    Ok(keys.with_max_lifetime(config.jwt_max_lifetime))
}
