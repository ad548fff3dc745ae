//! The HTTP edge: routes, the layers every request passes (request id, trace span,
//! timeout, body limit, CORS), bearer authentication and health checks.

mod exports;
mod graphiql;
mod graphql;
mod health;
mod imports;
pub mod persisted;
pub mod rate_limit;
mod scim;
mod xapi;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, header};
use axum::response::Redirect;
use axum::routing::{get, post};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::auth::TokenKeys;
use crate::config::Config;
use crate::error::Error;
use crate::graphql::{Admission, AppSchema};
use crate::store::Store;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The GraphQL schema.
    pub schema: AppSchema,
    /// The database.
    pub store: Store,
    /// Token verification.
    pub keys: Arc<TokenKeys>,
    /// What a document may cost and contain, checked before it runs.
    pub admission: Arc<Admission>,
    /// Largest request body, in bytes (named in the 413 error).
    pub body_limit: usize,
    /// Request budgets per token and per organisation.
    pub rate_limits: Arc<rate_limit::RateLimits>,
    /// Automatic persisted queries, or the allow-list.
    pub persisted: Arc<persisted::PersistedQueries>,
    /// What `/metrics` reports.
    pub metrics: Arc<crate::telemetry::prometheus::ServiceMetrics>,
}

/// Largest history document, in bytes.
const HISTORY_BODY_LIMIT: usize = 64 * 1024 * 1024;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The service's router with all its layers.
pub fn router(state: AppState, config: &Config) -> Router {
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
        let id = request.headers().get(REQUEST_ID).and_then(|value| value.to_str().ok()).unwrap_or("-");
        let span = tracing::info_span!(
            "request",
            otel.name = %format_args!("{} {}", request.method(), request.uri().path()),
            otel.kind = "server",
            method = %request.method(),
            path = %request.uri().path(),
            request_id = %id,
            org = tracing::field::Empty,
            graphql.operation.name = tracing::field::Empty,
        );
        crate::telemetry::continue_trace(&span, request.headers());
        span
    });
    // Router::layer wraps what is already there: the first layer here is the innermost.
    Router::new()
        .route("/graphql", post(graphql::post).get(graphql::get))
        .route("/exports/programs/{id}/metrics.csv", get(exports::program_metrics))
        .route("/exports/programs/{id}/relationships.csv", get(exports::program_relationships))
        .route("/exports/training/completions.csv", get(exports::training_completions))
        .route("/imports/people", post(imports::people))
        // A history document is one JSON body: larger than a GraphQL request may be.
        .route(
            "/imports/programs/{id}/history",
            post(imports::program_history).layer(DefaultBodyLimit::max(HISTORY_BODY_LIMIT)),
        )
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/", get(|| async { Redirect::temporary("/graphiql") }))
        .merge(graphiql::routes())
        .merge(scim::routes())
        .merge(xapi::routes())
        .route("/metrics", get(health::metrics))
        .layer(axum::middleware::from_fn_with_state(state.clone(), refuse_while_database_down))
        // Inside the counting, so requests cut off by the timeout are counted as 408s.
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, config.request_timeout))
        .layer(axum::middleware::from_fn_with_state(state.clone(), count_request))
        .with_state(state)
        // Enforced where the body is read, so the 413 is a GraphQL error whether the client sent
        // a Content-Length or a chunked body.
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(cors(config))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// While the database is known to be unreachable, requests that need it are answered 503 at once
/// (in SCIM's error shape on `/scim`), instead of each waiting for a pooled connection.
async fn refuse_while_database_down(
    State(state): State<AppState>,
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let needs_database = !matches!(path, "/healthz" | "/readyz" | "/metrics" | "/") && !path.starts_with("/graphiql");
    if !needs_database || !state.store.is_down() {
        return next.run(request).await;
    }
    let message = "the database cannot be reached right now; retry shortly";
    let mut response = if path.starts_with("/scim/") {
        scim::error(crate::domain::scim::ScimError::status(503, message))
    } else {
        graphql::error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            graphql::Media::Json,
            &Error::Unavailable(message.into()),
        )
    };
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Counts each request under its route's pattern (never the raw path, whose ids would make a
/// label per object) and how long it took.
async fn count_request(
    State(state): State<AppState>,
    route: Option<axum::extract::MatchedPath>,
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let route = route.as_ref().map_or("unmatched", |route| route.as_str());
    state.metrics.request(route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

/// The HTTP status for an error code, the same on every surface.
pub(crate) fn status_of(code: &str) -> StatusCode {
    match code {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "CONFLICT" => StatusCode::CONFLICT,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        "SERVICE_UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        "INTERNAL_SERVER_ERROR" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn cors(config: &Config) -> CorsLayer {
    let origins = if config.cors_allowed_origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        let list: Vec<HeaderValue> =
            config.cors_allowed_origins.iter().filter_map(|origin| HeaderValue::from_str(origin).ok()).collect();
        AllowOrigin::list(list)
    };
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, REQUEST_ID])
        .expose_headers([REQUEST_ID])
}
