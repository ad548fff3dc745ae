//! Faults an operator meets: PostgreSQL stopped under the running service and started again,
//! and SIGTERM while a request is still arriving.

use std::time::{Duration, Instant};

use reverse_mentoring::auth::{Role, TokenKeys};
use serde_json::json;

use crate::common::cluster::PgCluster;
use crate::common::process::ServiceProcess;
use crate::common::{TEST_SECRET, TestApp};

/// Polls `/readyz` until it answers `status`; returns how long that took.
async fn readyz_becomes(app: &TestApp, status: u16, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if app.get("/readyz").await.0 == status {
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "/readyz did not answer {status} within {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn postgres_stopped_and_started_again_under_the_running_service() {
    let Some(cluster) = tokio::task::spawn_blocking(PgCluster::start).await.expect("join") else { return };
    let app = TestApp::spawn_on(cluster.url(), None, |_| {}).await;
    let admin = app.as_admin("acme");
    let before = admin.create_program("Before the outage").await;
    assert_eq!(app.get("/readyz").await.0, 200);

    let cluster = tokio::task::spawn_blocking(move || {
        cluster.stop_server();
        cluster
    })
    .await
    .expect("join");
    let noticed = readyz_becomes(&app, 503, Duration::from_secs(5)).await;
    assert!(noticed < Duration::from_secs(1), "/readyz said 503 after {noticed:?}");

    let started = Instant::now();
    let (status, body) = app
        .post_graphql(Some(&app.token("acme", &["ADMIN"])), "{ programs(first: 5) { nodes { name } } }", json!({}))
        .await;
    let took = started.elapsed();
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE", "{body}");
    assert!(took < Duration::from_millis(500), "refused at once, not after a pool timeout: {took:?}");
    let scim = app.get("/scim/v2/Users").await;
    assert_eq!(scim.0, 503, "{}", scim.1);
    assert!(scim.1.contains("urn:ietf:params:scim:api:messages:2.0:Error"), "SCIM's own error shape: {}", scim.1);

    let cluster = tokio::task::spawn_blocking(move || {
        cluster.start_server();
        cluster
    })
    .await
    .expect("join");
    readyz_becomes(&app, 200, Duration::from_secs(10)).await;
    // The pool's connections died with the server: they are replaced without a restart.
    let after = admin.create_program("After the outage").await;
    let names = admin.gql("{ programs(first: 5) { nodes { id name } } }", json!({})).await;
    let ids: Vec<&str> =
        names.data()["programs"]["nodes"].as_array().expect("nodes").iter().filter_map(|p| p["id"].as_str()).collect();
    assert!(ids.contains(&before.as_str()) && ids.contains(&after.as_str()), "{ids:?}");
    drop(cluster);
}

#[tokio::test]
async fn sigterm_finishes_the_request_in_flight_and_refuses_new_ones() {
    let mut service = ServiceProcess::start(&[("SHUTDOWN_GRACE_SECS", "20")]);
    service.ready().await;
    let (client, address) = (reqwest::Client::new(), service.address.clone());

    let keys = TokenKeys::hs256(TEST_SECRET.as_bytes(), None, None).expect("keys");
    let token = keys.issue("acme", "hr", &[Role::Admin], None, chrono::Duration::hours(1)).expect("sign");
    // The HRIS file arrives in two parts, with SIGTERM in between.
    let (parts, body) = futures::channel::mpsc::unbounded::<Result<Vec<u8>, std::io::Error>>();
    let upload = tokio::spawn(
        client
            .post(format!("{address}/imports/people"))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(reqwest::Body::wrap_stream(body))
            .send(),
    );
    parts.unbounded_send(Ok(b"employeeId,name\nE1,Ada\n".to_vec())).expect("first part");
    tokio::time::sleep(Duration::from_millis(300)).await;

    service.terminate().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = reqwest::Client::new().get(format!("{address}/healthz")).send().await;
    assert!(refused.is_err(), "a new connection after SIGTERM is refused: {refused:?}");

    parts.unbounded_send(Ok(b"E2,Grace\n".to_vec())).expect("second part");
    drop(parts);
    let response = upload.await.expect("join").expect("the request in flight is answered");
    assert_eq!(response.status(), 200);
    let report: serde_json::Value = response.json().await.expect("report");
    assert_eq!(report["created"], 2, "{report}");

    assert!(service.exits_cleanly().await);
}
