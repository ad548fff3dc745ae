//! GraphQL over HTTP as the spec and its clients expect: media types by `Accept`, request errors
//! 400 in the new media type, GET for queries only, JSON bodies only, a 413 that is a GraphQL
//! error, and cursors and ids that are never echoed whole nor accepted by the wrong list.

use serde_json::{Value, json};

use crate::common::TestApp;

struct Answer {
    status: u16,
    content_type: String,
    body: Value,
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body = response.json().await.unwrap_or(Value::Null);
    Answer { status, content_type, body }
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn the_response_media_type_follows_accept_and_request_errors_are_400_in_the_new_one() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let token = app.token("acme", &["ADMIN"]);
    let post = |accept: Option<&str>, query: &str| {
        let mut request =
            client.post(format!("{}/graphql", app.address)).bearer_auth(&token).json(&json!({ "query": query }));
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        request
    };
    let legacy = send(post(Some("application/json"), "{ viewer { org } }")).await;
    assert_eq!((legacy.status, legacy.content_type.as_str()), (200, "application/json; charset=utf-8"));
    assert_eq!(legacy.body["data"]["viewer"]["org"], "acme");
    let modern = send(post(Some("application/graphql-response+json"), "{ viewer { org } }")).await;
    assert_eq!(modern.content_type, "application/graphql-response+json; charset=utf-8");
    let invalid = send(post(Some("application/graphql-response+json"), "{ nonsense }")).await;
    assert_eq!((invalid.status, code(&invalid.body)), (400, "BAD_USER_INPUT"), "{}", invalid.body);
    assert!(invalid.body.get("data").is_none(), "a request error has no data: {}", invalid.body);
    let invalid = send(post(Some("application/json"), "{ nonsense }")).await;
    assert_eq!((invalid.status, code(&invalid.body)), (200, "BAD_USER_INPUT"), "legacy clients get 200");
    let unparsable = send(post(None, "{ viewer {")).await;
    assert_eq!((unparsable.status, unparsable.content_type.as_str()), (200, "application/json; charset=utf-8"));
}

#[tokio::test]
async fn a_body_without_a_json_content_type_is_never_executed() {
    let app = TestApp::spawn().await;
    let body = json!({ "query": "mutation { createSkill(input: { name: \"Go\", category: TECHNOLOGY }) { id } }" });
    for content_type in [None, Some("text/plain"), Some("application/x-www-form-urlencoded")] {
        let mut request =
            reqwest::Client::new().post(format!("{}/graphql", app.address)).bearer_auth(app.token("acme", &["ADMIN"]));
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let answer = send(request.body(body.to_string())).await;
        assert_eq!((answer.status, code(&answer.body)), (415, "BAD_USER_INPUT"), "{content_type:?}: {}", answer.body);
    }
    let skills = app.as_admin("acme").gql("{ skills { nodes { id } } }", json!({})).await;
    assert_eq!(skills.data()["skills"]["nodes"], json!([]), "nothing ran");
}

#[tokio::test]
async fn get_runs_queries_and_refuses_mutations_with_405() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let get = |query: &str| {
        client
            .get(format!("{}/graphql", app.address))
            .query(&[("query", query)])
            .bearer_auth(app.token("acme", &["ADMIN"]))
    };
    let read = send(get("{ viewer { org } }")).await;
    assert_eq!((read.status, &read.body["data"]["viewer"]["org"]), (200, &json!("acme")));
    let write = send(get("mutation { createSkill(input: { name: \"Go\", category: TECHNOLOGY }) { id } }")).await;
    assert_eq!((write.status, code(&write.body)), (405, "BAD_USER_INPUT"), "{}", write.body);
    let skills = app.as_admin("acme").gql("{ skills { nodes { id } } }", json!({})).await;
    assert_eq!(skills.data()["skills"]["nodes"], json!([]), "the mutation did not run");
}

#[tokio::test]
async fn an_oversized_body_is_a_413_graphql_error_with_or_without_a_content_length() {
    let app = TestApp::spawn_with(|config| config.body_limit_bytes = 64 * 1024).await;
    let big = json!({ "query": format!("{{ viewer {{ org }} }} # {}", "x".repeat(100 * 1024)) }).to_string();
    let request = || {
        reqwest::Client::new()
            .post(format!("{}/graphql", app.address))
            .bearer_auth(app.token("acme", &["ADMIN"]))
            .header("content-type", "application/json")
    };
    let sized = send(request().body(big.clone())).await;
    assert_eq!((sized.status, code(&sized.body)), (413, "BAD_USER_INPUT"), "{}", sized.body);
    assert!(sized.body["errors"][0]["message"].as_str().unwrap_or("").contains("over the limit of 65536 bytes"));
    let chunks: Vec<Result<String, std::io::Error>> =
        big.as_bytes().chunks(8 * 1024).map(|chunk| Ok(String::from_utf8_lossy(chunk).into_owned())).collect();
    let chunked = send(request().body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))).await;
    assert_eq!((chunked.status, code(&chunked.body)), (413, "BAD_USER_INPUT"), "{}", chunked.body);
}

#[tokio::test]
async fn cursors_belong_to_their_list_and_bad_input_is_never_echoed_whole() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    for name in ["Go", "Rust"] {
        admin.create_skill(name, "TECHNOLOGY").await;
    }
    let page = admin.gql("{ skills(first: 1) { pageInfo { endCursor } } }", json!({})).await;
    let cursor = page.data()["skills"]["pageInfo"]["endCursor"].clone();
    let next =
        admin.gql("query($c: String) { skills(first: 1, after: $c) { nodes { name } } }", json!({ "c": cursor })).await;
    assert_eq!(next.data()["skills"]["nodes"], json!([{ "name": "Rust" }]));
    admin
        .gql("query($c: String) { people(after: $c) { nodes { name } } }", json!({ "c": cursor }))
        .await
        .assert_error("BAD_USER_INPUT", "this cursor belongs to a list of Skill, not of Person");
    let huge = "A".repeat(100 * 1024);
    let bad = admin.gql("query($c: String) { people(after: $c) { nodes { name } } }", json!({ "c": huge })).await;
    bad.assert_error("BAD_USER_INPUT", "is not a cursor this service issued");
    assert!(bad.message().len() < 200, "the cursor is not echoed: {} bytes", bad.message().len());
    let id = admin.gql("query($id: ID!) { node(id: $id) { id } }", json!({ "id": huge })).await;
    id.assert_error("BAD_USER_INPUT", "is not an id this service issued");
    assert!(id.message().len() < 200, "the id is not echoed: {} bytes", id.message().len());
}

#[tokio::test]
async fn no_error_echoes_a_large_input_back() {
    let app = TestApp::spawn().await;
    let long = "A".repeat(100 * 1024);
    let client = reqwest::Client::new();
    let bodies = [
        json!({ "query": "{ viewer { org } }", "variables": long }).to_string(),
        json!({ "query": format!("{{ viewer {{ org }} }} {long}") }).to_string(),
        json!({ "query": format!("{{ viewer(x: \"{long}\") {{ org }} }}") }).to_string(),
    ];
    for body in bodies {
        let request = client
            .post(format!("{}/graphql", app.address))
            .bearer_auth(app.token("acme", &["ADMIN"]))
            .header("content-type", "application/json")
            .body(body);
        let answer = send(request).await;
        assert_eq!(code(&answer.body), "BAD_USER_INPUT", "{}", answer.body);
        let message = answer.body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(message.chars().count() <= 301, "{} characters echoed", message.chars().count());
    }
}
