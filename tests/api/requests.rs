//! Malformed requests still get a GraphQL error with a code, never a bare 500.

use serde_json::json;

use crate::common::TestApp;

#[tokio::test]
async fn a_body_that_is_not_json_is_bad_input() {
    let app = TestApp::spawn().await;
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", app.address))
        .bearer_auth(app.token("acme", &["ADMIN"]))
        .header("content-type", "application/json")
        .body("{ not json")
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.expect("JSON body");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn syntax_errors_unknown_fields_and_over_deep_queries_are_bad_input() {
    let app = TestApp::spawn_with(|config| config.max_query_depth = 4).await;
    let admin = app.as_admin("acme");
    admin.gql("{ people { edges ", json!({})).await.assert_error("BAD_USER_INPUT", "");
    admin.gql("{ nonsense }", json!({})).await.assert_error("BAD_USER_INPUT", "nonsense");
    let deep = "{ programs { edges { node { enrollments { edges { node { id } } } } } } }";
    admin.gql(deep, json!({})).await.assert_error("BAD_USER_INPUT", "nested too deep");
}
