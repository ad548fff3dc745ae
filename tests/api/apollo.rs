//! A real Apollo Client (npm `@apollo/client`) sends automatic persisted queries, by POST and
//! by GET, and the allow-list mode runs only the operations of a manifest.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::TestApp;

/// Runs `tests/apollo/apq.mjs` against a fresh service; `None` when Node or the package is missing.
async fn apollo_exchange(method: &str) -> Option<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let node = Command::new("node").arg("--version").output().is_ok_and(|output| output.status.success());
    if !node || !root.join("tests/apollo/node_modules/@apollo/client").is_dir() {
        crate::common::skip_without(
            "REQUIRE_CLIENT_TESTS",
            "node or @apollo/client is missing (npm ci --prefix tests/apollo)",
        );
        return None;
    }
    let app = TestApp::spawn().await;
    let url = format!("{}/graphql", app.address);
    let token = app.token("acme", &["ADMIN"]);
    let script = root.join("tests/apollo/apq.mjs");
    let method_arg = method.to_owned();
    // The service runs on this test's runtime: wait for node on another thread.
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node").arg(script).arg(url).arg(token).arg(method_arg).output()
    })
    .await
    .expect("join")
    .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{method}: {stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    Some(serde_json::from_str(&stdout).expect("the script prints JSON"))
}

#[tokio::test]
async fn apollo_client_misses_once_then_sends_the_hash_alone_by_post() {
    let Some(exchange) = apollo_exchange("post").await else { return };
    assert_eq!(exchange["org"], "acme");
    let methods: Vec<&Value> = exchange["wire"].as_array().expect("wire").iter().map(|call| &call["method"]).collect();
    assert_eq!(methods, [&json!("POST"), &json!("POST"), &json!("POST")]);
    assert_eq!(exchange["wire"][0]["answer"]["errors"][0]["message"], "PersistedQueryNotFound");
}

#[tokio::test]
async fn apollo_client_sends_hashed_queries_by_get() {
    let Some(exchange) = apollo_exchange("get").await else { return };
    let methods: Vec<&Value> = exchange["wire"].as_array().expect("wire").iter().map(|call| &call["method"]).collect();
    // The miss and the hit go by GET; the text that registers the hash goes by POST.
    assert_eq!(methods, [&json!("GET"), &json!("POST"), &json!("GET")]);
}

#[tokio::test]
async fn the_allow_list_runs_only_the_manifest_operations() {
    let allowed = "query Org { viewer { org } }";
    let id = hex::encode(Sha256::digest(allowed.as_bytes()));
    let manifest = json!({ "format": "apollo-persisted-query-manifest", "version": 1,
        "operations": [{ "id": id, "name": "Org", "type": "query", "body": allowed }] });
    let file = std::env::temp_dir().join(format!("rm-manifest-{}.json", std::process::id()));
    std::fs::write(&file, manifest.to_string()).expect("write the manifest");
    let app = TestApp::spawn_with(|config| config.persisted_query_manifest = Some(file.clone())).await;
    let admin = app.as_admin("acme");
    assert_eq!(admin.gql(allowed, json!({})).await.data()["viewer"]["org"], "acme");
    let by_hash = reqwest::Client::new()
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&admin.token)
        .json(&json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": id } } }))
        .send()
        .await
        .expect("POST");
    let body: Value = by_hash.json().await.expect("JSON");
    assert_eq!(body["data"]["viewer"]["org"], "acme", "{body}");
    admin.gql("{ viewer { roles } }", json!({})).await.assert_error("FORBIDDEN", "allow-list");
    std::fs::remove_file(&file).ok();
}
