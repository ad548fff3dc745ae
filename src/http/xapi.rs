//! The statement log as an LRS serves it (xAPI 1.0.3): `GET /xapi/statements` for LMSs and
//! learning-record hubs pulling training records, `GET /xapi/about`, and `POST /xapi/statements`
//! through which the LMS reports completions of programs' preparation courses.
//!
//! A client authenticates with HTTP Basic (an LRS client's key and secret, created by an ADMIN)
//! or with a bearer token holding the LMS or ADMIN role. Pages continue through `more`, a
//! keyset over the log as the first page saw it: writes between pages neither shift nor repeat.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::AppState;
use crate::auth::Role;
use crate::domain::xapi::{self, VERSION};
use crate::error::Error;
use crate::store::Scoped;
use crate::store::preparation::{ReportedCompletion, Unknown};
use crate::store::training::{Cursor, StatementQuery};

/// Statements per page when the client asks for none (or 0, "the server's maximum").
const MAX_LIMIT: u64 = 1_000;

const VERSION_HEADER: &str = "x-experience-api-version";
const CONSISTENT_THROUGH: &str = "x-experience-api-consistent-through";

/// The xAPI routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/xapi/statements", get(statements).post(completions)).route("/xapi/about", get(about))
}

/// A refusal in the shape LRS clients read: the status (from the code, as on every surface),
/// and a JSON body with the code and a message.
struct Refusal {
    code: &'static str,
    message: String,
}

impl Refusal {
    fn bad(message: impl Into<String>) -> Refusal {
        Refusal { code: "BAD_USER_INPUT", message: message.into() }
    }
}

impl From<Error> for Refusal {
    fn from(error: Error) -> Refusal {
        Refusal { code: error.code(), message: error.message().to_owned() }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = super::status_of(self.code);
        let body = json!({ "error": true, "code": self.code, "message": crate::graphql::prefix(&self.message, 300) });
        let mut response = (status, axum::Json(body)).into_response();
        with_version(&mut response);
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"xapi\""));
        }
        response
    }
}

fn with_version(response: &mut Response) {
    response.headers_mut().insert(VERSION_HEADER, HeaderValue::from_static(VERSION));
}

/// `GET /xapi/about`: the versions this LRS speaks (no credentials needed).
async fn about() -> Response {
    let mut response = axum::Json(json!({ "version": [VERSION], "extensions": {} })).into_response();
    with_version(&mut response);
    response
}

/// The organisation and actor a request's credentials name.
struct Client {
    org: String,
    actor: String,
}

impl Client {
    async fn of(state: &AppState, headers: &HeaderMap) -> Result<Client, Refusal> {
        let unauthenticated = |message: &str| Refusal { code: "UNAUTHENTICATED", message: message.into() };
        let value = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(|| unauthenticated("send an LRS client's key and secret (HTTP Basic) or a bearer token"))?;
        let (scheme, credentials) = value.split_once(' ').unwrap_or((value, ""));
        let client = if scheme.eq_ignore_ascii_case("basic") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(credentials.trim())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| unauthenticated("the Basic credentials are not base64 of key:secret"))?;
            let (key, secret) =
                decoded.split_once(':').ok_or_else(|| unauthenticated("the Basic credentials are not key:secret"))?;
            let client = state
                .store
                .lrs_client(key, secret)
                .await?
                .ok_or_else(|| unauthenticated("the LRS client key or secret is unknown or revoked"))?;
            Client { org: client.org_id, actor: format!("lrs:{} ({})", client.name, client.id) }
        } else if scheme.eq_ignore_ascii_case("bearer") {
            let viewer = state.keys.verify(credentials.trim()).await?;
            viewer.require(&[Role::Lms, Role::Admin], "reading training records")?;
            Client { org: viewer.org, actor: viewer.subject }
        } else {
            return Err(unauthenticated("the Authorization header must be Basic or Bearer"));
        };
        if let Err(wait) = state.rate_limits.check(&client.org, &client.actor) {
            let message = format!("too many requests; retry after {} s", wait.as_secs().max(1));
            return Err(Refusal { code: "RATE_LIMITED", message });
        }
        Ok(client)
    }

    fn store<'a>(&'a self, state: &'a AppState) -> Scoped<'a> {
        state.store.scoped(&self.org, &self.actor)
    }
}

/// What `GET /xapi/statements` was asked.
#[derive(Debug, PartialEq)]
enum Request {
    /// One statement by id (`statementId`, or `voidedStatementId` for a voided one).
    One { id: Uuid, voided: bool },
    /// A page of statements.
    Page(StatementQuery),
}

/// Reads the query string as xAPI 1.0.3 defines it; unknown or repeated parameters are refused.
fn parse_request(query: &str) -> Result<Request, Refusal> {
    let mut seen = std::collections::HashSet::new();
    let mut request = StatementQuery { limit: MAX_LIMIT, ..StatementQuery::default() };
    let mut single: Option<(Uuid, bool)> = None;
    let mut filtered = false;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if !seen.insert(name.to_string()) {
            return Err(Refusal::bad(format!("the parameter {name} is given twice")));
        }
        let value = value.as_ref();
        match name.as_ref() {
            "statementId" | "voidedStatementId" => {
                let id = Uuid::try_parse(value).map_err(|_| Refusal::bad(format!("{name} must be a UUID")))?;
                if single.replace((id, name == "voidedStatementId")).is_some() {
                    return Err(Refusal::bad("give statementId or voidedStatementId, not both"));
                }
            }
            "agent" => {
                request.agent = Some(agent_key(value)?);
                filtered = true;
            }
            "verb" | "activity" => {
                if value.is_empty() || !value.contains(':') {
                    return Err(Refusal::bad(format!("{name} must be an IRI")));
                }
                let target = if name == "verb" { &mut request.verb } else { &mut request.activity };
                *target = Some(value.to_owned());
                filtered = true;
            }
            "registration" => {
                request.registration =
                    Some(Uuid::try_parse(value).map_err(|_| Refusal::bad("registration must be a UUID"))?);
                filtered = true;
            }
            "since" | "until" => {
                let at = DateTime::parse_from_rfc3339(value)
                    .map_err(|_| Refusal::bad(format!("{name} must be an RFC 3339 timestamp with a zone")))?
                    .with_timezone(&Utc);
                *(if name == "since" { &mut request.since } else { &mut request.until }) = Some(at);
                filtered = true;
            }
            "limit" => {
                let limit: u64 = value.parse().map_err(|_| Refusal::bad("limit must be a whole number"))?;
                request.limit = if limit == 0 { MAX_LIMIT } else { limit.min(MAX_LIMIT) };
                filtered = true;
            }
            "ascending" => {
                request.ascending = boolean(name.as_ref(), value)?;
                filtered = true;
            }
            "related_agents" | "related_activities" => {
                // Only the actor and the object activity are indexed; broadening is not offered.
                if boolean(name.as_ref(), value)? {
                    return Err(Refusal::bad(format!("{name}=true is not supported by this LRS")));
                }
            }
            "format" => {
                // Statements carry identifying fields and one language only: the three formats agree.
                if !matches!(value, "exact" | "ids" | "canonical") {
                    return Err(Refusal::bad("format must be exact, ids or canonical"));
                }
            }
            "attachments" => {
                // No statement has attachments, so the answer is JSON either way.
                boolean(name.as_ref(), value)?;
            }
            "cursor" => {
                request.cursor = Some(value.parse::<Cursor>().map_err(Refusal::from)?);
            }
            other => return Err(Refusal::bad(format!("unknown parameter {}", crate::graphql::prefix(other, 40)))),
        }
    }
    match single {
        Some(_) if filtered || request.cursor.is_some() => {
            Err(Refusal::bad("statementId and voidedStatementId take no other filter"))
        }
        Some((id, voided)) => Ok(Request::One { id, voided }),
        None => Ok(Request::Page(request)),
    }
}

fn boolean(name: &str, value: &str) -> Result<bool, Refusal> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Refusal::bad(format!("{name} must be true or false"))),
    }
}

/// The key of the agent a query names (a JSON Agent). Statements name people by account on
/// this service's home page; any other identifier matches nothing but is not an error.
fn agent_key(json: &str) -> Result<String, Refusal> {
    let agent: serde_json::Value =
        serde_json::from_str(json).map_err(|_| Refusal::bad("agent must be a JSON Agent object"))?;
    let identifiers = ["mbox", "mbox_sha1sum", "openid", "account"];
    let given: Vec<&str> = identifiers.into_iter().filter(|name| agent.get(name).is_some()).collect();
    if given.len() != 1 {
        return Err(Refusal::bad("agent must have exactly one of mbox, mbox_sha1sum, openid and account"));
    }
    match (given[0], &agent["account"]) {
        ("account", account) => match (account["homePage"].as_str(), account["name"].as_str()) {
            (Some(page), Some(name)) => Ok(xapi::account_key(page.trim_end_matches('/'), name)),
            _ => Err(Refusal::bad("an agent's account needs homePage and name")),
        },
        (other, _) => Ok(format!("{other}:{}", agent[other].as_str().unwrap_or_default())),
    }
}

/// `GET /xapi/statements`.
async fn statements(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    match answer(&state, &headers, query.as_deref().unwrap_or("")).await {
        Ok(response) => response,
        Err(refusal) => refusal.into_response(),
    }
}

fn check_version(headers: &HeaderMap) -> Result<(), Refusal> {
    let version = headers.get(VERSION_HEADER).and_then(|value| value.to_str().ok()).unwrap_or("");
    if !version.starts_with("1.0.") && version != "1.0" {
        return Err(Refusal::bad("send X-Experience-API-Version: 1.0.3"));
    }
    Ok(())
}

async fn answer(state: &AppState, headers: &HeaderMap, query: &str) -> Result<Response, Refusal> {
    check_version(headers)?;
    let client = Client::of(state, headers).await?;
    let store = client.store(state);
    let (status, body, consistent_through) = match parse_request(query)? {
        Request::One { id, voided } => {
            let (found, through) = store.statement(id, voided).await?;
            match found {
                Some(statement) => (StatusCode::OK, statement, through),
                None => {
                    let what = if voided { "voided statement" } else { "statement" };
                    return Err(Refusal { code: "NOT_FOUND", message: format!("no {what} {id}") });
                }
            }
        }
        Request::Page(query_asked) => {
            let page = store.statements(&query_asked).await?;
            let more = match page.next {
                Some(cursor) => more_link(query, cursor),
                None => String::new(),
            };
            let body = format!(
                "{{\"statements\":[{}],\"more\":{}}}",
                page.statements.join(","),
                serde_json::Value::String(more)
            );
            (StatusCode::OK, body, page.consistent_through)
        }
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(VERSION_HEADER, HeaderValue::from_static(VERSION));
    if let Ok(value) = HeaderValue::from_str(&xapi::instant(consistent_through)) {
        headers.insert(CONSISTENT_THROUGH, value);
    }
    Ok(response)
}

/// Most statements one POST may carry.
const MAX_POSTED: usize = 1_000;

/// `POST /xapi/statements`: the LMS reports statements; `completed` and `passed` on a program's
/// preparation course by an actor whose account name is an employee id are recorded as
/// completions. Others are acknowledged and not kept: this service is no general LRS.
async fn completions(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    match take_completions(&state, &headers, &body).await {
        Ok(response) => response,
        Err(refusal) => refusal.into_response(),
    }
}

async fn take_completions(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Response, Refusal> {
    check_version(headers)?;
    let client = Client::of(state, headers).await?;
    let posted: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| Refusal::bad("the body must be a statement or an array of them"))?;
    let statements = match posted {
        serde_json::Value::Array(items) => items,
        object @ serde_json::Value::Object(_) => vec![object],
        _ => return Err(Refusal::bad("the body must be a statement or an array of them")),
    };
    if statements.len() > MAX_POSTED {
        return Err(Refusal::bad(format!("at most {MAX_POSTED} statements per request")));
    }
    let mut ids = Vec::with_capacity(statements.len());
    let mut reported = Vec::new();
    for (index, statement) in statements.iter().enumerate() {
        let (id, completion) =
            completion_of(statement).map_err(|message| Refusal::bad(format!("statements[{index}]: {message}")))?;
        ids.push(id.to_string());
        reported.extend(completion);
    }
    client.store(state).record_course_completions(&reported, Unknown::Ignore).await?;
    let mut response = axum::Json(ids).into_response();
    with_version(&mut response);
    Ok(response)
}

/// A posted statement's id (given, or derived from its content) and the completion it reports.
fn completion_of(statement: &serde_json::Value) -> Result<(Uuid, Option<ReportedCompletion>), String> {
    if !statement.is_object() {
        return Err("a statement is a JSON object".into());
    }
    let id = match statement.get("id") {
        None => Uuid::new_v5(&Uuid::NAMESPACE_URL, statement.to_string().as_bytes()),
        Some(id) => id.as_str().and_then(|id| Uuid::try_parse(id).ok()).ok_or("id must be a UUID")?,
    };
    let verb = statement["verb"]["id"].as_str().ok_or("verb.id is required")?;
    let activity = statement["object"]["id"].as_str().ok_or("object.id is required")?;
    if !statement["actor"].is_object() {
        return Err("actor is required".into());
    }
    if !matches!(verb, xapi::verbs::COMPLETED | xapi::verbs::PASSED) {
        return Ok((id, None));
    }
    let Some(employee_id) = statement["actor"]["account"]["name"].as_str() else { return Ok((id, None)) };
    let completed_at = match statement.get("timestamp") {
        None => Utc::now(),
        Some(at) => at
            .as_str()
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
            .ok_or("timestamp must be RFC 3339")?
            .with_timezone(&Utc),
    };
    let score = statement["result"]["score"]["scaled"].as_f64();
    let completion = ReportedCompletion {
        employee_id: employee_id.to_owned(),
        activity_iri: activity.to_owned(),
        completed_at: crate::store::truncated(completed_at),
        score,
    };
    Ok((id, Some(completion)))
}

/// The next page's address: the same query with the cursor, as an absolute path (clients
/// such as @xapi/xapi join it to the scheme and host as given).
fn more_link(query: &str, cursor: Cursor) -> String {
    let mut link = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(query.as_bytes()).filter(|(name, _)| name != "cursor") {
        link.append_pair(&name, &value);
    }
    link.append_pair("cursor", &cursor.to_string());
    format!("/xapi/statements?{}", link.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(query: &str) -> StatementQuery {
        match parse_request(query) {
            Ok(Request::Page(query)) => query,
            Ok(other) => panic!("expected a page, got {other:?}"),
            Err(refusal) => panic!("refused: {}", refusal.message),
        }
    }

    fn refused(query: &str) -> String {
        match parse_request(query) {
            Err(refusal) => refusal.message,
            Ok(request) => panic!("accepted {request:?}"),
        }
    }

    #[test]
    fn filters_are_read_as_the_spec_names_them() {
        let agent =
            r#"{"objectType":"Agent","account":{"homePage":"https://mentoring.example.com/xapi/","name":"E7"}}"#;
        let query = format!(
            "agent={}&verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fattended&since=2026-01-01T00:00:00Z&limit=500&ascending=true",
            form_urlencoded::byte_serialize(agent.as_bytes()).collect::<String>()
        );
        let query = page(&query);
        assert_eq!(query.agent.as_deref(), Some("account:https://mentoring.example.com/xapi|E7"));
        assert_eq!(query.verb.as_deref(), Some(xapi::verbs::ATTENDED));
        assert_eq!(query.limit, 500);
        assert!(query.ascending);
        assert_eq!(query.since, Some("2026-01-01T00:00:00Z".parse().unwrap()));
        assert_eq!(page("").limit, MAX_LIMIT);
        assert_eq!(page("limit=0").limit, MAX_LIMIT);
        assert_eq!(page("limit=5000").limit, MAX_LIMIT);
        assert_eq!(page("cursor=17.40").cursor, Some(Cursor { after: 17, through: 40 }));
    }

    #[test]
    fn a_single_statement_takes_no_other_filter() {
        let id = "7f3c6b1e-0d7a-4b7e-9a52-7a8e2b3c4d5e";
        assert_eq!(
            parse_request(&format!("statementId={id}")).ok(),
            Some(Request::One { id: Uuid::parse_str(id).unwrap(), voided: false })
        );
        assert!(refused(&format!("statementId={id}&verb=http://x.y/z")).contains("no other filter"));
        assert!(refused(&format!("statementId={id}&voidedStatementId={id}")).contains("not both"));
    }

    #[test]
    fn bad_parameters_are_refused_with_the_reason() {
        assert!(refused("statementId=12").contains("UUID"));
        assert!(refused("since=yesterday").contains("RFC 3339"));
        assert!(refused("limit=-1").contains("whole number"));
        assert!(refused("ascending=yes").contains("true or false"));
        assert!(refused("agent=E7").contains("JSON Agent"));
        assert!(
            refused(r#"agent={"mbox":"mailto:a@b.c","account":{"homePage":"h","name":"n"}}"#).contains("exactly one")
        );
        assert!(refused("verb=attended").contains("IRI"));
        assert!(refused("colour=red").contains("unknown parameter"));
        assert!(refused("limit=1&limit=2").contains("twice"));
        assert!(refused("cursor=abc").contains("cursor"));
        assert!(refused("related_agents=true").contains("not supported"));
        assert_eq!(page("related_agents=false&format=ids&attachments=false").limit, MAX_LIMIT);
    }

    #[test]
    fn posted_completions_are_read_from_completed_and_passed_statements() {
        let statement = json!({
            "id": "7f3c6b1e-0d7a-4b7e-9a52-7a8e2b3c4d5e",
            "actor": { "objectType": "Agent", "account": { "homePage": "https://lms.example.com", "name": "E7" } },
            "verb": { "id": xapi::verbs::PASSED },
            "object": { "id": "https://lms.example.com/courses/1" },
            "result": { "score": { "scaled": 0.9 } },
            "timestamp": "2026-11-30T10:00:00Z"
        });
        let (id, completion) = completion_of(&statement).unwrap();
        assert_eq!(id.to_string(), "7f3c6b1e-0d7a-4b7e-9a52-7a8e2b3c4d5e");
        let completion = completion.expect("a completion");
        assert_eq!((completion.employee_id.as_str(), completion.score), ("E7", Some(0.9)));
        assert_eq!(completion.completed_at, "2026-11-30T10:00:00Z".parse::<DateTime<Utc>>().unwrap());
        let mut other = statement.clone();
        other["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/attempted");
        assert!(completion_of(&other).unwrap().1.is_none(), "other verbs are acknowledged, not kept");
        let mut unnamed = statement.clone();
        unnamed["id"] = json!("12");
        assert_eq!(completion_of(&unnamed).unwrap_err(), "id must be a UUID");
        assert!(completion_of(&json!({ "verb": { "id": "x:y" } })).is_err());
        assert!(completion_of(&json!("text")).is_err());
    }

    #[test]
    fn more_keeps_the_query_and_replaces_the_cursor() {
        let link = more_link("verb=http%3A%2F%2Fa.b%2Fc&limit=2&cursor=1.9", Cursor { after: 5, through: 9 });
        assert_eq!(link, "/xapi/statements?verb=http%3A%2F%2Fa.b%2Fc&limit=2&cursor=5.9");
    }
}
