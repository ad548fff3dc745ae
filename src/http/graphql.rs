//! `/graphql` as GraphQL over HTTP says: POST with a JSON body (any other content type is
//! refused, never executed), GET for queries only (a mutation over GET is 405), answers in
//! `application/graphql-response+json` or `application/json` as the client's `Accept` asks,
//! and request errors answered 400 in the new media type. Every refusal is a GraphQL error
//! with `extensions.code`, including an oversized body (413).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;
use crate::auth::Viewer;
use crate::error::Error;
use crate::graphql::request_data;

/// The two response media types of GraphQL over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Media {
    /// `application/graphql-response+json`: request errors are 400.
    GraphqlResponse,
    /// `application/json` (legacy clients): every well-formed request is 200.
    Json,
}

impl Media {
    /// The client's preference; without an `Accept` header, `application/json`.
    fn from_accept(headers: &HeaderMap) -> Media {
        let accept = headers.get(header::ACCEPT).and_then(|value| value.to_str().ok()).unwrap_or("");
        let wants = |media: &str| {
            accept.split(',').any(|part| {
                let mut fields = part.split(';').map(str::trim);
                let name = fields.next().unwrap_or("");
                let refused = fields.any(|field| field.replace(' ', "") == "q=0");
                name.eq_ignore_ascii_case(media) && !refused
            })
        };
        if wants("application/graphql-response+json") { Media::GraphqlResponse } else { Media::Json }
    }

    fn content_type(self) -> HeaderValue {
        match self {
            Media::GraphqlResponse => HeaderValue::from_static("application/graphql-response+json; charset=utf-8"),
            Media::Json => HeaderValue::from_static("application/json; charset=utf-8"),
        }
    }

    /// The status of a GraphQL request that failed before execution (parse, validation, limits).
    fn request_error(self) -> StatusCode {
        match self {
            Media::GraphqlResponse => StatusCode::BAD_REQUEST,
            Media::Json => StatusCode::OK,
        }
    }
}

/// POST /graphql: a JSON body with `query`, `variables`, `operationName`.
pub async fn post(State(state): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let media = Media::from_accept(&headers);
    let viewer = match admit(&state, &headers, media).await {
        Ok(viewer) => viewer,
        Err(refusal) => return *refusal,
    };
    if !is_json(&headers) {
        let error = Error::BadInput("send the request as JSON (Content-Type: application/json)".into());
        return error_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, media, &error);
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let error = Error::BadInput(format!("the request body is over the limit of {} bytes", state.body_limit));
            return error_response(StatusCode::PAYLOAD_TOO_LARGE, media, &error);
        }
        Err(rejection) => {
            let error = Error::BadInput("the request body could not be read".into());
            return error_response(rejection.status(), media, &error);
        }
    };
    match serde_json::from_slice::<async_graphql::Request>(&body) {
        Ok(request) => execute(&state, viewer, request, media).await,
        Err(error) => {
            let error = Error::BadInput(format!("the body is not a GraphQL request: {error}"));
            error_response(StatusCode::BAD_REQUEST, media, &error)
        }
    }
}

/// GET /graphql?query=...: queries only, so a link or a prefetch can never change anything.
pub async fn get(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    let media = Media::from_accept(&headers);
    let viewer = match admit(&state, &headers, media).await {
        Ok(viewer) => viewer,
        Err(refusal) => return *refusal,
    };
    let request = match async_graphql::http::parse_query_string(query.as_deref().unwrap_or("")) {
        Ok(request) => request,
        Err(error) => {
            let error = Error::BadInput(format!("the query string is not a GraphQL request: {error}"));
            return error_response(StatusCode::BAD_REQUEST, media, &error);
        }
    };
    if state.admission.is_mutation(&request.query, request.operation_name.as_deref()) {
        let error = Error::BadInput("mutations are sent with POST, never GET".into());
        let mut response = error_response(StatusCode::METHOD_NOT_ALLOWED, media, &error);
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, viewer, request, media).await
}

/// Persisted queries, admission, due departures, then execution with the viewer's data.
async fn execute(state: &AppState, viewer: Viewer, mut request: async_graphql::Request, media: Media) -> Response {
    match state.persisted.resolve(&mut request) {
        Ok(()) => {}
        // Apollo clients expect the miss as a 200 and then resend the query text.
        Err(Error::PersistedQueryNotFound) => {
            return error_response(StatusCode::OK, media, &Error::PersistedQueryNotFound);
        }
        Err(error) => return error_response(media.request_error(), media, &error),
    }
    match state.admission.check(&request.query, request.operation_name.as_deref(), &request.variables) {
        // Naming the document's only operation selects the same one; spans and metrics use it.
        Ok(named) => request.operation_name = request.operation_name.take().or(named),
        Err(error) => return error_response(media.request_error(), media, &error),
    }
    let response = match run_for(state, viewer, request).await {
        Ok(response) => response,
        Err(error) => return error_response(StatusCode::INTERNAL_SERVER_ERROR, media, &error),
    };
    // Errors without a path come from parsing, validation or variables: nothing ran.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty());
    let status = if request_error { media.request_error() } else { StatusCode::OK };
    // Written straight from the response: a copy into a JSON tree first cost as much again as
    // writing a large page.
    let body = Body {
        data: (!request_error).then_some(&response.data),
        errors: &response.errors,
        extensions: &response.extensions,
    };
    match serde_json::to_vec(&body) {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, media.content_type());
            response
        }
        Err(error) => {
            tracing::error!(%error, "serialising a GraphQL response failed");
            error_response(StatusCode::INTERNAL_SERVER_ERROR, media, &Error::Internal(error.to_string()))
        }
    }
}

/// A GraphQL response as sent: no `data` when nothing ran (a request error), and `errors` and
/// `extensions` only when there are some.
#[derive(serde::Serialize)]
struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

/// Runs an admitted request for `viewer`: due departures first, then the schema with the
/// viewer's data; every error comes back with a code. Other surfaces (exports) run their
/// documents through here too.
pub(super) async fn run_for(
    state: &AppState,
    viewer: Viewer,
    request: async_graphql::Request,
) -> Result<async_graphql::Response, Error> {
    let started = std::time::Instant::now();
    let span = tracing::Span::current();
    span.record("org", viewer.org.as_str());
    let operation = request.operation_name.clone();
    // Departures whose last day went by take effect before anything reads the org's records.
    if let Err(error) = state.store.scoped(&viewer.org, "system").apply_due_departures().await {
        tracing::error!(?error, "applying due departures failed");
        state.metrics.operation(operation.as_deref(), started.elapsed().as_secs_f64(), [error.code()].into_iter());
        return Err(error);
    }
    let (viewer, loaders, own_person) = request_data(&state.store, viewer);
    let mut response = state.schema.execute(request.data(viewer).data(loaders).data(own_person)).await;
    for error in &mut response.errors {
        label_request_error(error);
    }
    if let Some(name) = &operation {
        span.record("graphql.operation.name", name);
        crate::telemetry::rename(&span, format!("graphql {name}"));
    }
    let codes = response.errors.iter().filter_map(|error| match error.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(code) => Some(code.as_str()),
        _ => None,
    });
    state.metrics.operation(operation.as_deref(), started.elapsed().as_secs_f64(), codes);
    Ok(response)
}

/// The viewer the token names, within their token's and organisation's request budget.
pub(super) async fn admit(state: &AppState, headers: &HeaderMap, media: Media) -> Result<Viewer, Box<Response>> {
    let verified = match bearer(headers) {
        Ok(token) => state.keys.verify(token).await,
        Err(error) => Err(error),
    };
    let viewer = verified.map_err(|error| {
        state.metrics.error(error.code());
        Box::new(error_response(super::status_of(error.code()), media, &error))
    })?;
    if let Err(wait) = state.rate_limits.check(&viewer.org, &viewer.subject) {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let error = Error::RateLimited(seconds);
        state.metrics.error(error.code());
        let mut response = error_response(StatusCode::TOO_MANY_REQUESTS, media, &error);
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        return Err(Box::new(response));
    }
    Ok(viewer)
}

/// Whether the body is declared JSON (`application/json`, any parameters).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// Parse, validation and limit errors come from async-graphql without a code; they are
/// all faults in the request, so clients get `BAD_USER_INPUT` like any other bad input.
fn label_request_error(error: &mut async_graphql::ServerError) {
    // Parse errors quote the offending line of the document: never echo more than a prefix.
    error.message = capped(&error.message);
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

fn respond(status: StatusCode, media: Media, body: serde_json::Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, media.content_type());
    response
}

/// At most 300 characters of an error message, so no error echoes a large input back.
fn capped(message: &str) -> String {
    crate::graphql::prefix(message, 300)
}

/// A GraphQL-shaped error body, so clients read `extensions.code` even before execution.
pub(super) fn error_response(status: StatusCode, media: Media, error: &Error) -> Response {
    let body = json!({ "errors": [{ "message": capped(error.message()), "extensions": { "code": error.code() } }] });
    let mut response = respond(status, media, body);
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}
