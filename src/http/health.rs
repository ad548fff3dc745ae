//! Liveness and readiness probes and Prometheus metrics; no token needed (expose `/metrics`
//! to the monitoring network only: it names routes and operations, never people).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::AppState;

/// The process is up.
pub async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers; load balancers stop sending traffic when it does not.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ready", "database": "ok" }))),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "unreachable" })))
        }
    }
}

/// Prometheus metrics in the text exposition format.
pub async fn metrics(State(state): State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let text = state.metrics.render(state.store.pool_reading());
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}
