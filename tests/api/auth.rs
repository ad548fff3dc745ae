//! Authentication: only valid HS256 tokens get in; everything else is UNAUTHENTICATED.

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reverse_mentoring::auth::{Claims, Role, TokenKeys, load_or_create_secret};
use reverse_mentoring::config::AuthMode;
use serde_json::json;

use crate::common::{TEST_SECRET, TestApp};

const VIEWER: &str = "{ viewer { org roles } }";

fn claims(exp_offset: i64, nbf_offset: Option<i64>) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: "E1".into(),
        org: "acme".into(),
        roles: vec!["ADMIN".into()],
        employee_id: None,
        exp: now + exp_offset,
        iat: Some(now),
        nbf: nbf_offset.map(|offset| now + offset),
        iss: None,
        aud: None,
    }
}

fn sign(claims: &Claims, algorithm: Algorithm, secret: &str) -> String {
    encode(&Header::new(algorithm), claims, &EncodingKey::from_secret(secret.as_bytes())).expect("sign")
}

async fn assert_rejected(app: &TestApp, token: Option<&str>, words: &str) {
    let (status, body) = app.post_graphql(token, VIEWER, json!({})).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains(words), "{message:?} should mention {words:?}");
    assert!(body.get("data").is_none(), "nothing executed: {body}");
}

#[tokio::test]
async fn a_valid_token_names_the_viewer() {
    let app = TestApp::spawn().await;
    let token = sign(&claims(3600, None), Algorithm::HS256, TEST_SECRET);
    let (status, body) = app.post_graphql(Some(&token), VIEWER, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["viewer"], json!({ "org": "acme", "roles": ["ADMIN"] }));
}

#[tokio::test]
async fn bad_tokens_are_unauthenticated() {
    let app = TestApp::spawn().await;
    assert_rejected(&app, None, "bearer token").await;
    assert_rejected(&app, Some(&sign(&claims(-3600, None), Algorithm::HS256, TEST_SECRET)), "expired").await;
    assert_rejected(&app, Some(&sign(&claims(3600, Some(3600)), Algorithm::HS256, TEST_SECRET)), "not valid yet").await;
    let other_secret = "another-secret-that-is-also-32-bytes-long!";
    assert_rejected(&app, Some(&sign(&claims(3600, None), Algorithm::HS256, other_secret)), "signature").await;
    assert_rejected(&app, Some(&sign(&claims(3600, None), Algorithm::HS512, TEST_SECRET)), "HS256").await;
    assert_rejected(&app, Some("not.a.token"), "malformed").await;
    assert_rejected(&app, Some("garbage"), "malformed").await;
}

#[tokio::test]
async fn unsigned_alg_none_tokens_are_refused() {
    use base64::Engine;
    let app = TestApp::spawn().await;
    let b64 = |value: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string());
    let payload = serde_json::to_value(claims(3600, None)).expect("claims");
    let token = format!("{}.{}.", b64(json!({ "alg": "none", "typ": "JWT" })), b64(payload));
    assert_rejected(&app, Some(&token), "").await;
}

#[tokio::test]
async fn a_token_without_an_org_is_unauthenticated() {
    let app = TestApp::spawn().await;
    let mut without_org = claims(3600, None);
    without_org.org = " ".into();
    assert_rejected(&app, Some(&sign(&without_org, Algorithm::HS256, TEST_SECRET)), "org claim").await;
}

#[tokio::test]
async fn a_role_without_the_right_is_forbidden() {
    let app = TestApp::spawn().await;
    let response = app
        .as_role("acme", Role::Analyst)
        .gql(
            "mutation { createProgram(input: { name: \"X\", startsOn: \"2027-01-01\", endsOn: \"2027-02-01\" }) { id } }",
            json!({}),
        )
        .await;
    response.assert_error("FORBIDDEN", "COORDINATOR");
}

#[tokio::test]
async fn development_mode_keeps_its_secret_in_a_file_the_token_command_shares() {
    let dir = std::env::temp_dir().join(format!("rm-dev-secret-{}", std::process::id()));
    let secret_file = dir.join("service.db.jwt-secret");
    let _ = std::fs::remove_file(&secret_file);
    let app =
        TestApp::spawn_with(|config| config.auth = AuthMode::Development { secret_file: secret_file.clone() }).await;

    let secret = std::fs::read_to_string(&secret_file).expect("the service created the secret file");
    assert!(secret.len() >= 32, "secret is {} bytes", secret.len());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret_file).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o077, 0, "only the owner may read the secret");
    }
    // What `token` does: read the same file and sign with it.
    let keys = TokenKeys::hs256(&load_or_create_secret(&secret_file).expect("read"), None, None).expect("keys");
    let token =
        keys.issue("acme", "E1001", &[Role::Coordinator], Some("E1001"), chrono::Duration::hours(1)).expect("sign");
    let response = app.with_token(&token).gql(VIEWER, json!({})).await;
    assert_eq!(response.data()["viewer"]["roles"], json!(["COORDINATOR"]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn short_secrets_are_refused() {
    let error = TokenKeys::hs256(b"too-short", None, None).expect_err("refused");
    assert!(error.contains("at least 32 bytes"), "{error}");
}

#[tokio::test]
async fn both_exp_and_nbf_get_the_same_small_leeway() {
    let app = TestApp::spawn().await;
    let accepted = [claims(-20, None), claims(3600, Some(20))];
    for claims in accepted {
        let (status, body) =
            app.post_graphql(Some(&sign(&claims, Algorithm::HS256, TEST_SECRET)), VIEWER, json!({})).await;
        assert_eq!(status, 200, "within 30 s of skew: {body}");
    }
    assert_rejected(&app, Some(&sign(&claims(-60, None), Algorithm::HS256, TEST_SECRET)), "expired").await;
    assert_rejected(&app, Some(&sign(&claims(3600, Some(60)), Algorithm::HS256, TEST_SECRET)), "not valid yet").await;
}

#[tokio::test]
async fn critical_header_extensions_long_lives_and_unclean_orgs_are_refused() {
    let app = TestApp::spawn().await;
    let mut header = Header::new(Algorithm::HS256);
    header.crit = Some(vec!["exp-policy".into()]);
    let crit = encode(&header, &claims(3600, None), &EncodingKey::from_secret(TEST_SECRET.as_bytes())).expect("sign");
    assert_rejected(&app, Some(&crit), "critical header").await;
    let forever = Claims { exp: 253_402_300_799, ..claims(0, None) };
    assert_rejected(&app, Some(&sign(&forever, Algorithm::HS256, TEST_SECRET)), "lives longer than the 24 hours").await;
    let day = claims(24 * 3600, None);
    let (status, _) = app.post_graphql(Some(&sign(&day, Algorithm::HS256, TEST_SECRET)), VIEWER, json!({})).await;
    assert_eq!(status, 200, "exactly the maximum lifetime is fine");
    for org in [" acme", "acme ", "ac\tme", ""] {
        let token = sign(&Claims { org: org.into(), ..claims(3600, None) }, Algorithm::HS256, TEST_SECRET);
        assert_rejected(&app, Some(&token), "org claim").await;
    }
}
