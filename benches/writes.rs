//! The writes that form and run relationships, at the size of a large company: the issue #14
//! company (100,000 people, 40 programs, 20,000 relationships, the largest program 5,000, with
//! their meetings, learnings and answers) seeded straight into the database, then over HTTP
//! against the real router, each write timed on fresh people of the largest program:
//! `pairManually` and `approveMatch` (a coordinator), `requestMentor` (the mentee),
//! `acceptMatchRequest` (the mentor) and `logMeeting` (the mentor of a running relationship).
//!
//! `cargo bench --bench writes` (SQLite) or with `BENCH_DATABASE_URL=postgres://...`;
//! `WRITES_BENCH_SCALE=0.1` seeds a tenth of the company for a quick look.

use std::time::Instant;

use base64::Engine;
use chrono::{Duration, Utc};
use reverse_mentoring::auth::Role;
use reverse_mentoring::config::{AuthMode, Config};
use reverse_mentoring::store::entity::{enrollment, matched_pair, person};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::{Value, json};

mod support;

use support::company::{Scale, seed};

/// Writes timed per mutation.
const RUNS: usize = 25;
/// The largest program, where every write happens.
const PROGRAM: i64 = 1;

fn global_id(kind: &str, id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{id}"))
}

/// Enrols `person` in the largest program as ACCEPTED `role`; returns the enrolment's row id.
async fn enroll(db: &DatabaseConnection, person: i64, role: &str) -> i64 {
    enrollment::Entity::insert(support::accepted("acme", PROGRAM, person, role))
        .exec(db)
        .await
        .expect("enrol")
        .last_insert_id
}

/// A fresh mentor and mentee of the largest program: their enrolments, people and employee ids.
struct FreshPair {
    mentor: i64,
    mentee: i64,
    mentor_person: i64,
    mentee_person: i64,
    mentor_employee: String,
    mentee_employee: String,
}

/// `count` pairs of people employed today and in no program yet, enrolled as mentor and mentee.
async fn fresh_pairs(db: &DatabaseConnection, first_free: i64, count: usize) -> Vec<FreshPair> {
    let people = person::Entity::find()
        .filter(person::Column::Id.gt(first_free))
        .filter(person::Column::LeftOn.is_null())
        .order_by_asc(person::Column::Id)
        .limit(2 * count as u64)
        .all(db)
        .await
        .expect("people");
    assert_eq!(people.len(), 2 * count, "not enough people in no program");
    let mut pairs = Vec::with_capacity(count);
    for two in people.chunks(2) {
        pairs.push(FreshPair {
            mentor: enroll(db, two[0].id, "MENTOR").await,
            mentee: enroll(db, two[1].id, "MENTEE").await,
            mentor_person: two[0].id,
            mentee_person: two[1].id,
            mentor_employee: two[0].employee_id.clone(),
            mentee_employee: two[1].employee_id.clone(),
        });
    }
    pairs
}

/// Times `runs` requests, each made by `request(run)`; returns (p50, max) in milliseconds and
/// the answers.
async fn time<F, Fut>(runs: usize, mut request: F) -> ((f64, f64), Vec<Value>)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let mut times = Vec::with_capacity(runs);
    let mut answers = Vec::with_capacity(runs);
    for run in 0..runs {
        let started = Instant::now();
        let response = request(run).await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(response.get("errors").is_none(), "{response}");
        answers.push(response);
    }
    times.sort_by(f64::total_cmp);
    ((times[runs / 2], times[runs - 1]), answers)
}

#[tokio::main]
async fn main() {
    let factor: f64 = std::env::var("WRITES_BENCH_SCALE").ok().and_then(|text| text.parse().ok()).unwrap_or(1.0);
    let scale = Scale::company(factor);
    let (url, backend, cleanup) = support::fresh_database("rm_bench_writes").await;
    let mut config =
        Config::new(url.clone(), AuthMode::SharedSecret { secret: "bench-secret-that-is-at-least-32-bytes".into() });
    config.rate_limit_per_token = 0;
    let app = reverse_mentoring::build(config).await.expect("build");
    let db = app.store.connection();
    let seeding = Instant::now();
    seed(db, &scale).await;
    // Self-service as well as coordinator pairing in the largest program, any two people.
    db.execute_unprepared(&format!(
        "UPDATE programs SET matching_rules = '{{\"mode\": \"BOTH\", \"seniority\": \"NONE\"}}' WHERE id = {PROGRAM}"
    ))
    .await
    .expect("rules");
    println!(
        "seeded {} people, {} relationships (largest program {}) on {backend} in {:.0} s",
        scale.people,
        scale.relationships,
        scale.largest,
        seeding.elapsed().as_secs_f64()
    );
    let first_free = 2 * scale.relationships as i64;
    let manual = fresh_pairs(db, first_free, RUNS).await;
    let proposed = fresh_pairs(db, first_free + 4 * RUNS as i64, RUNS).await;
    let requested = fresh_pairs(db, first_free + 8 * RUNS as i64, RUNS).await;
    let now = Utc::now();
    let mut proposals = Vec::with_capacity(RUNS);
    for pair in &proposed {
        let row = matched_pair::ActiveModel {
            org_id: Set("acme".into()),
            program_id: Set(PROGRAM),
            mentor_enrollment_id: Set(pair.mentor),
            mentee_enrollment_id: Set(pair.mentee),
            mentor_person_id: Set(pair.mentor_person),
            mentee_person_id: Set(pair.mentee_person),
            status: Set("PROPOSED".into()),
            source: Set("ENGINE".into()),
            score: Set(500),
            explanation: Set("{}".into()),
            overridden_rules: Set("[]".into()),
            pair_objectives: Set("[]".into()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        proposals.push(matched_pair::Entity::insert(row).exec(db).await.expect("proposal").last_insert_id);
    }
    // Running relationships whose two people are still employed, and their mentors' employee ids.
    let mut running: Vec<(i64, String)> = Vec::with_capacity(RUNS);
    let active = matched_pair::Entity::find()
        .filter(matched_pair::Column::ProgramId.eq(PROGRAM))
        .filter(matched_pair::Column::Status.eq("ACTIVE"))
        .order_by_asc(matched_pair::Column::Id)
        .all(db)
        .await
        .expect("running");
    for row in active {
        let [mentor, mentee] = [row.mentor_person_id, row.mentee_person_id];
        let people = person::Entity::find()
            .filter(person::Column::Id.is_in([mentor, mentee]))
            .filter(person::Column::LeftOn.is_null())
            .all(db)
            .await
            .expect("people");
        if let (2, Some(mentor)) = (people.len(), people.iter().find(|person| person.id == mentor)) {
            running.push((row.id, mentor.employee_id.clone()));
        }
        if running.len() == RUNS {
            break;
        }
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let keys = app.keys.clone();
    tokio::spawn(async move { axum::serve(listener, app.router).await });
    let client = reqwest::Client::new();
    let coordinator = keys.issue("acme", "bench", &[Role::Coordinator], None, Duration::hours(1)).expect("token");
    let participant = |employee: &str| {
        keys.issue("acme", employee, &[Role::Participant], Some(employee), Duration::hours(1)).expect("token")
    };
    let program = global_id("Program", PROGRAM);
    let post = |token: String, query: &'static str, variables: Value| {
        let client = client.clone();
        async move { support::post_graphql(&client, address, &token, query, variables).await }
    };

    let mut results = Vec::new();
    let pair = "mutation($i: PairManuallyInput!) { pairManually(input: $i) { id status } }";
    let (times, _) = time(RUNS, |run| {
        let input = json!({ "programId": program, "mentorEnrollmentId": global_id("Enrollment", manual[run].mentor),
                            "menteeEnrollmentId": global_id("Enrollment", manual[run].mentee) });
        post(coordinator.clone(), pair, json!({ "i": input }))
    })
    .await;
    results.push(("pairManually", times));
    let approve = "mutation($id: ID!) { approveMatch(id: $id) { status } }";
    let (times, _) =
        time(RUNS, |run| post(coordinator.clone(), approve, json!({ "id": global_id("Match", proposals[run]) }))).await;
    results.push(("approveMatch", times));
    let request = "mutation($p: ID!, $m: ID!) { requestMentor(programId: $p, mentorEnrollmentId: $m) { id } }";
    let (times, answers) = time(RUNS, |run| {
        let variables = json!({ "p": program, "m": global_id("Enrollment", requested[run].mentor) });
        post(participant(&requested[run].mentee_employee), request, variables)
    })
    .await;
    results.push(("requestMentor", times));
    let accept = "mutation($id: ID!) { acceptMatchRequest(id: $id) { status } }";
    let (times, _) = time(RUNS, |run| {
        let id = answers[run]["data"]["requestMentor"]["id"].clone();
        post(participant(&requested[run].mentor_employee), accept, json!({ "id": id }))
    })
    .await;
    results.push(("acceptMatchRequest", times));
    let log = "mutation($m: ID!, $i: MeetingInput!) { logMeeting(matchId: $m, input: $i) { id } }";
    let held_at = (now - Duration::hours(1)).to_rfc3339();
    let (times, _) = time(RUNS, |run| {
        let input = json!({ "heldAt": held_at, "minutes": 45, "format": "VIDEO" });
        post(participant(&running[run].1), log, json!({ "m": global_id("Match", running[run].0), "i": input }))
    })
    .await;
    results.push(("logMeeting", times));
    println!("| write ({backend}, {} people, {RUNS} runs each) | p50 | max |", scale.people);
    println!("| --- | --- | --- |");
    for (name, (p50, worst)) in results {
        println!("| `{name}` | {p50:.1} ms | {worst:.1} ms |");
    }
    support::drop_database(cleanup).await;
}
