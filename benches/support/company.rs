//! The issue #14 company, written straight into the database: 100,000 people over 20
//! departments, 40 programs, 20,000 relationships (the largest program 5,000), and per
//! relationship the meetings, learnings and answers `Scale` asks for, with departures spread
//! over three years. The metrics and the write benches both start from it.

use chrono::{Duration, NaiveDate, Utc};
use reverse_mentoring::store::entity::{enrollment, feedback, learning, matched_pair, meeting, person, program, skill};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, TransactionTrait};

/// A deterministic stream of numbers (xorshift), so every run seeds the same rows.
pub struct Draw(pub u64);

impl Draw {
    /// The next number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// The day written as YYYY-MM-DD.
pub fn day(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

/// Inserts `rows` in chunks of `chunk`, all in one transaction.
pub async fn insert_all<E: EntityTrait>(db: &DatabaseConnection, rows: Vec<E::ActiveModel>, chunk: usize) {
    let txn = db.begin().await.expect("begin");
    for part in rows.chunks(chunk) {
        E::insert_many(part.to_vec()).exec_without_returning(&txn).await.expect("insert");
    }
    txn.commit().await.expect("commit");
}

/// How much of everything to seed.
pub struct Scale {
    /// People in the org.
    pub people: usize,
    /// Programs; the first is the largest.
    pub programs: usize,
    /// Relationships of the first program.
    pub largest: usize,
    /// Relationships over all programs.
    pub relationships: usize,
    /// Meetings per relationship.
    pub meetings_each: usize,
    /// Learnings per relationship.
    pub learnings_each: usize,
    /// Feedback answers per relationship.
    pub answers_each: usize,
}

impl Scale {
    /// The company times `factor` (people at least enough for every relationship).
    pub fn company(factor: f64) -> Scale {
        let scaled = |n: f64| ((n * factor).round() as usize).max(2);
        Scale {
            people: scaled(100_000.0).max(scaled(40_000.0) + 2),
            programs: 40,
            largest: scaled(5_000.0),
            relationships: scaled(20_000.0),
            meetings_each: 50,
            learnings_each: 10,
            answers_each: 3,
        }
    }
}

/// Seeds org "acme" at `scale`: relationship r of program p pairs person 2r+1 (mentor) with
/// 2r+2 (mentee), so people above 2 x relationships are in no program.
pub async fn seed(db: &DatabaseConnection, scale: &Scale) {
    let mut draw = Draw(0x2545_f491_4f6c_dd1d);
    let now = Utc::now();
    let org = || Set("acme".to_owned());
    let mut people = Vec::with_capacity(scale.people);
    for n in 0..scale.people {
        let hired = day("2008-01-01") + Duration::days(draw.below(6_500) as i64);
        let left = (draw.below(7) == 0).then(|| day("2023-12-01") + Duration::days(draw.below(1_095) as i64));
        let left = left.filter(|left| *left >= hired);
        people.push(person::ActiveModel {
            org_id: org(),
            employee_id: Set(format!("E{n}")),
            name: Set(format!("Person {n}")),
            department: Set(Some(format!("Department {}", draw.below(20)))),
            level: Set(1 + draw.below(15) as i32),
            generation: Set(
                [None, Some("GEN_Z"), Some("MILLENNIAL"), Some("GEN_X")][draw.below(4) as usize].map(str::to_owned)
            ),
            hired_on: Set(Some(hired)),
            left_on: Set(left),
            employment_status: Set(
                if left.is_some_and(|left| left < now.date_naive()) { "LEFT" } else { "ACTIVE" }.into()
            ),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    insert_all::<person::Entity>(db, people, 1_000).await;
    let skills = (0..40).map(|n| skill::ActiveModel {
        org_id: org(),
        name: Set(format!("Skill {n}")),
        name_key: Set(format!("skill {n}")),
        category: Set(["TECHNOLOGY", "BUSINESS", "SOCIAL_MEDIA", "LEADERSHIP"][n % 4].into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    });
    insert_all::<skill::Entity>(db, skills.collect(), 1_000).await;
    let programs = (0..scale.programs).map(|n| program::ActiveModel {
        org_id: org(),
        name: Set(format!("Program {n}")),
        description: Set(String::new()),
        kind: Set("REVERSE".into()),
        status: Set("ACTIVE".into()),
        starts_on: Set(day("2023-01-01") + Duration::days(30 * n as i64)),
        ends_on: Set(day("2028-12-31")),
        relationship_months: Set(6),
        matching_rules: Set("{}".into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    });
    insert_all::<program::Entity>(db, programs.collect(), 100).await;
    // Relationship r of program p: mentor person 2r+1, mentee 2r+2 (ids are 1-based), each enrolled.
    let rest = (scale.relationships - scale.largest) / (scale.programs - 1).max(1);
    let program_of =
        |r: usize| if r < scale.largest { 1 } else { 2 + ((r - scale.largest) / rest.max(1)).min(scale.programs - 2) };
    let enrollments = (0..scale.relationships).flat_map(|r| {
        [(2 * r + 1, "MENTOR"), (2 * r + 2, "MENTEE")]
            .map(|(person, role)| super::accepted("acme", program_of(r) as i64, person as i64, role))
    });
    insert_all::<enrollment::Entity>(db, enrollments.collect(), 1_000).await;
    let mut spans = Vec::with_capacity(scale.relationships);
    let mut matches = Vec::with_capacity(scale.relationships);
    for r in 0..scale.relationships {
        let started = day("2023-01-15") + Duration::days(draw.below(1_400) as i64);
        let ended = (draw.below(3) == 0).then(|| started + Duration::days(30 + draw.below(300) as i64));
        spans.push((started, ended.unwrap_or(day("2026-11-30"))));
        matches.push(matched_pair::ActiveModel {
            org_id: org(),
            program_id: Set(program_of(r) as i64),
            mentor_enrollment_id: Set(2 * r as i64 + 1),
            mentee_enrollment_id: Set(2 * r as i64 + 2),
            mentor_person_id: Set(2 * r as i64 + 1),
            mentee_person_id: Set(2 * r as i64 + 2),
            status: Set(if ended.is_some() { "COMPLETED" } else { "ACTIVE" }.into()),
            source: Set("MANUAL".into()),
            score: Set(500),
            explanation: Set("{}".into()),
            overridden_rules: Set("[]".into()),
            started_on: Set(Some(started)),
            ended_on: Set(ended),
            pair_objectives: Set("[]".into()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    insert_all::<matched_pair::Entity>(db, matches, 1_000).await;
    let at = |draw: &mut Draw, (started, ended): (NaiveDate, NaiveDate)| {
        let span = (ended - started).num_days().max(1) as u64;
        (started + Duration::days(draw.below(span) as i64)).and_hms_opt(10, 0, 0).expect("time").and_utc()
    };
    for batch in 0..scale.relationships.div_ceil(2_000) {
        let range = batch * 2_000..((batch + 1) * 2_000).min(scale.relationships);
        let mut meetings = Vec::new();
        let mut learnings = Vec::new();
        let mut answers = Vec::new();
        for r in range {
            for _ in 0..scale.meetings_each {
                let held = at(&mut draw, spans[r]);
                meetings.push(meeting::ActiveModel {
                    org_id: org(),
                    match_id: Set(r as i64 + 1),
                    held_at: Set(held),
                    minutes: Set(30 + draw.below(60) as i32),
                    format: Set("VIDEO".into()),
                    agenda: Set(String::new()),
                    notes: Set(String::new()),
                    action_items: Set("[]".into()),
                    logged_by: Set("bench".into()),
                    version: Set(1),
                    created_at: Set(held),
                    updated_at: Set(held),
                    ..Default::default()
                });
            }
            for k in 0..scale.learnings_each {
                let recorded = at(&mut draw, spans[r]);
                learnings.push(learning::ActiveModel {
                    org_id: org(),
                    match_id: Set(r as i64 + 1),
                    learner_person_id: Set(2 * r as i64 + 1 + (k % 2) as i64),
                    learner_side: Set(if k % 2 == 0 { "MENTOR" } else { "MENTEE" }.into()),
                    skill_id: Set(1 + draw.below(40) as i64),
                    note: Set(String::new()),
                    confirmed_at: Set((draw.below(3) != 0).then_some(recorded + Duration::days(2))),
                    created_at: Set(recorded),
                    ..Default::default()
                });
            }
            for k in 0..scale.answers_each {
                let submitted = at(&mut draw, spans[r]);
                answers.push(feedback::ActiveModel {
                    org_id: org(),
                    match_id: Set(r as i64 + 1),
                    respondent_person_id: Set(2 * r as i64 + 1 + (k % 2) as i64),
                    period: Set(submitted.format("%Y-%m").to_string()),
                    satisfaction: Set(1 + draw.below(5) as i16),
                    confidence: Set(1 + draw.below(5) as i16),
                    comment: Set(String::new()),
                    submitted_at: Set(submitted),
                    ..Default::default()
                });
            }
        }
        insert_all::<meeting::Entity>(db, meetings, 1_000).await;
        insert_all::<learning::Entity>(db, learnings, 1_000).await;
        insert_all::<feedback::Entity>(db, answers, 1_000).await;
    }
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // What autovacuum would do shortly after a bulk load; without it the planner guesses.
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }
}
