//! Outcome metrics at the size of a large company: 100,000 people over 20 departments, 40
//! programs, 20,000 relationships (the largest program 5,000), 1,000,000 meetings, 200,000
//! learnings and 60,000 feedback answers, with departures spread over three years. Times
//! `programMetrics` for the largest program (every figure and one breakdown) and `orgMetrics`
//! over all programs, over HTTP against the real router.
//!
//! `cargo bench --bench metrics` (SQLite) or with `BENCH_DATABASE_URL=postgres://...`;
//! `METRICS_BENCH_SCALE=0.1` seeds a tenth of everything for a quick look. To study the
//! statements, `METRICS_BENCH_KEEP=1` seeds, prints the database's URL and stops, and
//! `METRICS_BENCH_REUSE=<url>` times against a database seeded that way.

use std::time::Instant;

use chrono::Duration;
use reverse_mentoring::auth::Role;
use reverse_mentoring::config::{AuthMode, Config};
use serde_json::json;

mod support;

use support::company::{Scale, seed};

const PROGRAM_METRICS: &str = "query($p: ID!) { programMetrics(programId: $p, asOf: \"2026-11-30\") {
  retention { observable retained rate byRole { rate } }
  matchedComparison { matched difference intervalLow intervalHigh crudeRate }
  cadence { meetings hours meetingsPerActiveMonth shareReachingTarget }
  skillsLearned { recorded confirmed learners bySide { learners } byCategory { learners } }
  satisfaction { answers averageSatisfaction }
  objectives { status }
  breakdown(by: DEPARTMENT) { key retention { rate } matchedComparison { difference } cadence { meetings }
    skillsLearned { confirmed } satisfaction { averageSatisfaction } } } }";
const ORG_METRICS: &str = "{ orgMetrics(asOf: \"2026-11-30\") {
  retention { rate } matchedComparison { difference } cadence { meetings } skillsLearned { confirmed }
  satisfaction { averageSatisfaction } } }";

fn rss_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|line| line.starts_with(field))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

async fn time(
    client: &reqwest::Client,
    address: std::net::SocketAddr,
    token: &str,
    query: &str,
    variables: serde_json::Value,
    runs: usize,
) -> (f64, f64) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let response = support::post_graphql(client, address, token, query, variables.clone()).await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(response.get("errors").is_none(), "{response}");
    }
    times.sort_by(f64::total_cmp);
    (times[runs / 2], times[runs - 1])
}

#[tokio::main]
async fn main() {
    let factor: f64 = std::env::var("METRICS_BENCH_SCALE").ok().and_then(|text| text.parse().ok()).unwrap_or(1.0);
    let scale = Scale::company(factor);
    let reuse = std::env::var("METRICS_BENCH_REUSE").ok();
    let keep = std::env::var("METRICS_BENCH_KEEP").is_ok();
    let (url, backend, cleanup) = match &reuse {
        Some(url) => (url.clone(), if url.starts_with("postgres") { "postgresql" } else { "sqlite" }, None),
        None => support::fresh_database("rm_bench_metrics").await,
    };
    let mut config =
        Config::new(url.clone(), AuthMode::SharedSecret { secret: "bench-secret-that-is-at-least-32-bytes".into() });
    config.request_timeout = std::time::Duration::from_secs(600);
    config.rate_limit_per_token = 0;
    let app = reverse_mentoring::build(config).await.expect("build");
    let seeding = Instant::now();
    let program = 1;
    if reuse.is_none() {
        seed(app.store.connection(), &scale).await;
    }
    if reuse.is_none() {
        println!(
            "seeded {} people, {} programs, {} relationships (largest {}), {} meetings, {} learnings, {} answers on {backend} in {:.0} s",
            scale.people,
            scale.programs,
            scale.relationships,
            scale.largest,
            scale.relationships * scale.meetings_each,
            scale.relationships * scale.learnings_each,
            scale.relationships * scale.answers_each,
            seeding.elapsed().as_secs_f64()
        );
    }
    if keep {
        println!("kept the seeded database: METRICS_BENCH_REUSE={url}");
        return;
    }
    let token = app.keys.issue("acme", "bench", &[Role::Analyst], None, Duration::hours(1)).expect("token");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app.router).await });
    let client = reqwest::Client::new();
    let rss_before = rss_mb("VmRSS:");
    use base64::Engine;
    let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Program:{program}"));
    let (p50, worst) = time(&client, address, &token, PROGRAM_METRICS, json!({ "p": id }), 9).await;
    println!(
        "programMetrics, largest program, every figure + DEPARTMENT breakdown on {backend}: p50 {p50:.0} ms, max {worst:.0} ms (9 runs)"
    );
    let (p50, worst) = time(&client, address, &token, ORG_METRICS, json!({}), 5).await;
    println!(
        "orgMetrics over all {} programs on {backend}: p50 {p50:.0} ms, max {worst:.0} ms (5 runs)",
        scale.programs
    );
    println!(
        "RSS {:.0} MB before the queries, {:.0} MB after (the process holds the bench client and the seeding's heap too)",
        rss_before,
        rss_mb("VmRSS:")
    );
    support::drop_database(cleanup).await;
}
