//! Latency of the nested read a coordinator's dashboard makes: a program's 500 matches with both
//! people and their skills, meetings, learnings and feedback, over HTTP against the real router.
//!
//! `cargo bench --bench nested_query` (SQLite) or with `BENCH_DATABASE_URL=postgres://...`
//! (a fresh PostgreSQL database, dropped afterwards).

use std::time::Instant;

use reverse_mentoring::auth::Role;
use reverse_mentoring::config::{AuthMode, Config};
use serde_json::json;

mod support;

const MATCHES: usize = 500;
const RUNS: usize = 20;
const NESTED: &str = "query($p: ID!) { program(id: $p) { matches(first: 500) { edges { node {
    status mentor { name skills { level skill { name } } } mentee { name skills { level skill { name } } }
    meetings { heldAt minutes format } learnings { skill { name } learner { name } } feedback { satisfaction } } } } } }";

#[tokio::main]
async fn main() {
    let (url, backend, cleanup) = support::fresh_database("rm_bench_nested").await;
    let mut config =
        Config::new(url, AuthMode::SharedSecret { secret: "bench-secret-that-is-at-least-32-bytes".into() });
    config.max_page_size = MATCHES as u64;
    // One page of every match with all its records: far over the default cost, on purpose.
    config.query_limits.max_cost = 1_000_000;
    let app = reverse_mentoring::build(config).await.expect("build");
    let program = support::seed_matches(app.store.connection(), MATCHES).await;
    let token = app.keys.issue("acme", "bench", &[Role::Coordinator], None, chrono::Duration::hours(1)).expect("token");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let store = app.store.clone();
    tokio::spawn(async move { axum::serve(listener, app.router).await });

    let client = reqwest::Client::new();
    let mut times = Vec::new();
    let mut statements = 0;
    for _ in 0..RUNS {
        let before = store.statements_run();
        let started = Instant::now();
        let response = support::post_graphql(&client, address, &token, NESTED, json!({ "p": program })).await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        statements = store.statements_run() - before;
        assert!(response.get("errors").is_none(), "{response}");
    }
    times.sort_by(f64::total_cmp);
    println!(
        "nested query, {MATCHES} matches on {backend}: median {:.1} ms, p90 {:.1} ms, min {:.1} ms over {RUNS} runs; {statements} SQL statements per request",
        times[RUNS / 2],
        times[RUNS * 9 / 10],
        times[0]
    );
    support::drop_database(cleanup).await;
}
