//! Tokens from a real OpenID provider (npm oauth2-mock-server on 127.0.0.1): RS256 and ES256
//! checked against its JWKS found through discovery, claims mapped as configured, key rotation
//! without a restart, and every way a token can be wrong.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use jsonwebtoken::Algorithm;
use reverse_mentoring::auth::{ClaimMap, ClaimPath, ProviderSettings};
use reverse_mentoring::config::AuthMode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use crate::common::TestApp;

const AUDIENCE: &str = "mentoring-api";
const VIEWER: &str = "{ viewer { org subject roles } }";

/// The provider process and its command line (see tests/oidc/provider.mjs).
struct Provider {
    issuer: String,
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Provider {
    /// Starts the provider, or None (the test skips) when node or the package is missing.
    async fn start() -> Option<Provider> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        if !root.join("tests/oidc/node_modules/oauth2-mock-server").is_dir() {
            crate::common::skip_without(
                "REQUIRE_OIDC_TESTS",
                "oauth2-mock-server is missing (npm ci --prefix tests/oidc)",
            );
            return None;
        }
        let mut child = Command::new("node")
            .arg(root.join("tests/oidc/provider.mjs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start node tests/oidc/provider.mjs");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = stdout.next_line().await.expect("read").expect("the provider prints its issuer");
        let started: Value = serde_json::from_str(&first).expect("JSON");
        let issuer = started["issuer"].as_str().expect("issuer").to_owned();
        Some(Provider { issuer, child, stdin, stdout })
    }

    async fn command(&mut self, command: Value) -> Value {
        self.stdin.write_all(format!("{command}\n").as_bytes()).await.expect("write");
        let line = self.stdout.next_line().await.expect("read").expect("an answer");
        let answer: Value = serde_json::from_str(&line).expect("JSON");
        assert!(answer.get("error").is_none(), "{command} -> {answer}");
        answer
    }

    /// A token signed with the key `kid`, with `claims` over a valid default set.
    async fn token(&mut self, kid: &str, claims: Value) -> String {
        let mut all = json!({ "sub": "u-1", "aud": AUDIENCE, "org": "acme", "groups": ["mentoring-admins"] });
        for (name, value) in claims.as_object().expect("claims object") {
            all[name] = value.clone();
        }
        let answer = self.command(json!({ "cmd": "token", "kid": kid, "claims": all, "expiresIn": 600 })).await;
        answer["token"].as_str().expect("token").to_owned()
    }

    fn settings(&self) -> ProviderSettings {
        ProviderSettings {
            issuer: self.issuer.clone(),
            jwks_url: None,
            algorithms: vec![Algorithm::RS256, Algorithm::ES256],
            refresh: Duration::from_secs(900),
            min_refetch: Duration::from_millis(500),
        }
    }
}

/// Okta's way: organisation in `org`, roles as `groups` names mapped to the service's roles.
fn okta_claims() -> ClaimMap {
    ClaimMap {
        roles: ClaimPath::parse("groups").unwrap(),
        role_names: ClaimMap::parse_role_names("mentoring-admins=ADMIN").unwrap(),
        ..ClaimMap::standard()
    }
}

async fn app_for(settings: ProviderSettings, claims: ClaimMap) -> TestApp {
    TestApp::spawn_with(move |config| {
        config.auth = AuthMode::Provider { settings, claims };
        config.jwt_audience = Some(AUDIENCE.into());
    })
    .await
}

async fn refused(app: &TestApp, token: &str, words: &str) {
    let (status, body) = app.post_graphql(Some(token), VIEWER, json!({})).await;
    assert_eq!(status, 401, "{words}: {body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains(words), "{message:?} should mention {words:?}");
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn rs256_and_es256_tokens_of_the_provider_name_the_viewer() {
    let Some(mut provider) = Provider::start().await else { return };
    let app = app_for(provider.settings(), okta_claims()).await;
    for kid in ["rsa-1", "ec-1"] {
        let token = provider.token(kid, json!({ "employee_id": "E7" })).await;
        let (status, body) = app.post_graphql(Some(&token), VIEWER, json!({})).await;
        assert_eq!(status, 200, "{kid}: {body}");
        assert_eq!(body["data"]["viewer"], json!({ "org": "acme", "subject": "u-1", "roles": ["ADMIN"] }), "{kid}");
    }
}

#[tokio::test]
async fn entra_and_keycloak_claims_work_by_configuration_alone() {
    let Some(mut provider) = Provider::start().await else { return };
    let entra = ClaimMap {
        org: ClaimPath::parse("tid").unwrap(),
        employee_id: ClaimPath::parse("employeeid").unwrap(),
        role_names: ClaimMap::parse_role_names("Mentoring.Coordinator=COORDINATOR").unwrap(),
        ..ClaimMap::standard()
    };
    let app = app_for(provider.settings(), entra).await;
    let claims =
        json!({ "tid": "7f1c0d2e-tenant", "org": null, "roles": ["Mentoring.Coordinator"], "employeeid": "E9" });
    let token = provider.token("rsa-1", claims).await;
    let (_, body) = app.post_graphql(Some(&token), VIEWER, json!({})).await;
    assert_eq!(body["data"]["viewer"], json!({ "org": "7f1c0d2e-tenant", "subject": "u-1", "roles": ["COORDINATOR"] }));

    let keycloak = ClaimMap { roles: ClaimPath::parse("realm_access.roles").unwrap(), ..ClaimMap::standard() };
    let app = app_for(provider.settings(), keycloak).await;
    let token = provider.token("ec-1", json!({ "realm_access": { "roles": ["analyst", "offline_access"] } })).await;
    let (_, body) = app.post_graphql(Some(&token), VIEWER, json!({})).await;
    assert_eq!(body["data"]["viewer"], json!({ "org": "acme", "subject": "u-1", "roles": ["ANALYST"] }));
}

#[tokio::test]
async fn every_kind_of_wrong_token_is_unauthenticated() {
    let Some(mut provider) = Provider::start().await else { return };
    let app = app_for(provider.settings(), okta_claims()).await;
    let now = chrono::Utc::now().timestamp();

    let rsa = provider.token("rsa-1", json!({})).await;
    let ec = provider.token("ec-1", json!({ "org": "globex" })).await;
    let rsa_parts: Vec<&str> = rsa.split('.').collect();
    let ec_parts: Vec<&str> = ec.split('.').collect();
    // acme's claims under the signature of globex's token.
    let swapped = format!("{}.{}.{}", ec_parts[0], rsa_parts[1], ec_parts[2]);
    refused(&app, &swapped, "signature").await;

    refused(&app, &provider.token("rsa-1", json!({ "iss": "http://127.0.0.1:1/other" })).await, "wrong issuer").await;
    refused(&app, &provider.token("rsa-1", json!({ "aud": "another-api" })).await, "wrong audience").await;
    refused(&app, &provider.token("rsa-1", json!({ "aud": null })).await, "aud").await;
    refused(&app, &provider.token("ec-1", json!({ "exp": now - 120 })).await, "expired").await;
    refused(&app, &provider.token("ec-1", json!({ "nbf": now + 3600 })).await, "not valid yet").await;

    let none = format!("{}.{}.", b64(br#"{"alg":"none","typ":"JWT","kid":"rsa-1"}"#), rsa_parts[1]);
    refused(&app, &none, "").await;

    // HS/RS confusion: an HS256 token whose "secret" is the provider's public RSA key.
    let jwks = provider.command(json!({ "cmd": "jwks" })).await;
    let public = jwks["jwks"]["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|key| key["kid"] == "rsa-1"))
        .expect("rsa-1 is published")
        .to_string();
    let mut header = jsonwebtoken::Header::new(Algorithm::HS256);
    header.kid = Some("rsa-1".into());
    let claims = json!({ "sub": "u-1", "aud": AUDIENCE, "iss": provider.issuer, "org": "acme", "exp": now + 600 });
    let confused = jsonwebtoken::encode(&header, &claims, &jsonwebtoken::EncodingKey::from_secret(public.as_bytes()))
        .expect("sign");
    refused(&app, &confused, "only RS256, ES256 tokens are accepted").await;

    // The ES256 key's kid on an RS256 signature: each key is used with its own algorithm only.
    let mismatched =
        format!("{}.{}.{}", b64(br#"{"alg":"RS256","typ":"JWT","kid":"ec-1"}"#), rsa_parts[1], rsa_parts[2]);
    refused(&app, &mismatched, "not used with RS256").await;
    refused(&app, &provider.token("rsa-1", json!({ "sub": null })).await, "sub claim").await;
}

#[tokio::test]
async fn a_new_signing_key_is_picked_up_without_a_restart() {
    let Some(mut provider) = Provider::start().await else { return };
    let app = app_for(provider.settings(), okta_claims()).await;
    let before = provider.token("ec-1", json!({})).await;
    assert_eq!(app.post_graphql(Some(&before), VIEWER, json!({})).await.0, 200, "keys loaded");

    provider.command(json!({ "cmd": "rotate", "alg": "ES256", "kid": "ec-2" })).await;
    let rotated = provider.token("ec-2", json!({})).await;
    // The first token with the new kid may fall within the refetch interval of the first load.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (status, body) = app.post_graphql(Some(&rotated), VIEWER, json!({})).await;
    assert_eq!(status, 200, "the unknown kid fetched the keys again: {body}");

    // A kid the provider never published is refused, and causes no fetch storm: the next
    // fetch waits for the interval, so every one of these is a quick refusal.
    let forged = format!("{}.{}.{}", b64(br#"{"alg":"ES256","typ":"JWT","kid":"ec-9"}"#), "e30", "AAAA");
    let started = std::time::Instant::now();
    for _ in 0..20 {
        refused(&app, &forged, "unknown key").await;
    }
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn the_last_good_keys_stay_while_the_provider_is_down() {
    let Some(mut provider) = Provider::start().await else { return };
    let app = app_for(provider.settings(), okta_claims()).await;
    let token = provider.token("rsa-1", json!({})).await;
    let unknown = format!("{}.{}.{}", b64(br#"{"alg":"RS256","typ":"JWT","kid":"rsa-7"}"#), "e30", "AAAA");
    assert_eq!(app.post_graphql(Some(&token), VIEWER, json!({})).await.0, 200);

    provider.child.kill().await.expect("stop the provider");
    tokio::time::sleep(Duration::from_millis(600)).await;
    refused(&app, &unknown, "unknown key").await;
    let (status, body) = app.post_graphql(Some(&token), VIEWER, json!({})).await;
    assert_eq!(status, 200, "verified with the keys fetched before: {body}");

    // A replica that never reached the provider cannot verify anything: it says so.
    let fresh = app_for(provider.settings(), okta_claims()).await;
    let (status, body) = fresh.post_graphql(Some(&token), VIEWER, json!({})).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE", "{body}");
}

#[tokio::test]
async fn production_and_development_settings_do_not_mix() {
    let bin = env!("CARGO_BIN_EXE_reverse-mentoring");
    let dir = std::env::temp_dir().join(format!("rm-oidc-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[("JWT_ORG_CLAIM", "tid")], "JWT_ORG_CLAIM is an identity-provider setting"),
        (
            &[("OIDC_ISSUER", "https://login.example/"), ("JWT_AUDIENCE", "api"), ("JWT_SECRET", &"s".repeat(40))],
            "exclude each other",
        ),
        (&[("OIDC_ISSUER", "https://login.example/")], "needs JWT_AUDIENCE"),
        (
            &[("OIDC_ISSUER", "https://login.example/"), ("JWT_AUDIENCE", "api"), ("JWT_ALGORITHMS", "RS256,HS256")],
            "'HS256' is not an asymmetric",
        ),
        (&[("OIDC_ISSUER", "https://login.example/"), ("JWT_AUDIENCE", "api")], "this service signs none"),
    ];
    for (index, (environment, words)) in cases.iter().enumerate() {
        // The first four would start the service if their settings were accepted.
        let args: &[&str] = if index < 4 {
            &["serve", "--bind", "127.0.0.1:0"]
        } else {
            &["token", "--org", "acme", "--role", "admin", "--sub", "x"]
        };
        let run = Command::new(bin)
            .args(args)
            .current_dir(&dir)
            .env_remove("DATABASE_URL")
            .env_remove("JWT_SECRET")
            .env_remove("OIDC_ISSUER")
            .env_remove("JWT_AUDIENCE")
            .envs(environment.iter().copied())
            .kill_on_drop(true)
            .output();
        let output =
            tokio::time::timeout(Duration::from_secs(20), run).await.expect("it refuses at once").expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success() && stderr.contains(words), "{environment:?}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
