//! Training records at the size the LMS issue names: about 100,000 xAPI statements (16,700
//! relationships with two meetings each, both people attending, and every accepted enrolment),
//! derived through the service's own path (`deriveTrainingRecords`), then pulled over HTTP the
//! way an LRS client does: `GET /xapi/statements?ascending=true&limit=500`, following `more`.
//!
//! `cargo bench --bench xapi_pull` (SQLite) or with `BENCH_DATABASE_URL=postgres://...`;
//! `XAPI_BENCH_RELATIONSHIPS=1000` for a quick look. With `PUSH_LRS_URL` (and
//! `PUSH_LRS_USER`, `PUSH_LRS_PASSWORD`) it then pushes every statement to that LRS and times
//! it: `scripts/bench-lrs-push.sh` starts Ralph for that.

use std::time::Instant;

use chrono::Duration;
use reverse_mentoring::auth::Role;
use reverse_mentoring::config::{AuthMode, Config};
use serde_json::json;

mod support;

/// A page as a relaying client reads it: each statement checked as JSON and kept as received
/// (an LRS forwarding statements needs no tree of values).
#[derive(serde::Deserialize)]
struct Page {
    statements: Vec<Box<serde_json::value::RawValue>>,
    more: String,
}

#[tokio::main]
async fn main() {
    let relationships: usize =
        std::env::var("XAPI_BENCH_RELATIONSHIPS").ok().and_then(|text| text.parse().ok()).unwrap_or(16_700);
    let (url, backend, cleanup) = support::fresh_database("rm_bench_xapi").await;
    let mut config =
        Config::new(url.clone(), AuthMode::SharedSecret { secret: "bench-secret-that-is-at-least-32-bytes".into() });
    config.request_timeout = std::time::Duration::from_secs(600);
    config.rate_limit_per_token = 0;
    config.rate_limit_per_org = 0;
    config.lrs_push = Some(reverse_mentoring::push::PushSettings {
        interval: std::time::Duration::from_millis(50),
        timeout: std::time::Duration::from_secs(60),
        batch: 500,
    });
    let app = reverse_mentoring::build(config).await.expect("build");
    let program = support::seed_matches(app.store.connection(), relationships).await;
    let admin = app.keys.issue("acme", "bench", &[Role::Admin], None, Duration::hours(1)).expect("token");
    let lms = app.keys.issue("acme", "lms", &[Role::Lms], None, Duration::hours(1)).expect("token");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app.router).await });
    let client = reqwest::Client::new();

    let derive = "mutation($p: ID!) { deriveTrainingRecords(programId: $p) }";
    let started = Instant::now();
    let answer = support::post_graphql(&client, address, &admin, derive, json!({ "p": program })).await;
    let seconds = started.elapsed().as_secs_f64();
    let appended = answer["data"]["deriveTrainingRecords"].as_u64().unwrap_or_else(|| panic!("{answer}"));
    println!(
        "derived {appended} statements from {relationships} relationships on {backend} in {seconds:.1} s ({:.0} statements/s)",
        appended as f64 / seconds
    );

    let mut rates = Vec::new();
    for run in 0..3 {
        let started = Instant::now();
        let (mut pulled, mut pages, mut next) =
            (0usize, 0usize, "/xapi/statements?ascending=true&limit=500".to_owned());
        loop {
            let page: Page = client
                .get(format!("http://{address}{next}"))
                .bearer_auth(&lms)
                .header("X-Experience-API-Version", "1.0.3")
                .send()
                .await
                .expect("GET")
                .json()
                .await
                .expect("json");
            pulled += page.statements.len();
            pages += 1;
            if page.more.is_empty() {
                break;
            }
            next = page.more;
        }
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(pulled as u64, appended, "every statement pulled once");
        rates.push(pulled as f64 / seconds);
        println!(
            "pull {run}: {pulled} statements in {pages} pages of 500 on {backend} in {seconds:.2} s ({:.0} statements/s, each statement parsed as JSON by the client)",
            pulled as f64 / seconds
        );
    }
    rates.sort_by(f64::total_cmp);
    println!("median pull rate on {backend}: {:.0} statements/s (target 50,000)", rates[1]);
    if let Ok(lrs) = std::env::var("PUSH_LRS_URL") {
        push(&client, address, &admin, &lrs, appended).await;
    }
    support::drop_database(cleanup).await;
}

/// Sets the LRS as the organisation's push target and waits until it acknowledged everything.
async fn push(client: &reqwest::Client, address: std::net::SocketAddr, admin: &str, lrs: &str, statements: u64) {
    let user = std::env::var("PUSH_LRS_USER").unwrap_or_default();
    let password = std::env::var("PUSH_LRS_PASSWORD").unwrap_or_default();
    let set = "mutation($i: LrsPushTargetInput!) { setLrsPushTarget(input: $i) { queued } }";
    let input = json!({ "endpoint": lrs, "basic": { "username": user, "password": password } });
    let started = Instant::now();
    let answer = support::post_graphql(client, address, admin, set, json!({ "i": input })).await;
    assert!(answer["data"]["setLrsPushTarget"]["queued"].is_u64(), "{answer}");
    let status = "{ lrsPush { queued lastError } }";
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let answer = support::post_graphql(client, address, admin, status, json!({})).await;
        let push = &answer["data"]["lrsPush"];
        if let Some(error) = push["lastError"].as_str() {
            panic!("the LRS refused a batch: {error}");
        }
        if push["queued"] == 0 {
            break;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "pushed {statements} statements to {lrs} in batches of 500 in {seconds:.1} s ({:.0} statements/s)",
        statements as f64 / seconds
    );
}
