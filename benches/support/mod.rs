//! Seeding shared by the benchmarks and the statement-counting test: a large program written
//! straight into the database, since only the read path is being measured.

// Each bench and the test include this file and use a different part of it.
#![allow(dead_code)]

pub mod company;

use chrono::Utc;
use reverse_mentoring::store::entity::{
    enrollment, feedback, learning, matched_pair, meeting, person, person_skill, program, skill,
};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait};

/// A fresh database for one bench run: a new PostgreSQL database beside `BENCH_DATABASE_URL`, or a
/// new SQLite file. Returns its URL, the backend's name, and what `drop_database` needs afterwards.
pub async fn fresh_database(prefix: &str) -> (String, &'static str, Option<(String, String)>) {
    match std::env::var("BENCH_DATABASE_URL") {
        Ok(admin_url) => {
            let name = format!("{prefix}_{}", std::process::id());
            let admin = sea_orm::Database::connect(&admin_url).await.expect("connect");
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
            let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base).to_owned();
            (format!("{base}/{name}"), "postgresql", Some((admin_url, name)))
        }
        Err(_) => {
            let file = std::env::temp_dir().join(format!("{prefix}-{}.db", std::process::id()));
            (format!("sqlite://{}?mode=rwc", file.display()), "sqlite", None)
        }
    }
}

/// Drops the PostgreSQL database `fresh_database` created, if any.
pub async fn drop_database(cleanup: Option<(String, String)>) {
    if let Some((admin_url, name)) = cleanup {
        let admin = sea_orm::Database::connect(&admin_url).await.expect("connect");
        admin.execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)")).await.expect("drop database");
    }
}

/// POSTs one GraphQL request with a bearer token and returns the JSON body.
pub async fn post_graphql(
    client: &reqwest::Client,
    address: std::net::SocketAddr,
    token: &str,
    query: &str,
    variables: serde_json::Value,
) -> serde_json::Value {
    client
        .post(format!("http://{address}/graphql"))
        .bearer_auth(token)
        .json(&serde_json::json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json")
}

/// Inserts rows in chunks small enough for either backend's parameter limit.
pub async fn insert<E: EntityTrait>(db: &DatabaseConnection, rows: Vec<E::ActiveModel>) {
    for chunk in rows.chunks(100) {
        E::insert_many(chunk.to_vec()).exec_without_returning(db).await.expect("insert");
    }
}

/// An ACCEPTED enrolment of `person` in `program` as `role` (mentors with one slot).
pub fn accepted(org: &str, program: i64, person: i64, role: &str) -> enrollment::ActiveModel {
    let now = Utc::now();
    enrollment::ActiveModel {
        org_id: Set(org.into()),
        program_id: Set(program),
        person_id: Set(person),
        role: Set(role.into()),
        status: Set("ACCEPTED".into()),
        capacity: Set((role == "MENTOR").then_some(1)),
        goals: Set(String::new()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// A REVERSE program in `status` with accepted enrolments: people 1..=`side` as mentors
/// (capacity 1), the next `side` as mentees. Returns the program's row id.
pub async fn seed_program(db: &DatabaseConnection, org: &str, status: &str, rules: &str, side: usize) -> i64 {
    let now = Utc::now();
    let program = program::Entity::insert(program::ActiveModel {
        org_id: Set(org.into()),
        name: Set("Bench".into()),
        description: Set(String::new()),
        kind: Set("REVERSE".into()),
        status: Set(status.into()),
        starts_on: Set(now.date_naive()),
        ends_on: Set(now.date_naive() + chrono::Duration::days(365)),
        relationship_months: Set(6),
        matching_rules: Set(rules.into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await
    .expect("program")
    .last_insert_id;
    let enrollments =
        (0..2 * side).map(|n| accepted(org, program, n as i64 + 1, if n < side { "MENTOR" } else { "MENTEE" }));
    insert::<enrollment::Entity>(db, enrollments.collect()).await;
    program
}

/// Seeds org "acme" with a program of `count` ACTIVE matches, each with two meetings, a learning
/// and a feedback, straight into the database; returns the program's global id.
pub async fn seed_matches(db: &DatabaseConnection, count: usize) -> String {
    let now = Utc::now();
    let people = (0..2 * count).map(|n| person::ActiveModel {
        org_id: Set("acme".into()),
        employee_id: Set(format!("P{n}")),
        name: Set(format!("Person {n}")),
        level: Set(if n < count { 2 } else { 12 }),
        employment_status: Set("ACTIVE".into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    });
    insert::<person::Entity>(db, people.collect()).await;
    let skills = (0..10).map(|n| skill::ActiveModel {
        org_id: Set("acme".into()),
        name: Set(format!("Skill {n}")),
        name_key: Set(format!("skill {n}")),
        category: Set("TECHNOLOGY".into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    });
    insert::<skill::Entity>(db, skills.collect()).await;
    let links = (0..2 * count).flat_map(|n| [("OFFERS", n % 10), ("WANTS", (n + 3) % 10)]).enumerate().map(
        |(k, (relation, skill))| person_skill::ActiveModel {
            org_id: Set("acme".into()),
            person_id: Set((k / 2) as i64 + 1),
            skill_id: Set(skill as i64 + 1),
            relation: Set(relation.into()),
            strength: Set(3),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    );
    insert::<person_skill::Entity>(db, links.collect()).await;
    let program = seed_program(db, "acme", "ACTIVE", "{}", count).await;
    let matches = (0..count).map(|n| matched_pair::ActiveModel {
        org_id: Set("acme".into()), program_id: Set(program), mentor_enrollment_id: Set(n as i64 + 1),
        mentee_enrollment_id: Set((count + n) as i64 + 1), mentor_person_id: Set(n as i64 + 1), mentee_person_id: Set((count + n) as i64 + 1),
        status: Set("ACTIVE".into()), source: Set("MANUAL".into()), score: Set(500),
        explanation: Set(r#"{"score":{"score":500,"wants_points":350,"teach_back_points":150,"wants_covered":[],"taught_back":[]},"rules_checked":[]}"#.into()),
        overridden_rules: Set("[]".into()), pair_objectives: Set("[]".into()), version: Set(1), created_at: Set(now), updated_at: Set(now),
        ..Default::default()
    });
    insert::<matched_pair::Entity>(db, matches.collect()).await;
    seed_records(db, count).await;
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Program:{program}"))
}

async fn seed_records(db: &DatabaseConnection, count: usize) {
    let now = Utc::now();
    let meetings = (0..2 * count).map(|n| meeting::ActiveModel {
        org_id: Set("acme".into()),
        match_id: Set((n / 2) as i64 + 1),
        held_at: Set(now),
        minutes: Set(30),
        format: Set("VIDEO".into()),
        agenda: Set("private".into()),
        notes: Set("private".into()),
        action_items: Set("[]".into()),
        logged_by: Set("seed".into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    });
    insert::<meeting::Entity>(db, meetings.collect()).await;
    let learnings = (0..count).map(|n| learning::ActiveModel {
        org_id: Set("acme".into()),
        match_id: Set(n as i64 + 1),
        learner_person_id: Set(n as i64 + 1),
        learner_side: Set("MENTOR".into()),
        skill_id: Set((n % 10) as i64 + 1),
        note: Set(String::new()),
        created_at: Set(now),
        ..Default::default()
    });
    insert::<learning::Entity>(db, learnings.collect()).await;
    let feedback = (0..count).map(|n| feedback::ActiveModel {
        org_id: Set("acme".into()),
        match_id: Set(n as i64 + 1),
        respondent_person_id: Set((count + n) as i64 + 1),
        period: Set("2026-11".into()),
        satisfaction: Set(4),
        confidence: Set(4),
        comment: Set(String::new()),
        submitted_at: Set(now),
        ..Default::default()
    });
    insert::<feedback::Entity>(db, feedback.collect()).await;
}
