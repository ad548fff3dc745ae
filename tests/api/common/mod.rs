//! The test harness: starts the real service on a random port with a fresh database
//! (SQLite always; PostgreSQL when `TEST_DATABASE_URL` is set) and talks to it over HTTP
//! with real tokens, so tests read like what a client does.

pub mod cluster;
pub mod factories;
pub mod process;
pub mod tables;

use std::sync::atomic::{AtomicU32, Ordering};

use reverse_mentoring::auth::{Role, TokenKeys};
use reverse_mentoring::config::{AuthMode, Config};
use reverse_mentoring::store::Store;
use serde_json::{Value, json};

/// The secret tests sign with; long enough for HS256.
pub const TEST_SECRET: &str = "test-secret-that-is-at-least-32-bytes-long";

/// A running service.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:43123`.
    pub address: String,
    /// The store behind it, for checks that must bypass the API.
    pub store: Store,
    /// The keys it verifies tokens with.
    pub keys: std::sync::Arc<TokenKeys>,
    pub client: reqwest::Client,
    sqlite_file: Option<std::path::PathBuf>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
    }
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A test whose outside tool is missing skips and says so, unless CI set `required_by=1`: then
/// it fails, naming `what` is missing and how to get it.
pub fn skip_without(required_by: &str, what: &str) {
    assert_ne!(std::env::var(required_by).as_deref(), Ok("1"), "{required_by}=1 but {what}");
    eprintln!("SKIPPED ({required_by} unset): {what}");
}

pub(crate) fn unique_name() -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("rm_test_{}_{}_{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A fresh database URL: a new PostgreSQL database, or a new SQLite file.
pub(crate) async fn fresh_database() -> (String, Option<std::path::PathBuf>) {
    let name = unique_name();
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            use sea_orm::ConnectionTrait;
            let admin = sea_orm::Database::connect(&admin_url).await.expect("connect to TEST_DATABASE_URL");
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
            admin.close().await.ok();
            let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap_or(&admin_url);
            (format!("{base}/{name}"), None)
        }
        _ => {
            let dir = std::env::temp_dir().join("reverse-mentoring-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            let file = dir.join(format!("{name}.db"));
            (format!("sqlite://{}?mode=rwc", file.display()), Some(file))
        }
    }
}

impl TestApp {
    /// Starts the service with the default test configuration.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the service after `adjust` changes the configuration.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let (url, sqlite_file) = fresh_database().await;
        Self::spawn_on(url, sqlite_file, adjust).await
    }

    /// Starts the service on the database at `url` (a SQLite file it removes when dropped).
    pub async fn spawn_on(
        url: String,
        sqlite_file: Option<std::path::PathBuf>,
        adjust: impl FnOnce(&mut Config),
    ) -> TestApp {
        let mut config = Config::new(url, AuthMode::SharedSecret { secret: TEST_SECRET.into() });
        config.max_connections = 5;
        adjust(&mut config);
        let app = reverse_mentoring::build(config).await.expect("build the app");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let router = app.router;
        tokio::spawn(async move { axum::serve(listener, router).await });
        TestApp { address, store: app.store, keys: app.keys, client: reqwest::Client::new(), sqlite_file }
    }

    /// A service already running at `address` on the database at `url` (another process),
    /// verifying tokens with [`TEST_SECRET`].
    pub async fn running_at(address: String, url: &str) -> TestApp {
        let store = Store::connect(url, 2).await.expect("connect to the service's database");
        let keys = TokenKeys::hs256(TEST_SECRET.as_bytes(), None, None).expect("keys");
        TestApp { address, store, keys: std::sync::Arc::new(keys), client: reqwest::Client::new(), sqlite_file: None }
    }

    /// A valid token for `org` with `roles` (names as in the token: "ADMIN", ...).
    pub fn token(&self, org: &str, roles: &[&str]) -> String {
        let roles: Vec<Role> = roles.iter().map(|role| role.parse().expect("role name")).collect();
        self.keys.issue(org, "tester", &roles, None, chrono::Duration::hours(1)).expect("sign")
    }

    /// A session acting with one role in `org`.
    pub fn as_role(&self, org: &str, role: Role) -> Session<'_> {
        let token = self.keys.issue(
            org,
            &format!("{}-user", role.as_str().to_lowercase()),
            &[role],
            None,
            chrono::Duration::hours(1),
        );
        Session { app: self, token: token.expect("sign") }
    }

    /// An admin of `org`.
    pub fn as_admin(&self, org: &str) -> Session<'_> {
        self.as_role(org, Role::Admin)
    }

    /// A coordinator of `org`.
    pub fn as_coordinator(&self, org: &str) -> Session<'_> {
        self.as_role(org, Role::Coordinator)
    }

    /// A participant of `org` who is the person with `employee_id`.
    pub fn as_participant(&self, org: &str, employee_id: &str) -> Session<'_> {
        let token =
            self.keys.issue(org, employee_id, &[Role::Participant], Some(employee_id), chrono::Duration::hours(1));
        Session { app: self, token: token.expect("sign") }
    }

    /// A session with a raw bearer token (or none).
    pub fn with_token(&self, token: &str) -> Session<'_> {
        Session { app: self, token: token.to_owned() }
    }

    /// POSTs a GraphQL request with an optional bearer token; returns status and body.
    pub async fn post_graphql(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .header("accept", "application/graphql-response+json, application/json;q=0.9")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("POST /graphql");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }

    /// Moves the start of `org`'s relationships `days` back, as if they had run that long
    /// (meetings are dated within a relationship's days, so tests that log past meetings need it).
    pub async fn backdate_relationships(&self, org: &str, days: i64) {
        use reverse_mentoring::store::entity::matched_pair;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
        let db = self.store.connection();
        let rows =
            matched_pair::Entity::find().filter(matched_pair::Column::OrgId.eq(org)).all(db).await.expect("matches");
        for row in rows {
            let Some(start) = row.started_on else { continue };
            let mut active = row.into_active_model();
            active.started_on = Set(Some(start - chrono::Duration::days(days)));
            active.update(db).await.expect("backdate a relationship");
        }
    }

    /// Writes a meeting of relationship `match_id` straight to the database, held at `held_at`
    /// (history the API would date today).
    pub async fn insert_meeting(
        &self,
        org: &str,
        match_id: i64,
        held_at: chrono::DateTime<chrono::Utc>,
        minutes: i32,
    ) -> i64 {
        use reverse_mentoring::store::entity::meeting;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        meeting::ActiveModel {
            org_id: Set(org.into()),
            match_id: Set(match_id),
            held_at: Set(held_at),
            minutes: Set(minutes),
            format: Set("VIDEO".into()),
            agenda: Set(String::new()),
            notes: Set(String::new()),
            action_items: Set("[]".into()),
            logged_by: Set("history".into()),
            version: Set(1),
            created_at: Set(held_at),
            updated_at: Set(held_at),
            ..Default::default()
        }
        .insert(self.store.connection())
        .await
        .expect("meeting")
        .id
    }

    /// Writes a feedback answer of `respondent` in relationship `match_id` straight to the
    /// database, given at `at`; returns its row id.
    pub async fn insert_answer(
        &self,
        org: &str,
        match_id: i64,
        respondent: i64,
        at: chrono::DateTime<chrono::Utc>,
        (satisfaction, confidence): (i16, i16),
    ) -> i64 {
        use reverse_mentoring::store::entity::feedback;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        feedback::ActiveModel {
            org_id: Set(org.into()),
            match_id: Set(match_id),
            respondent_person_id: Set(respondent),
            period: Set(at.format("%Y-%m").to_string()),
            satisfaction: Set(satisfaction),
            confidence: Set(confidence),
            comment: Set(String::new()),
            submitted_at: Set(at),
            ..Default::default()
        }
        .insert(self.store.connection())
        .await
        .expect("feedback")
        .id
    }

    /// GETs a path; returns status and body text.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self.client.get(format!("{}{path}", self.address)).send().await.expect("GET");
        (response.status().as_u16(), response.text().await.expect("body"))
    }
}

/// The row number inside a global id (tests that write history straight to the database need it).
pub fn row_number(id: &str) -> i64 {
    use base64::Engine;
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(id).expect("base64");
    let decoded = String::from_utf8(decoded).expect("utf-8");
    decoded.rsplit_once(':').and_then(|(_, n)| n.parse().ok()).expect("number")
}

/// Someone calling the API with one token.
pub struct Session<'a> {
    /// The service.
    pub app: &'a TestApp,
    /// Their bearer token.
    pub token: String,
}

impl Session<'_> {
    /// Runs a GraphQL document.
    pub async fn gql(&self, query: &str, variables: Value) -> Gql {
        let (status, body) = self.app.post_graphql(Some(&self.token), query, variables).await;
        Gql { status, body }
    }
}

/// A GraphQL response.
#[derive(Debug)]
pub struct Gql {
    /// HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: Value,
}

impl Gql {
    /// The data, asserting there were no errors.
    pub fn data(&self) -> &Value {
        assert!(self.body.get("errors").is_none(), "unexpected errors: {}", self.body);
        assert_eq!(self.status, 200, "{}", self.body);
        &self.body["data"]
    }

    /// The first error's `extensions.code`.
    pub fn code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }

    /// The first error's message.
    pub fn message(&self) -> &str {
        self.body["errors"][0]["message"].as_str().unwrap_or("")
    }

    /// Asserts the first error has `code` and a message containing `words`.
    #[track_caller]
    pub fn assert_error(&self, code: &str, words: &str) {
        assert_eq!(self.code(), Some(code), "expected {code}: {}", self.body);
        assert!(self.message().contains(words), "message should mention {words:?}: {}", self.body);
    }
}
