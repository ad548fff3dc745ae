//! Health checks need no token; readiness reflects the database.

use crate::common::TestApp;

#[tokio::test]
async fn liveness_and_readiness_answer_without_a_token() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, 200);
    assert!(body.contains(r#""database":"ok""#), "{body}");
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.store.connection().clone().close().await.expect("close the pool");
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("unreachable"), "{body}");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let response = reqwest::get(format!("{}/healthz", app.address)).await.expect("GET");
    let id = response.headers().get("x-request-id").expect("x-request-id header");
    assert_eq!(id.to_str().expect("text").len(), 36, "a UUID");
}
