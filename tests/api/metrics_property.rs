//! For random small organisations, the database's metrics equal a straightforward recomputation
//! written here from README's definitions, on SQLite and PostgreSQL.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use reverse_mentoring::store::entity::{matched_pair, meeting, person};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::{Value, json};

use reverse_mentoring::store::metrics::{comparison_cells, retention_cells};

use crate::common::{TestApp, row_number};

/// A small deterministic generator (xorshift), so every run draws the same organisations.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        from + Duration::days(self.below(u64::try_from((to - from).num_days() + 1).unwrap_or(1)) as i64)
    }
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

struct Person {
    id: i64,
    department: &'static str,
    level: u64,
    generation: Option<&'static str>,
    hired_on: Option<NaiveDate>,
    left_on: Option<NaiveDate>,
}

struct Relationship {
    id: i64,
    mentor: usize,
    mentee: usize,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
}

struct Answer {
    id: i64,
    relationship: i64,
    respondent: i64,
    at: DateTime<Utc>,
    satisfaction: i64,
    confidence: i64,
}

struct Org {
    program: i64,
    people: Vec<Person>,
    relationships: Vec<Relationship>,
    /// (row id, held at, relationship, minutes).
    meetings: Vec<(i64, DateTime<Utc>, i64, i64)>,
    answers: Vec<Answer>,
}

/// Builds one random organisation through the API, then writes its history straight to the
/// database (dates in the past that the API would date today).
async fn random_org(app: &TestApp, org: &str, draw: &mut Draw) -> Org {
    let admin = app.as_admin(org);
    let pairs = 2 + draw.below(3) as usize;
    // After the pairs' people, some who never take part: the comparison groups.
    let others = 6 + draw.below(10) as usize;
    let mut batch = Vec::new();
    let mut traits = Vec::new();
    for n in 0..pairs * 2 + others {
        let department = ["A", "B"][draw.below(2) as usize];
        // Few levels and generations, so that strata are shared.
        let level = [2, 3, 5, 11][draw.below(4) as usize];
        let generation = [None, Some("GEN_Z")][draw.below(2) as usize];
        batch.push(json!({ "employeeId": format!("P{n}"), "name": format!("Person {n}"),
                           "department": department, "level": level, "generation": generation }));
        traits.push((department, level, generation));
    }
    let ids = admin.upsert_people(Value::Array(batch)).await;
    let create = "mutation { createProgram(input: { name: \"Random\", startsOn: \"2025-01-01\", endsOn: \"2030-12-31\",
        matchingRules: { seniority: NONE, reportingLineDepth: 0, differentDepartment: false } }) { id } }";
    let program = admin.gql(create, json!({})).await.data()["createProgram"]["id"].as_str().expect("id").to_owned();
    admin.open_enrollment(&program).await;
    let pair = "mutation($i: PairManuallyInput!) { pairManually(input: $i) { id } }";
    let db = app.store.connection();
    let as_of = date("2026-11-30");
    let mut relationships = Vec::new();
    for n in 0..pairs {
        let mentor = admin.enroll(&program, &ids[2 * n], "MENTOR").await;
        let mentee = admin.enroll(&program, &ids[2 * n + 1], "MENTEE").await;
        let input = json!({ "programId": program, "mentorEnrollmentId": mentor, "menteeEnrollmentId": mentee });
        let id =
            row_number(admin.gql(pair, json!({ "i": input })).await.data()["pairManually"]["id"].as_str().expect("id"));
        let started_on = draw.day(date("2025-01-01"), as_of);
        let ended_on = (draw.below(2) == 0).then(|| draw.day(started_on, as_of + Duration::days(20)));
        let mut row =
            matched_pair::Entity::find_by_id(id).one(db).await.expect("read").expect("row").into_active_model();
        row.started_on = Set(Some(started_on));
        if let Some(ended_on) = ended_on {
            row.ended_on = Set(Some(ended_on));
            row.status = Set(if draw.below(2) == 0 { "COMPLETED" } else { "ENDED_EARLY" }.into());
        }
        row.update(db).await.expect("write");
        relationships.push(Relationship { id, mentor: 2 * n, mentee: 2 * n + 1, started_on, ended_on });
    }
    let mut people = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let id = row_number(id);
        // Often a tenure band's edge on a relationship's start: whole years before it, a day
        // either side, or a 29 February. The relationship is one of a person of the same stratum
        // where there is one, so that someone's comparison group has a member hired on its edge.
        let (department, level, generation) = traits[n];
        let same_stratum = |person: usize| {
            let (other_department, other_level, other_generation) = traits[person];
            other_department == department && (other_level - 1) / 3 == (level - 1) / 3 && other_generation == generation
        };
        let near: Vec<&Relationship> =
            relationships.iter().filter(|r| same_stratum(r.mentor) || same_stratum(r.mentee)).collect();
        let edge = if near.is_empty() {
            &relationships[draw.below(relationships.len() as u64) as usize]
        } else {
            near[draw.below(near.len() as u64) as usize]
        };
        let hired_on = match draw.below(6) {
            0 => None,
            1 | 2 => {
                let years = [1, 3, 5, 10][draw.below(4) as usize];
                let day = edge.started_on.checked_sub_months(Months::new(12 * years)).expect("date");
                Some(day + Duration::days(draw.below(3) as i64 - 1))
            }
            3 => Some([date("2016-02-29"), date("2020-02-29"), date("2024-02-29")][draw.below(3) as usize]),
            _ => Some(draw.day(date("2008-01-01"), date("2026-06-30"))),
        };
        let left_on =
            (draw.below(2) == 0).then(|| draw.day(hired_on.unwrap_or(date("2024-01-01")), date("2026-11-29")));
        let mut row = person::Entity::find_by_id(id).one(db).await.expect("read").expect("row").into_active_model();
        row.hired_on = Set(hired_on);
        row.left_on = Set(left_on);
        row.employment_status = Set(if left_on.is_some() { "LEFT" } else { "ACTIVE" }.into());
        row.update(db).await.expect("write");
        people.push(Person { id, department, level, generation, hired_on, left_on });
    }
    let mut meetings = Vec::new();
    let mut answers = Vec::new();
    for relationship in &relationships {
        for _ in 0..draw.below(4) {
            let held_at =
                draw.day(date("2025-01-01"), date("2026-12-10")).and_hms_opt(12, 0, 0).expect("time").and_utc();
            let minutes = 15 + draw.below(76) as i32;
            let id = app.insert_meeting(org, relationship.id, held_at, minutes).await;
            meetings.push((id, held_at, relationship.id, i64::from(minutes)));
        }
        for _ in 0..draw.below(4) {
            let respondent = people[if draw.below(2) == 0 { relationship.mentor } else { relationship.mentee }].id;
            // Whole days, so two answers of one person sometimes share a time and the id decides.
            let at = draw.day(date("2026-10-01"), date("2026-12-05")).and_hms_opt(9, 0, 0).expect("time").and_utc();
            let (satisfaction, confidence) = (1 + draw.below(5) as i16, 1 + draw.below(5) as i16);
            let id = app.insert_answer(org, relationship.id, respondent, at, (satisfaction, confidence)).await;
            answers.push(Answer {
                id,
                relationship: relationship.id,
                respondent,
                at,
                satisfaction: i64::from(satisfaction),
                confidence: i64::from(confidence),
            });
        }
    }
    // Corrections after the fact: some meetings move (to another day, length or relationship),
    // some are deleted, so the kept meeting totals are exercised beyond inserts.
    for slot in (0..meetings.len()).rev() {
        let (id, _, _, _) = meetings[slot];
        match draw.below(5) {
            0 => {
                meeting::Entity::delete_by_id(id).exec(db).await.expect("delete");
                meetings.remove(slot);
            }
            1 => {
                let held_at =
                    draw.day(date("2025-01-01"), date("2026-12-10")).and_hms_opt(15, 0, 0).expect("time").and_utc();
                let relationship = relationships[draw.below(relationships.len() as u64) as usize].id;
                let minutes = 15 + draw.below(76) as i32;
                let mut row =
                    meeting::Entity::find_by_id(id).one(db).await.expect("read").expect("row").into_active_model();
                row.held_at = Set(held_at);
                row.match_id = Set(relationship);
                row.minutes = Set(minutes);
                row.update(db).await.expect("write");
                meetings[slot] = (id, held_at, relationship, i64::from(minutes));
            }
            _ => {}
        }
    }
    Org { program: row_number(&program), people, relationships, meetings, answers }
}

/// Whole years of service on `on` (the anniversary starts the next year).
fn years(hired: NaiveDate, on: NaiveDate) -> i32 {
    use chrono::Datelike;
    on.year() - hired.year() - i32::from((on.month(), on.day()) < (hired.month(), hired.day()))
}

fn tenure_band(person: &Person, on: NaiveDate) -> i32 {
    match person.hired_on.map(|hired| years(hired, on)) {
        None => -1,
        Some(years) if years < 1 => 0,
        Some(years) if years < 3 => 1,
        Some(years) if years < 5 => 2,
        Some(years) if years < 10 => 3,
        Some(_) => 4,
    }
}

/// The matched comparison's sums at `months`, from the definitions: (observable, matched,
/// Σ retained, Σ r, Σ d, Σ d²).
fn expected_comparison(org: &Org, as_of: NaiveDate, months: u32) -> (i64, i64, f64, f64, f64, f64) {
    let started: Vec<&Relationship> = org.relationships.iter().filter(|r| r.started_on <= as_of).collect();
    let mut anchors: std::collections::BTreeMap<usize, NaiveDate> = std::collections::BTreeMap::new();
    for relationship in &started {
        for person in [relationship.mentor, relationship.mentee] {
            let anchor = anchors.entry(person).or_insert(relationship.started_on);
            *anchor = (*anchor).min(relationship.started_on);
        }
    }
    let (mut observable, mut matched) = (0, 0);
    let (mut retained_sum, mut comparison_sum, mut difference_sum, mut squared) = (0.0, 0.0, 0.0, 0.0);
    for (&index, &anchor) in &anchors {
        let person = &org.people[index];
        let day = anchor.checked_add_months(Months::new(months)).expect("date");
        if day > as_of {
            continue;
        }
        observable += 1;
        let pool: Vec<&Person> = org
            .people
            .iter()
            .enumerate()
            .filter(|(other, _)| !anchors.contains_key(other))
            .map(|(_, other)| other)
            .filter(|other| {
                other.department == person.department
                    && (other.level - 1) / 3 == (person.level - 1) / 3
                    && other.generation == person.generation
                    && employed(other, anchor)
                    && tenure_band(other, anchor) == tenure_band(person, anchor)
            })
            .collect();
        if pool.is_empty() {
            continue;
        }
        matched += 1;
        let retained = f64::from(u8::from(employed(person, day)));
        let share = pool.iter().filter(|other| employed(other, day)).count() as f64 / pool.len() as f64;
        retained_sum += retained;
        comparison_sum += share;
        difference_sum += retained - share;
        squared += (retained - share) * (retained - share);
    }
    (observable, matched, retained_sum, comparison_sum, difference_sum, squared)
}

fn employed(person: &Person, day: NaiveDate) -> bool {
    person.hired_on.is_none_or(|hired| hired <= day) && person.left_on.is_none_or(|left| left >= day)
}

/// Retention per role at `months`, from the definitions: (role, observable, retained).
fn expected_retention(org: &Org, as_of: NaiveDate, months: u32) -> Vec<(String, i64, i64)> {
    let mut out = Vec::new();
    for (role, side) in [("MENTEE", 1), ("MENTOR", 0)] {
        let (mut observable, mut retained) = (0, 0);
        let mut seen = std::collections::BTreeMap::new();
        for relationship in org.relationships.iter().filter(|r| r.started_on <= as_of) {
            let person = if side == 0 { relationship.mentor } else { relationship.mentee };
            let anchor = seen.entry(person).or_insert(relationship.started_on);
            *anchor = (*anchor).min(relationship.started_on);
        }
        for (person, anchor) in seen {
            let day = anchor.checked_add_months(Months::new(months)).expect("date");
            if day <= as_of {
                observable += 1;
                retained += i64::from(employed(&org.people[person], day));
            }
        }
        if observable > 0 || org.relationships.iter().any(|r| r.started_on <= as_of) {
            out.push((role.to_owned(), observable, retained));
        }
    }
    out
}

#[tokio::test]
async fn the_databases_metrics_equal_a_recomputation_from_the_definitions() {
    let app = TestApp::spawn().await;
    let as_of = date("2026-11-30");
    let mut draw = Draw(0x9e37_79b9_7f4a_7c15);
    // Over all cases: matched participants at some horizon, so the comparison was really exercised.
    let mut matched_seen = 0;
    for case in 0..16 {
        let org_name = format!("random{case}");
        let org = random_org(&app, &org_name, &mut draw).await;
        let store = app.store.scoped(&org_name, "property");
        for months in [1, 3, 12] {
            let rows = store.retention_counts(&[org.program], as_of, &[months as i32]).await.expect("retention");
            let got: Vec<(String, i64, i64)> = retention_cells(&rows, None)
                .into_iter()
                .map(|row| (row.place.role, row.observable, row.retained))
                .collect();
            assert_eq!(got, expected_retention(&org, as_of, months), "case {case}: retention at {months}");
        }

        let horizons = [1, 3, 12];
        let comparison = comparison_cells(
            &store.comparison_counts(&[org.program], date("2025-01-01"), as_of, &horizons).await.expect("comparison"),
            None,
        );
        for months in horizons {
            let got = comparison.iter().find(|row| row.months == months).expect("a row per horizon");
            let (observable, matched, retained, share, difference, squared) =
                expected_comparison(&org, as_of, months as u32);
            assert_eq!((got.observable, got.matched), (observable, matched), "case {case}: comparison at {months}");
            matched_seen += matched;
            for (got, expected, what) in [
                (got.retained, retained, "retained"),
                (got.comparison, share, "comparison"),
                (got.difference, difference, "difference"),
                (got.difference_squared, squared, "squared"),
            ] {
                assert!((got - expected).abs() < 1e-9, "case {case}: {what} at {months}: {got} != {expected}");
            }
        }

        let running: Vec<&Relationship> = org.relationships.iter().filter(|r| r.started_on <= as_of).collect();
        let days = |r: &Relationship| (r.ended_on.unwrap_or(as_of).min(as_of) - r.started_on).num_days() + 1;
        let end_of_day = (as_of + Duration::days(1)).and_hms_opt(0, 0, 0).expect("time").and_utc();
        let counted: Vec<&(i64, DateTime<Utc>, i64, i64)> =
            org.meetings.iter().filter(|(_, at, _, _)| *at < end_of_day).collect();
        let meetings_of = |r: &Relationship| counted.iter().filter(|(_, _, id, _)| *id == r.id).count() as f64;
        let reaching = running.iter().filter(|r| days(r) >= 30 && meetings_of(r) * 30.4375 >= days(r) as f64).count();
        let cadence =
            store.cadence_counts(&[org.program], as_of, 1.0, None).await.expect("cadence").pop().unwrap_or_default();
        assert_eq!(cadence.relationships, running.len() as i64, "case {case}: relationships");
        assert_eq!(cadence.meetings, counted.len() as i64, "case {case}: meetings");
        assert_eq!(
            cadence.minutes,
            counted.iter().map(|(_, _, _, minutes)| minutes).sum::<i64>(),
            "case {case}: minutes"
        );
        assert_eq!(cadence.active_days, running.iter().map(|r| days(r)).sum::<i64>(), "case {case}: active days");
        assert_eq!(cadence.eligible, running.iter().filter(|r| days(r) >= 30).count() as i64, "case {case}: eligible");
        assert_eq!(cadence.reaching, reaching as i64, "case {case}: reaching one meeting a month");

        // Satisfaction: each person's latest answer per relationship by (submittedAt, id).
        let mut latest: std::collections::BTreeMap<(i64, i64), &Answer> = std::collections::BTreeMap::new();
        for answer in org.answers.iter().filter(|a| a.at < end_of_day) {
            let key = (answer.relationship, answer.respondent);
            if latest.get(&key).is_none_or(|kept| (answer.at, answer.id) > (kept.at, kept.id)) {
                latest.insert(key, answer);
            }
        }
        let satisfaction = store
            .satisfaction_counts(&[org.program], as_of, None)
            .await
            .expect("satisfaction")
            .pop()
            .unwrap_or_default();
        let respondents: std::collections::BTreeSet<i64> = latest.keys().map(|(_, person)| *person).collect();
        assert_eq!(satisfaction.answers, latest.len() as i64, "case {case}: answers");
        assert_eq!(satisfaction.respondents, respondents.len() as i64, "case {case}: respondents");
        assert_eq!(satisfaction.satisfaction_sum, latest.values().map(|a| a.satisfaction).sum::<i64>(), "case {case}");
        assert_eq!(satisfaction.confidence_sum, latest.values().map(|a| a.confidence).sum::<i64>(), "case {case}");
        assert_eq!(
            satisfaction.satisfied,
            latest.values().filter(|a| a.satisfaction >= 4).count() as i64,
            "case {case}"
        );
    }
    assert!(matched_seen >= 10, "only {matched_seen} matched participants over all cases");
}
