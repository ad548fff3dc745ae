//! POST /graphql: authenticate the bearer token, then execute with the viewer's data.

use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;
use crate::error::Error;
use crate::graphql::request_data;

/// Runs one GraphQL request for an authenticated viewer.
pub async fn execute(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let viewer = match bearer(&headers).and_then(|token| state.keys.verify(token)) {
        Ok(viewer) => viewer,
        Err(error) => return error_response(StatusCode::UNAUTHORIZED, &error),
    };
    let request = match request {
        Ok(request) => request.into_inner(),
        Err(rejection) => {
            let error = Error::BadInput(format!("the request is not a GraphQL request: {}", rejection.0));
            return error_response(StatusCode::BAD_REQUEST, &error);
        }
    };
    if let Err(error) = state.admission.check(&request.query, request.operation_name.as_deref(), &request.variables) {
        return error_response(StatusCode::BAD_REQUEST, &error);
    }
    tracing::Span::current().record("org", viewer.org.as_str());
    // Departures whose last day went by take effect before anything reads the org's records.
    if let Err(error) = state.store.scoped(&viewer.org, "system").apply_due_departures().await {
        tracing::error!(?error, "applying due departures failed");
        return error_response(StatusCode::INTERNAL_SERVER_ERROR, &error);
    }
    let (viewer, loaders, own_person) = request_data(&state.store, viewer);
    let mut response = state.schema.execute(request.data(viewer).data(loaders).data(own_person)).await;
    for error in &mut response.errors {
        label_request_error(error);
    }
    GraphQLResponse::from(response).into_response()
}

/// Parse, validation and limit errors come from async-graphql without a code; they are
/// all faults in the request, so clients get `BAD_USER_INPUT` like any other bad input.
fn label_request_error(error: &mut async_graphql::ServerError) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", "BAD_USER_INPUT");
    }
}

fn bearer(headers: &HeaderMap) -> Result<&str, Error> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| Error::Unauthenticated("send a bearer token in the Authorization header".into()))?;
    let value = value.to_str().map_err(|_| Error::Unauthenticated("the Authorization header is not text".into()))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(token.trim()),
        _ => Err(Error::Unauthenticated("the Authorization header must be 'Bearer <token>'".into())),
    }
}

/// A GraphQL-shaped error body, so clients read `extensions.code` even before execution.
fn error_response(status: StatusCode, error: &Error) -> Response {
    let body = json!({ "errors": [{ "message": error.message(), "extensions": { "code": error.code() } }] });
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    }
    response
}
