//! End to end: `proposeMatches` over HTTP for a 5,000 mentor + 5,000 mentee program whose
//! scores come from an 8-skill catalogue (so most pairs tie), with the department and
//! reporting-line rules on, timed from request to response (the store's reads, the
//! engine, the writes, the JSON).
//!
//! `cargo bench --bench propose_matches` runs it on a fresh SQLite file;
//! `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench propose_matches`
//! on a fresh PostgreSQL database created beside that one. `PROPOSE_BENCH_SIDE=1000` sets
//! the number of mentors (and of mentees).

use std::time::Instant;

use chrono::Utc;
use reverse_mentoring::auth::Role;
use reverse_mentoring::config::{AuthMode, Config};
use reverse_mentoring::store::entity::{person, person_skill, skill};
use sea_orm::{ActiveValue::Set, DatabaseConnection};
use serde_json::json;
use support::insert;

mod support;

const SKILLS: usize = 8;
const ORG: &str = "bench";

struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % sides
    }
}

/// Mentors and mentees in each program side.
fn side() -> usize {
    std::env::var("PROPOSE_BENCH_SIDE").ok().and_then(|s| s.parse().ok()).unwrap_or(5_000)
}

/// `2 * side` people in 8 departments with two levels of managers, 8 skills, 3 offers
/// and 3 wants each, one program with the department and reporting-line rules.
async fn seed(db: &DatabaseConnection, side: usize) -> i64 {
    let now = Utc::now();
    let mut dice = Dice(42);
    // Teams of 100 under a head, heads under the head of their 1,000.
    let manager = |n: usize| match (n % 100, n % 1000) {
        (0, 0) => None,
        (0, _) => Some(n - n % 1000),
        _ => Some(n - n % 100),
    };
    let people: Vec<person::ActiveModel> = (0..2 * side)
        .map(|n| {
            let senior = n >= side;
            person::ActiveModel {
                org_id: Set(ORG.into()),
                employee_id: Set(format!("B{n:05}")),
                name: Set(format!("Person {n}")),
                department: Set(Some(format!("Dept {}", n % 8))),
                level: Set(if senior { 8 + dice.roll(7) as i32 } else { 1 + dice.roll(4) as i32 }),
                manager_employee_id: Set(manager(n).map(|m| format!("B{m:05}"))),
                generation: Set(Some(if senior { "GEN_X" } else { "GEN_Z" }.into())),
                employment_status: Set("ACTIVE".into()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    insert::<person::Entity>(db, people).await;
    let skills = (0..SKILLS).map(|n| skill::ActiveModel {
        org_id: Set(ORG.into()),
        name: Set(format!("Skill {n}")),
        name_key: Set(format!("skill {n}")),
        category: Set(if n < SKILLS / 2 { "TECHNOLOGY" } else { "BUSINESS" }.into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    });
    insert::<skill::Entity>(db, skills.collect()).await;
    let mut links = Vec::new();
    for n in 0..2 * side {
        let senior = n >= side;
        for (relation, junior_side) in [("OFFERS", !senior), ("WANTS", senior)] {
            let base = if junior_side { 0 } else { SKILLS / 2 };
            for k in 0..3 {
                links.push(person_skill::ActiveModel {
                    org_id: Set(ORG.into()),
                    person_id: Set(n as i64 + 1),
                    skill_id: Set((base + (n * 7 + k * 5) % (SKILLS / 2)) as i64 + 1),
                    relation: Set(relation.into()),
                    strength: Set(1 + dice.roll(5) as i16),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                });
            }
        }
    }
    insert::<person_skill::Entity>(db, links).await;
    let rules = r#"{"different_department":true,"reporting_line_depth":2}"#;
    support::seed_program(db, ORG, "ENROLLING", rules, side).await
}

#[tokio::main]
async fn main() {
    let (url, backend, cleanup) = support::fresh_database("rm_bench").await;
    let config = Config::new(url, AuthMode::SharedSecret { secret: "bench-secret-that-is-at-least-32-bytes".into() });
    let app = reverse_mentoring::build(config).await.expect("build");
    let side = side();
    let program = seed(app.store.connection(), side).await;
    let token = app.keys.issue(ORG, "bench", &[Role::Coordinator], None, chrono::Duration::hours(1)).expect("token");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app.router).await });

    let id = base64_id(program);
    let client = reqwest::Client::new();
    let query = "mutation($p: ID!) { proposeMatches(programId: $p) { matchedCount totalScore unmatched { reason } } }";
    for run in 1..=3 {
        let started = Instant::now();
        let response = support::post_graphql(&client, address, &token, query, json!({ "p": id })).await;
        let seconds = started.elapsed().as_secs_f64();
        let payload = &response["data"]["proposeMatches"];
        assert!(response.get("errors").is_none(), "{response}");
        println!(
            "proposeMatches {side}+{side} on {backend}: run {run}: {seconds:.3} s (matched={}, total={}, unmatched={})",
            payload["matchedCount"],
            payload["totalScore"],
            payload["unmatched"].as_array().map_or(0, Vec::len)
        );
    }
    support::drop_database(cleanup).await;
}

fn base64_id(id: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Program:{id}"))
}
