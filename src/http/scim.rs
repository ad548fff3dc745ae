//! SCIM 2.0 at `/scim/v2` (RFC 7644): the identity provider creates, updates, deactivates and
//! deletes people, so the directory (and retention, which rests on `leftOn`) stays true without
//! anyone typing it. Authenticated by an organisation's SCIM secret (`createScimToken`), which
//! is good for nothing else. Errors are SCIM error bodies.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::AppState;
use crate::domain::scim::ScimError;
use crate::domain::scim::filter::{Filter, Literal, parse_filter};
use crate::domain::scim::user::{CORE, ENTERPRISE, PROFILE, UserFields, project};
use crate::graphql::ids::{self, Kind};
use crate::store::Scoped;
use crate::store::scim::{DirectoryUser, ScimUser};

/// Media type of every SCIM answer.
const SCIM_JSON: &str = "application/scim+json";
const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
/// Most resources one page returns.
const MAX_PAGE: u64 = 500;
/// Resources a page returns when the client does not say.
const DEFAULT_PAGE: u64 = 100;

/// The SCIM routes, mounted at `/scim/v2`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/scim/v2/ServiceProviderConfig", get(service_provider_config))
        .route("/scim/v2/ResourceTypes", get(resource_types))
        .route("/scim/v2/ResourceTypes/{id}", get(resource_type))
        .route("/scim/v2/Schemas", get(schemas))
        .route("/scim/v2/Schemas/{id}", get(schema))
        .route("/scim/v2/Users", get(list_users).post(create_user))
        .route("/scim/v2/Users/.search", axum::routing::post(search_users))
        // A search at the root covers every resource type; Users is the only one.
        .route("/scim/v2/.search", axum::routing::post(search_users))
        .route("/scim/v2/Users/{id}", get(get_user).put(replace_user).patch(patch_user).delete(delete_user))
        .route(
            "/scim/v2/{*rest}",
            axum::routing::any(|| async { error(ScimError::status(404, "no such SCIM endpoint")) }),
        )
}

/// A SCIM error body with its status.
pub(super) fn error(error: ScimError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut body = json!({ "schemas": [ERROR], "status": error.status.to_string(), "detail": error.detail });
    if let Some(scim_type) = error.scim_type {
        body["scimType"] = json!(scim_type);
    }
    let mut response = scim_json(status, &body);
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"scim\""));
    }
    response
}

fn scim_json(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    response
}

/// The SCIM client behind the request's bearer secret, as a store scope whose actor is that client.
struct Client {
    org: String,
    actor: String,
}

impl Client {
    async fn of(state: &AppState, headers: &HeaderMap) -> Result<Client, ScimError> {
        let secret = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(|| ScimError::status(401, "a SCIM secret is required: Authorization: Bearer <secret>"))?;
        let token = state
            .store
            .scim_client(secret)
            .await?
            .ok_or_else(|| ScimError::status(401, "the SCIM secret is unknown, revoked or expired"))?;
        let actor = format!("scim:{} ({})", token.name, token.id);
        if let Err(wait) = state.rate_limits.check(&token.org_id, &actor) {
            return Err(ScimError::status(429, format!("too many requests; retry after {} s", wait.as_secs().max(1))));
        }
        Ok(Client { org: token.org_id, actor })
    }

    fn store<'a>(&'a self, state: &'a AppState) -> Scoped<'a> {
        state.store.scoped(&self.org, &self.actor)
    }
}

/// The query string of a list.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListParams {
    filter: Option<String>,
    start_index: Option<String>,
    count: Option<String>,
    attributes: Option<String>,
    excluded_attributes: Option<String>,
}

/// `attributes` / `excludedAttributes` of a single-resource request.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Projection {
    attributes: Option<String>,
    excluded_attributes: Option<String>,
}

fn names(list: Option<&str>) -> Vec<&str> {
    list.map(|list| list.split(',').map(str::trim).filter(|name| !name.is_empty()).collect()).unwrap_or_default()
}

fn integer(name: &str, value: Option<&str>) -> Result<Option<i64>, ScimError> {
    value
        .map(|text| {
            text.trim()
                .parse::<i64>()
                .map_err(|_| ScimError::invalid_value(format!("{name} must be an integer, not '{text}'")))
        })
        .transpose()
}

/// The base of resource locations: the address the client reached, as a proxy forwarded it.
fn base_url(headers: &HeaderMap) -> String {
    let value = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let host = value("x-forwarded-host").or_else(|| value("host")).unwrap_or("localhost");
    let scheme = value("x-forwarded-proto").unwrap_or("http");
    format!("{scheme}://{host}/scim/v2")
}

fn scim_id(row: i64) -> String {
    ids::encode(Kind::Person, row).0
}

/// The row a resource id names; any other id is a 404, as another organisation's would be.
fn row_of(id: &str) -> Result<i64, ScimError> {
    match ids::decode_any(id) {
        Ok((Kind::Person, row)) => Ok(row),
        _ => Err(ScimError::status(404, "no such user")),
    }
}

/// The filter with each `id` compared as the row it names (an id this service did not issue
/// names no row), since resource ids are the people's global ids.
fn with_row_ids(filter: Filter) -> Filter {
    let inner = |filter: Box<Filter>| Box::new(with_row_ids(*filter));
    match filter {
        Filter::Compare(path, op, Literal::Text(id)) if path.urn.is_none() && path.name.eq_ignore_ascii_case("id") => {
            let row = match ids::decode_any(&id) {
                Ok((Kind::Person, row)) => row,
                _ => 0,
            };
            Filter::Compare(path, op, Literal::Number(row as f64))
        }
        Filter::And(left, right) => Filter::And(inner(left), inner(right)),
        Filter::Or(left, right) => Filter::Or(inner(left), inner(right)),
        Filter::Not(negated) => Filter::Not(inner(negated)),
        other => other,
    }
}

fn etag(version: i32) -> String {
    format!("W/\"{version}\"")
}

/// The version an `If-Match` header asks for (`*` or none: any).
fn if_match(headers: &HeaderMap) -> Result<Option<i32>, ScimError> {
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    text.trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i32>()
        .map(Some)
        .map_err(|_| ScimError::status(412, format!("If-Match {text} is not a version of this resource")))
}

/// A user as its resource.
fn resource(base: &str, user: &ScimUser) -> Map<String, Value> {
    let person = &user.person;
    let id = scim_id(person.id);
    let fields = user.fields(user.manager.as_ref().map(|manager| scim_id(manager.id)));
    let manager_location = user.manager.as_ref().map(|manager| format!("{base}/Users/{}", scim_id(manager.id)));
    let mut map = fields.attributes(manager_location.as_deref());
    let schemas: Vec<&str> =
        [CORE, ENTERPRISE, PROFILE].into_iter().filter(|schema| *schema == CORE || map.contains_key(*schema)).collect();
    map.insert("schemas".into(), json!(schemas));
    map.insert("id".into(), json!(id));
    map.insert(
        "meta".into(),
        json!({ "resourceType": "User", "created": person.created_at.to_rfc3339(),
                "lastModified": person.updated_at.to_rfc3339(), "location": format!("{base}/Users/{id}"),
                "version": etag(person.version) }),
    );
    map
}

fn user_response(status: StatusCode, base: &str, user: &ScimUser, projection: &Projection) -> Response {
    let mut map = resource(base, user);
    project(&mut map, &names(projection.attributes.as_deref()), &names(projection.excluded_attributes.as_deref()));
    let mut response = scim_json(status, &Value::Object(map));
    if let Ok(value) = HeaderValue::from_str(&etag(user.person.version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    if status == StatusCode::CREATED
        && let Ok(value) = HeaderValue::from_str(&format!("{base}/Users/{}", scim_id(user.person.id)))
    {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// What a request's fields ask for, the manager resolved to a row.
fn wanted(fields: UserFields) -> Result<DirectoryUser, ScimError> {
    let manager = fields
        .manager
        .as_deref()
        .map(|id| {
            row_of(id)
                .map_err(|_| ScimError::invalid_value(format!("manager '{id}' is not a user of this organisation")))
        })
        .transpose()?;
    Ok(DirectoryUser { fields, manager })
}

fn body_json(body: &Bytes) -> Result<Value, ScimError> {
    serde_json::from_slice(body).map_err(|error| ScimError::invalid_syntax(format!("the body is not JSON: {error}")))
}

async fn list_users(State(state): State<AppState>, headers: HeaderMap, Query(params): Query<ListParams>) -> Response {
    list(state, headers, params).await
}

/// `POST /Users/.search` (RFC 7644 3.4.3): the list's parameters in a body, so that a filter
/// stays out of URLs and logs.
async fn search_users(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let body = match body_json(&body) {
        Ok(body) => body,
        Err(refusal) => return error(refusal),
    };
    let field = |name: &str| match body.get(name) {
        Some(Value::String(text)) => Some(text.clone()),
        Some(Value::Number(number)) => Some(number.to_string()),
        Some(Value::Array(names)) => Some(names.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(",")),
        _ => None,
    };
    let params = ListParams {
        filter: field("filter"),
        start_index: field("startIndex"),
        count: field("count"),
        attributes: field("attributes"),
        excluded_attributes: field("excludedAttributes"),
    };
    list(state, headers, params).await
}

async fn list(state: AppState, headers: HeaderMap, params: ListParams) -> Response {
    let answer = async {
        let client = Client::of(&state, &headers).await?;
        let filter: Option<Filter> = params
            .filter
            .as_deref()
            .filter(|text| !text.trim().is_empty())
            .map(parse_filter)
            .transpose()?
            .map(with_row_ids);
        let start = integer("startIndex", params.start_index.as_deref())?.unwrap_or(1).max(1);
        let count = integer("count", params.count.as_deref())?
            .map_or(DEFAULT_PAGE, |count| count.clamp(0, MAX_PAGE as i64) as u64);
        let page = client.store(&state).scim_users(filter.as_ref(), (start - 1) as u64, count).await?;
        let base = base_url(&headers);
        let (attributes, excluded) =
            (names(params.attributes.as_deref()), names(params.excluded_attributes.as_deref()));
        let resources: Vec<Value> = page
            .users
            .iter()
            .map(|user| {
                let mut map = resource(&base, user);
                project(&mut map, &attributes, &excluded);
                Value::Object(map)
            })
            .collect();
        Ok::<_, ScimError>(json!({ "schemas": [LIST], "totalResults": page.total, "startIndex": start,
                                   "itemsPerPage": resources.len(), "Resources": resources }))
    };
    match answer.await {
        Ok(body) => scim_json(StatusCode::OK, &body),
        Err(refusal) => error(refusal),
    }
}

async fn get_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(projection): Query<Projection>,
) -> Response {
    let answer = async {
        let client = Client::of(&state, &headers).await?;
        client.store(&state).scim_user(row_of(&id)?).await
    };
    match answer.await {
        Ok(user) => {
            let current = etag(user.person.version);
            let unchanged =
                headers.get(header::IF_NONE_MATCH).and_then(|value| value.to_str().ok()) == Some(current.as_str());
            if unchanged {
                return StatusCode::NOT_MODIFIED.into_response();
            }
            user_response(StatusCode::OK, &base_url(&headers), &user, &projection)
        }
        Err(refusal) => error(refusal),
    }
}

async fn create_user(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let answer = async {
        let client = Client::of(&state, &headers).await?;
        let fields = UserFields::read(&body_json(&body)?)?;
        client.store(&state).scim_create(wanted(fields)?).await
    };
    match answer.await {
        Ok(user) => user_response(StatusCode::CREATED, &base_url(&headers), &user, &Projection::default()),
        Err(refusal) => error(refusal),
    }
}

async fn replace_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    change_user(state, headers, id, body, |current, body| current.replaced(body)).await
}

async fn patch_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    change_user(state, headers, id, body, |current, body| current.patched(body)).await
}

/// A PUT or a PATCH: `change` makes the new fields from the stored ones and the body.
async fn change_user(
    state: AppState,
    headers: HeaderMap,
    id: String,
    body: Bytes,
    change: fn(&UserFields, &Value) -> Result<UserFields, ScimError>,
) -> Response {
    let answer = async {
        let client = Client::of(&state, &headers).await?;
        let row = row_of(&id)?;
        let expected = if_match(&headers)?;
        let body = body_json(&body)?;
        client
            .store(&state)
            .scim_update(row, expected, |current| {
                let fields = current.fields(current.manager.as_ref().map(|manager| scim_id(manager.id)));
                wanted(change(&fields, &body)?)
            })
            .await
    };
    match answer.await {
        Ok(user) => user_response(StatusCode::OK, &base_url(&headers), &user, &Projection::default()),
        Err(refusal) => error(refusal),
    }
}

async fn delete_user(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let answer = async {
        let client = Client::of(&state, &headers).await?;
        client.store(&state).scim_delete(row_of(&id)?, if_match(&headers)?).await
    };
    match answer.await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(refusal) => error(refusal),
    }
}

async fn service_provider_config(headers: HeaderMap) -> Response {
    let base = base_url(&headers);
    scim_json(
        StatusCode::OK,
        &json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "documentationUri": "https://github.com/reverse-mentoring/service#directory-sync-scim-20",
            "patch": { "supported": true },
            "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
            "filter": { "supported": true, "maxResults": MAX_PAGE },
            "changePassword": { "supported": false },
            "sort": { "supported": false },
            "etag": { "supported": true },
            "authenticationSchemes": [{
                "type": "oauthbearertoken", "name": "SCIM secret", "primary": true,
                "description": "A per-organisation secret an ADMIN creates with createScimToken, sent as a bearer token"
            }],
            "meta": { "resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig") }
        }),
    )
}

fn user_resource_type(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User", "name": "User", "endpoint": "/Users",
        "description": "A person of the organisation: mentor, mentee or both",
        "schema": CORE,
        "schemaExtensions": [{ "schema": ENTERPRISE, "required": true }, { "schema": PROFILE, "required": true }],
        "meta": { "resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User") }
    })
}

async fn resource_types(headers: HeaderMap) -> Response {
    let types = [user_resource_type(&base_url(&headers))];
    scim_json(
        StatusCode::OK,
        &json!({ "schemas": [LIST], "totalResults": 1, "startIndex": 1, "itemsPerPage": 1, "Resources": types }),
    )
}

async fn resource_type(headers: HeaderMap, Path(id): Path<String>) -> Response {
    if id != "User" {
        return error(ScimError::status(404, format!("no resource type {id}")));
    }
    scim_json(StatusCode::OK, &user_resource_type(&base_url(&headers)))
}

async fn schemas(headers: HeaderMap) -> Response {
    let base = base_url(&headers);
    let all: Vec<Value> =
        crate::domain::scim::schema::ALL.iter().map(|id| crate::domain::scim::schema::document(id, &base)).collect();
    scim_json(
        StatusCode::OK,
        &json!({ "schemas": [LIST], "totalResults": all.len(), "startIndex": 1, "itemsPerPage": all.len(), "Resources": all }),
    )
}

async fn schema(headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !crate::domain::scim::schema::ALL.contains(&id.as_str()) {
        return error(ScimError::status(404, format!("no schema {id}")));
    }
    scim_json(StatusCode::OK, &crate::domain::scim::schema::document(&id, &base_url(&headers)))
}
