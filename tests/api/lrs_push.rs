//! Pushing training records to the organisation's own LRS: a loopback LRS that refuses, stalls
//! and recovers on purpose gets every statement of the log exactly once by id, two replicas
//! never send a batch at the same time, OAuth2 client credentials work, and the status says
//! what happened. The same against a real LRS (Ralph) when it is installed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use reverse_mentoring::push::PushSettings;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::relationships::{LOG, meeting, pairs};

/// What the loopback LRS does with the next batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// 503 without keeping anything.
    Refuse,
    /// Keeps the batch, then answers too late: the sender sees a timeout for a batch that
    /// arrived, as after a crash between sending and bookkeeping.
    Stall,
    Accept,
}

#[derive(Default)]
struct Lrs {
    mode: Option<Mode>,
    /// Statements kept, by id, as an LRS keeps them.
    stored: HashMap<String, Value>,
    /// Batches received, accepted or not.
    posts: usize,
    /// Batches being answered right now, and the most at once.
    in_flight: usize,
    most_in_flight: usize,
    /// The same id with another body (a real LRS answers 409).
    conflicts: usize,
    /// Statements received again as they were.
    repeats: usize,
    /// The bearer token the LRS accepts when OAuth2 is in use.
    bearer: Option<String>,
}

type Shared = Arc<Mutex<Lrs>>;

async fn statements(State(lrs): State<Shared>, headers: HeaderMap, body: String) -> axum::response::Response {
    let authorization = headers.get("authorization").and_then(|value| value.to_str().ok()).unwrap_or("");
    let (mode, expected) = {
        let mut lrs = lrs.lock().expect("lock");
        lrs.posts += 1;
        lrs.in_flight += 1;
        lrs.most_in_flight = lrs.most_in_flight.max(lrs.in_flight);
        let expected = match &lrs.bearer {
            Some(token) => format!("Bearer {token}"),
            None => "Basic bHJzLXVzZXI6bHJzLXBhc3N3b3Jk".to_owned(), // lrs-user:lrs-password
        };
        (lrs.mode.unwrap_or(Mode::Accept), expected)
    };
    // Long enough for other replicas to send at the same time, were they allowed to.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let answer = if authorization != expected || headers.get("x-experience-api-version").is_none() {
        StatusCode::UNAUTHORIZED.into_response()
    } else {
        match mode {
            Mode::Refuse => (StatusCode::SERVICE_UNAVAILABLE, "down for maintenance").into_response(),
            Mode::Stall => {
                keep(&lrs, &body);
                // The sender gives up before this answer; its retry may come while this one
                // still sleeps, which is not two senders at once.
                lrs.lock().expect("lock").in_flight -= 1;
                tokio::time::sleep(Duration::from_secs(3)).await;
                return StatusCode::OK.into_response();
            }
            Mode::Accept => axum::Json(keep(&lrs, &body)).into_response(),
        }
    };
    lrs.lock().expect("lock").in_flight -= 1;
    answer
}

/// Keeps a batch as an LRS does, one statement per id; the ids.
fn keep(lrs: &Shared, body: &str) -> Vec<String> {
    let batch: Vec<Value> = serde_json::from_str(body).expect("a JSON array of statements");
    let mut lrs = lrs.lock().expect("lock");
    let mut ids = Vec::new();
    for statement in batch {
        let id = statement["id"].as_str().expect("id").to_owned();
        match lrs.stored.get(&id) {
            Some(kept) if *kept != statement => lrs.conflicts += 1,
            Some(_) => lrs.repeats += 1,
            None => {
                lrs.stored.insert(id.clone(), statement);
            }
        }
        ids.push(id);
    }
    ids
}

async fn token(State(lrs): State<Shared>, headers: HeaderMap, body: String) -> axum::response::Response {
    let authorization = headers.get("authorization").and_then(|value| value.to_str().ok()).unwrap_or("");
    // client-id:client-secret
    if authorization != "Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ=" || !body.contains("grant_type=client_credentials") {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    lrs.lock().expect("lock").bearer = Some("token-1".into());
    axum::Json(json!({ "access_token": "token-1", "token_type": "Bearer", "expires_in": 3600 })).into_response()
}

/// Starts the loopback LRS; its xAPI base.
async fn loopback_lrs() -> (String, Shared) {
    let lrs: Shared = Arc::default();
    let router =
        Router::new().route("/xAPI/statements", post(statements)).route("/token", post(token)).with_state(lrs.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{address}"), lrs)
}

fn quick(config: &mut reverse_mentoring::config::Config) {
    config.lrs_push =
        Some(PushSettings { interval: Duration::from_millis(100), timeout: Duration::from_secs(1), batch: 3 });
}

const STATUS: &str = "{ lrsPush { endpoint auth queued lastSuccessAt lastError failures nextAttemptAt } }";
const SET: &str = "mutation($i: LrsPushTargetInput!) { setLrsPushTarget(input: $i) { endpoint auth queued } }";

/// Polls the push status until `done` says so (at most 30 s).
async fn wait_for(app: &TestApp, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..300 {
        let status = app.as_admin("acme").gql(STATUS, json!({})).await.data()["lrsPush"].clone();
        if done(&status) {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the push never got there");
}

/// Every statement id in the organisation's log.
async fn logged_ids(app: &TestApp) -> Vec<String> {
    let backend = app.store.connection().get_database_backend();
    let sql = "SELECT statement_id FROM xapi_statements WHERE org_id = 'acme' ORDER BY statement_id";
    let rows = app.store.connection().query_all_raw(Statement::from_string(backend, sql)).await.expect("ids");
    rows.iter().map(|row| row.try_get::<String>("", "statement_id").expect("id")).collect()
}

fn stored_ids(lrs: &Shared) -> Vec<String> {
    let mut ids: Vec<String> = lrs.lock().expect("lock").stored.keys().cloned().collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn every_statement_reaches_an_lrs_that_refuses_stalls_and_recovers_exactly_once() {
    let (url, sqlite_file) = crate::common::fresh_database().await;
    let app = TestApp::spawn_on(url.clone(), sqlite_file, quick).await;
    let replica = TestApp::spawn_on(url, None, quick).await;
    let world = pairs(&app, 2).await;
    let (lrs_url, lrs) = loopback_lrs().await;
    lrs.lock().expect("lock").mode = Some(Mode::Refuse);

    let admin = app.as_admin("acme");
    let basic = json!({ "endpoint": format!("{lrs_url}/xAPI/"), "basic": { "username": "lrs-user", "password": "lrs-password" } });
    let set = admin.gql(SET, json!({ "i": basic })).await.data()["setLrsPushTarget"].clone();
    assert_eq!(set, json!({ "endpoint": format!("{lrs_url}/xAPI"), "auth": "BASIC", "queued": 4 }));
    let refused = wait_for(&app, |status| status["failures"].as_i64() >= Some(1)).await;
    assert!(refused["lastError"].as_str().expect("why").contains("HTTP 503"), "{refused}");
    assert!(refused["nextAttemptAt"].is_string() && refused["lastSuccessAt"].is_null());
    assert_eq!(refused["queued"], 4, "nothing is lost while the LRS is down");

    lrs.lock().expect("lock").mode = Some(Mode::Stall);
    let stalled = wait_for(&app, |status| status["failures"].as_i64() >= Some(2)).await;
    assert!(stalled["lastError"].as_str().expect("why").contains("did not answer in time"), "{stalled}");

    // Records made while the LRS is away queue up behind the rest.
    let mentor = app.as_participant("acme", "M0");
    mentor.gql(LOG, json!({ "m": world.matches[0], "i": meeting("While away", 30) })).await.data();
    lrs.lock().expect("lock").mode = Some(Mode::Accept);
    let caught_up = wait_for(&app, |status| status["queued"] == 0).await;
    assert!(caught_up["lastError"].is_null() && caught_up["failures"] == 0 && caught_up["lastSuccessAt"].is_string());

    // A meeting changed afterwards: its voiding statements and new ones follow.
    let second = replica.as_participant("acme", "M1");
    second.gql(LOG, json!({ "m": world.matches[1], "i": meeting("Later", 20) })).await.data();
    wait_for(&app, |status| status["queued"] == 0).await;
    let lrs_state = lrs.lock().expect("lock").posts;
    assert!(lrs_state >= 4, "batches of three, with retries");
    assert_eq!(stored_ids(&lrs), logged_ids(&app).await, "every statement of the log, each once by id");
    let lrs = lrs.lock().expect("lock");
    assert!(lrs.repeats > 0, "the batch that arrived unacknowledged was sent again");
    assert_eq!(lrs.conflicts, 0, "a resent statement is the same statement");
    assert_eq!(lrs.most_in_flight, 1, "two replicas never send at the same time");
}

#[tokio::test]
async fn oauth2_client_credentials_get_a_token_and_the_target_is_admin_only() {
    let app = TestApp::spawn_with(quick).await;
    pairs(&app, 1).await;
    let (lrs_url, lrs) = loopback_lrs().await;
    let admin = app.as_admin("acme");
    let oauth = json!({ "endpoint": format!("{lrs_url}/xAPI"), "oauth2": {
        "tokenUrl": format!("{lrs_url}/token"), "clientId": "client-id", "clientSecret": "client-secret", "scope": "xapi:write" } });
    assert_eq!(admin.gql(SET, json!({ "i": oauth })).await.data()["setLrsPushTarget"]["auth"], "OAUTH2");
    wait_for(&app, |status| status["queued"] == 0).await;
    assert_eq!(stored_ids(&lrs), logged_ids(&app).await);

    let both = json!({ "endpoint": lrs_url, "basic": { "username": "u", "password": "p" },
                       "oauth2": { "tokenUrl": "http://x", "clientId": "c", "clientSecret": "s" } });
    admin.gql(SET, json!({ "i": both })).await.assert_error("BAD_USER_INPUT", "exactly one");
    let bad = json!({ "endpoint": "lrs.example.com", "basic": { "username": "u", "password": "p" } });
    admin.gql(SET, json!({ "i": bad })).await.assert_error("BAD_USER_INPUT", "endpoint");
    app.as_coordinator("acme").gql(STATUS, json!({})).await.assert_error("FORBIDDEN", "ADMIN");
    let globex = app.as_admin("globex");
    assert_eq!(globex.gql(STATUS, json!({})).await.data()["lrsPush"], Value::Null, "another organisation's target");
    assert_eq!(globex.gql("mutation { removeLrsPushTarget }", json!({})).await.data()["removeLrsPushTarget"], false);
    assert_eq!(admin.gql("mutation { removeLrsPushTarget }", json!({})).await.data()["removeLrsPushTarget"], true);
    assert_eq!(admin.gql(STATUS, json!({})).await.data()["lrsPush"], Value::Null);
}

/// Ralph 5.1.0 on 127.0.0.1 with the file backend and a Basic-auth user `pusher`.
struct Ralph {
    _process: tokio::process::Child,
    base: String,
    dir: std::path::PathBuf,
}

impl Drop for Ralph {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn start_ralph() -> Option<Ralph> {
    let home = std::env::var("HOME").unwrap_or_default();
    let venv = std::env::var("RALPH_VENV").unwrap_or_else(|_| format!("{home}/.cache/reverse-mentoring-ralph-venv"));
    let venv = std::path::PathBuf::from(venv);
    if !venv.join("bin/ralph").is_file() {
        crate::common::skip_without(
            "REQUIRE_LRS_TESTS",
            "Ralph is missing (.ci/run installs ralph-malph[cli,lrs]==5.1.0 into ~/.cache/reverse-mentoring-ralph-venv)",
        );
        return None;
    }
    let dir = std::env::temp_dir().join(crate::common::unique_name());
    std::fs::create_dir_all(dir.join("data")).expect("Ralph's data directory");
    let settings = [
        ("RALPH_RUNSERVER_BACKEND", "fs".to_owned()),
        ("RALPH_AUTH_FILE", dir.join("auth.json").display().to_string()),
        ("RALPH_APP_DIR", dir.join("app").display().to_string()),
        ("RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH", dir.join("data").display().to_string()),
    ];
    let user = tokio::process::Command::new(venv.join("bin/ralph"))
        .args(["auth", "-u", "pusher", "-p", "pusher-password", "-s", "all", "-M", "mailto:pusher@example.com", "-w"])
        .envs(settings.clone())
        .output()
        .await
        .expect("ralph auth");
    assert!(user.status.success(), "ralph auth: {}", String::from_utf8_lossy(&user.stderr));
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("port").port();
    let launcher = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lrs/run_ralph.py");
    let process = tokio::process::Command::new(venv.join("bin/python"))
        .arg(launcher)
        .arg(port.to_string())
        .envs(settings)
        .kill_on_drop(true)
        .spawn()
        .expect("start Ralph");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(format!("{base}/__heartbeat__")).send().await.is_ok_and(|answer| answer.status().is_success()) {
            return Some(Ralph { _process: process, base, dir });
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("Ralph did not start on {base}");
}

#[tokio::test]
async fn a_real_lrs_receives_every_statement_once() {
    let Some(ralph) = start_ralph().await else { return };
    let app = TestApp::spawn_with(quick).await;
    let world = pairs(&app, 2).await;
    let mentor = app.as_participant("acme", "M0");
    let logged = mentor.gql(LOG, json!({ "m": world.matches[0], "i": meeting("First", 30) })).await;
    let held = logged.data()["logMeeting"].clone();
    let admin = app.as_admin("acme");
    let target = json!({ "endpoint": format!("{}/xAPI", ralph.base), "basic": { "username": "pusher", "password": "pusher-password" } });
    admin.gql(SET, json!({ "i": target })).await.data();
    wait_for(&app, |status| status["queued"] == 0).await;
    // A change after delivery: its voiding statements and the new ones follow.
    let update = crate::relationships::UPDATE;
    mentor.gql(update, json!({ "id": held["id"], "v": held["version"], "i": meeting("First", 45) })).await.data();
    let complete = "mutation($id: ID!) { completeMatch(id: $id) { status } }";
    app.as_coordinator("acme").gql(complete, json!({ "id": world.matches[0] })).await.data();
    let done = wait_for(&app, |status| status["queued"] == 0).await;
    assert!(done["lastError"].is_null(), "{done}");

    let client = reqwest::Client::new();
    let mut received = Vec::new();
    let mut next = "/xAPI/statements?limit=100".to_owned();
    loop {
        let page: Value = client
            .get(format!("{}{next}", ralph.base))
            .basic_auth("pusher", Some("pusher-password"))
            .header("X-Experience-API-Version", "1.0.3")
            .send()
            .await
            .expect("GET from Ralph")
            .json()
            .await
            .expect("JSON");
        for statement in page["statements"].as_array().expect("statements") {
            received.push(statement["id"].as_str().expect("id").to_owned());
        }
        match page["more"].as_str() {
            Some(more) if !more.is_empty() => next = more.to_owned(),
            _ => break,
        }
    }
    // Ralph lists voided statements too; it holds the whole log, each statement once.
    received.sort();
    assert_eq!(received, logged_ids(&app).await);
}
