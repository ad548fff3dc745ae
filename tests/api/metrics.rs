//! Outcome metrics against a hand-built fixture: every expected number below was worked out by
//! hand from README's definitions (the arithmetic is in the comments), on SQLite and PostgreSQL.

use chrono::{DateTime, NaiveDate, Utc};
use reverse_mentoring::auth::Role;
use reverse_mentoring::store::entity::{learning, matched_pair, person};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::{Value, json};

use crate::common::factories::person;
use crate::common::{TestApp, row_number};

const AS_OF: &str = "2026-11-30";

fn date(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("time")
}

/// The fixture: four relationships of one program, r1 M1-E1 ... r4 M4-E4.
///
/// | pair | started | ended | departures |
/// | r1 | 2026-01-31 | ENDED_EARLY 2026-02-27 | M1 left 2026-03-01, E1 left 2026-02-27 |
/// | r2 | 2026-08-31 | running | E2 left 2026-11-29 |
/// | r3 | 2026-09-15 | running | M3 left 2026-10-15 |
/// | r4 | 2026-11-15 | running | |
async fn fixture(app: &TestApp) -> (String, Vec<i64>) {
    let admin = app.as_admin("acme");
    let batch: Vec<Value> = (1..=4)
        .flat_map(|n| {
            [
                person(&format!("M{n}"), &format!("Mentor {n}"), "Engineering", 2),
                person(&format!("E{n}"), &format!("Mentee {n}"), "Finance", 12),
            ]
        })
        .collect();
    let people = admin.upsert_people(Value::Array(batch)).await;
    // Non-participants for the matched comparison: N1-N3 beside the mentors (Engineering, levels
    // 1-3), N4 beside the mentees (Finance, levels 10-12).
    let mut others = Vec::new();
    for (id, department, level, hired, left) in [
        ("N1", "Engineering", 3, "2020-01-15", None),
        ("N2", "Engineering", 1, "2020-06-01", Some("2026-09-20")),
        ("N3", "Engineering", 2, "2024-01-01", None),
        ("N4", "Finance", 10, "2020-01-15", Some("2026-09-30")),
    ] {
        let mut entry = person(id, &format!("Colleague {id}"), department, level);
        entry["hiredOn"] = json!(hired);
        entry["leftOn"] = json!(left);
        others.push(entry);
    }
    admin.upsert_people(Value::Array(others)).await;
    let create =
        "mutation { createProgram(input: { name: \"Outcomes\", startsOn: \"2026-01-01\", endsOn: \"2030-12-31\",
        matchingRules: { seniority: NONE, reportingLineDepth: 0 },
        objectives: [{ kind: SKILLS_LEARNED_PER_MENTEE, target: 2, windowMonths: 2 },
                     { kind: RELATIONSHIPS_FORMED, target: 10, dueOn: \"2026-12-31\" },
                     { kind: PARTICIPANT_RETENTION, target: 0.8, windowMonths: 1, dueOn: \"2026-06-30\" },
                     { kind: MEETINGS_PER_MONTH_PER_MATCH, target: 1 },
                     { kind: AVERAGE_SATISFACTION, target: 3 }] }) { id } }";
    let program = admin.gql(create, json!({})).await.data()["createProgram"]["id"].as_str().expect("id").to_owned();
    admin.open_enrollment(&program).await;
    let pair = "mutation($i: PairManuallyInput!) { pairManually(input: $i) { id } }";
    let mut matches = Vec::new();
    for n in 0..4 {
        let mentor = admin.enroll(&program, &people[2 * n], "MENTOR").await;
        let mentee = admin.enroll(&program, &people[2 * n + 1], "MENTEE").await;
        let input = json!({ "programId": program, "mentorEnrollmentId": mentor, "menteeEnrollmentId": mentee });
        let id =
            admin.gql(pair, json!({ "i": input })).await.data()["pairManually"]["id"].as_str().expect("id").to_owned();
        matches.push(row_number(&id));
    }
    let db = app.store.connection();
    let history =
        [("2026-01-31", Some("2026-02-27")), ("2026-08-31", None), ("2026-09-15", None), ("2026-11-15", None)];
    for (id, (started, ended)) in matches.iter().zip(history) {
        let row = matched_pair::Entity::find_by_id(*id).one(db).await.expect("read").expect("row");
        let mut row = row.into_active_model();
        row.started_on = Set(Some(date(started)));
        if let Some(ended) = ended {
            row.ended_on = Set(Some(date(ended)));
            row.status = Set("ENDED_EARLY".into());
            row.end_reason = Set(Some("LEFT_COMPANY".into()));
        }
        row.update(db).await.expect("write");
    }
    for (employee, left) in [("M1", "2026-03-01"), ("E1", "2026-02-27"), ("E2", "2026-11-29"), ("M3", "2026-10-15")] {
        person::Entity::update_many()
            .col_expr(person::Column::LeftOn, sea_orm::sea_query::Expr::value(date(left)))
            .col_expr(person::Column::EmploymentStatus, sea_orm::sea_query::Expr::value("LEFT"))
            .filter(person::Column::OrgId.eq("acme"))
            .filter(person::Column::EmployeeId.eq(employee))
            .exec(db)
            .await
            .expect("write");
    }
    (program, matches)
}

async fn meetings(app: &TestApp, matches: &[i64]) {
    // r2: 3 meetings (60 + 30 + 30 min) and one after asOf; r3: 3 x 45 min; r4: 1 x 30 min.
    let rows = [
        (1, "2026-09-10T10:00:00Z", 60),
        (1, "2026-10-10T10:00:00Z", 30),
        (1, "2026-11-30T23:59:00Z", 30),
        (1, "2026-12-01T00:00:00Z", 90),
        (2, "2026-09-20T10:00:00Z", 45),
        (2, "2026-10-20T10:00:00Z", 45),
        (2, "2026-11-20T10:00:00Z", 45),
        (3, "2026-11-20T10:00:00Z", 30),
    ];
    for (index, held_at, minutes) in rows {
        app.insert_meeting("acme", matches[index], at(held_at), minutes).await;
    }
}

async fn person_id(app: &TestApp, employee: &str) -> i64 {
    person::Entity::find()
        .filter(person::Column::OrgId.eq("acme"))
        .filter(person::Column::EmployeeId.eq(employee))
        .one(app.store.connection())
        .await
        .expect("read")
        .expect("person")
        .id
}

/// Learnings: (relationship, learner, side, skill, recorded, confirmed).
async fn learnings(app: &TestApp, matches: &[i64]) {
    let admin = app.as_admin("acme");
    let prompting = row_number(&admin.create_skill("Prompting", "TECHNOLOGY").await);
    let pnl = row_number(&admin.create_skill("Reading a P&L", "BUSINESS").await);
    let tiktok = row_number(&admin.create_skill("TikTok", "SOCIAL_MEDIA").await);
    let rows = [
        (1, "E2", "MENTEE", prompting, "2026-09-10T10:00:00Z", Some("2026-09-12T10:00:00Z")),
        (1, "E2", "MENTEE", tiktok, "2026-10-01T10:00:00Z", Some("2026-12-01T10:00:00Z")),
        (1, "M2", "MENTOR", pnl, "2026-09-20T10:00:00Z", Some("2026-09-21T10:00:00Z")),
        (2, "E3", "MENTEE", prompting, "2026-10-20T10:00:00Z", Some("2026-10-22T10:00:00Z")),
        (2, "M3", "MENTOR", pnl, "2026-12-01T10:00:00Z", None),
        (0, "E1", "MENTEE", prompting, "2026-02-01T10:00:00Z", Some("2026-02-02T10:00:00Z")),
        (3, "E4", "MENTEE", tiktok, "2026-11-20T10:00:00Z", None),
        (1, "E2", "MENTEE", pnl, "2026-10-31T23:00:00Z", Some("2026-11-01T10:00:00Z")),
    ];
    for (index, employee, side, skill, recorded, confirmed) in rows {
        learning::ActiveModel {
            org_id: Set("acme".into()),
            match_id: Set(matches[index]),
            learner_person_id: Set(person_id(app, employee).await),
            learner_side: Set(side.into()),
            skill_id: Set(skill),
            note: Set(String::new()),
            recorded_by_person_id: Set(None),
            confirmed_by_person_id: Set(None),
            confirmed_at: Set(confirmed.map(at)),
            created_at: Set(at(recorded)),
            ..Default::default()
        }
        .insert(app.store.connection())
        .await
        .expect("learning");
    }
}

async fn answers(app: &TestApp, matches: &[i64]) {
    // (relationship, respondent, submitted, satisfaction, confidence), in insertion (id) order.
    let rows = [
        (1, "E2", "2026-09-15T10:00:00Z", 2, 3),
        (1, "E2", "2026-10-15T10:00:00Z", 5, 4),
        (1, "M2", "2026-10-01T10:00:00Z", 4, 5),
        (2, "E3", "2026-11-01T10:00:00Z", 3, 2),
        (2, "M3", "2026-12-02T10:00:00Z", 5, 5),
        (2, "M3", "2026-09-30T10:00:00Z", 1, 1),
        (3, "M4", "2026-11-20T10:00:00Z", 2, 2),
        (3, "M4", "2026-11-20T10:00:00Z", 4, 4),
    ];
    for (index, employee, submitted, satisfaction, confidence) in rows {
        let respondent = person_id(app, employee).await;
        app.insert_answer("acme", matches[index], respondent, at(submitted), (satisfaction, confidence)).await;
    }
}

/// The whole fixture with its meetings, answers and learnings, the smallest group set to 3.
async fn recorded_fixture(app: &TestApp) -> String {
    let (program, matches) = fixture(app).await;
    meetings(app, &matches).await;
    answers(app, &matches).await;
    learnings(app, &matches).await;
    app.as_admin("acme")
        .gql("mutation { updateOrgSettings(minGroupSize: 3) { minGroupSize } }", json!({}))
        .await
        .data();
    program
}

const METRICS: &str = "query($p: ID!, $d: NaiveDate, $h: [Int!]) { programMetrics(programId: $p, asOf: $d, horizons: $h) {
    asOf minGroupSize
    retention { months observable retained rate suppressed byRole { role observable retained rate suppressed } }
    matchedComparison { months matched unmatched participantRate comparisonRate difference intervalLow intervalHigh crudeRate suppressed }
    cadence { relationships meetings hours activeMonths meetingsPerActiveMonth hoursPerActiveMonth
              eligibleRelationships target shareReachingTarget suppressed }
    satisfaction { answers respondents averageSatisfaction averageConfidence shareSatisfied shareConfident suppressed }
    skillsLearned { recorded confirmed learners suppressed
      bySide { key recorded confirmed learners suppressed } byCategory { key recorded confirmed learners suppressed }
      bySkill { key learners suppressed } perMentee { windowMonths target observable mean shareReachingTarget suppressed } }
    objectives { kind target actual dueOn status } } }";

#[track_caller]
fn close(value: &Value, expected: f64) {
    let actual = value.as_f64().unwrap_or_else(|| panic!("{value} is not a number"));
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}

#[tokio::test]
async fn every_figure_matches_the_hand_worked_fixture() {
    let app = TestApp::spawn().await;
    let (program, matches) = fixture(&app).await;
    meetings(&app, &matches).await;
    answers(&app, &matches).await;
    learnings(&app, &matches).await;
    let admin = app.as_admin("acme");
    let set = "mutation($n: Int!) { updateOrgSettings(minGroupSize: $n) { minGroupSize } }";
    assert_eq!(admin.gql(set, json!({ "n": 3 })).await.data()["updateOrgSettings"]["minGroupSize"], 3);
    let analyst = app.as_role("acme", Role::Analyst);
    let answer = analyst.gql(METRICS, json!({ "p": program, "d": AS_OF, "h": [1, 3] })).await;
    let metrics = answer.data()["programMetrics"].clone();
    assert_eq!((&metrics["asOf"], &metrics["minGroupSize"]), (&json!(AS_OF), &json!(3)));

    // Retention at 1 month (anchor + 1 month, clamped: Jan 31 -> Feb 28):
    //   r1 Feb 28: M1 (left Mar 1) retained, E1 (left Feb 27) not; r2 Sep 30: both; r3 Oct 15: M3's last
    //   day is Oct 15 (counted), E3 retained; r4 Dec 15 > asOf: not observable.
    //   Mentors 3/3, mentees 2/3, total 5/6.
    let one = &metrics["retention"][0];
    assert_eq!(
        (&one["months"], &one["observable"], &one["retained"], &one["suppressed"]),
        (&json!(1), &json!(6), &json!(5), &json!(false))
    );
    close(&one["rate"], 5.0 / 6.0);
    assert_eq!(
        one["byRole"][0],
        json!({ "role": "MENTOR", "observable": 3, "retained": 3, "rate": 1.0, "suppressed": false })
    );
    assert_eq!(one["byRole"][1]["retained"], 2);
    // At 3 months: r1 Apr 30 (M1 and E1 gone), r2 Nov 30 (M2 retained, E2 left Nov 29), r3 and r4 after
    // asOf. Total 1/4 shown (4 >= 3); each side has 2 < 3 people: both withheld.
    let three = &metrics["retention"][1];
    assert_eq!((&three["observable"], &three["retained"]), (&json!(4), &json!(1)));
    close(&three["rate"], 0.25);
    assert_eq!(
        three["byRole"][0],
        json!({ "role": "MENTOR", "observable": null, "retained": null, "rate": null, "suppressed": true })
    );
    assert_eq!(three["byRole"][1]["suppressed"], true);

    // Matched comparison at 1 month, strata on the anchor (department, level band, tenure band,
    // generation). Mentors (Engineering, 1-3, 5-10 years): N1 and N2 (N3 has 2 years; M4 took part).
    // r(M1) at Feb 28 = 2/2; r(M2) at Sep 30 and r(M3) at Oct 15 = 1/2 (N2 left Sep 20).
    // Mentees (Finance, 10-12, 5-10 years): N4 (left Sep 30): r(E1) = 1, r(E2) at Sep 30 = 1,
    // r(E3) at Oct 15 = 0. retained: M1 1, M2 1, M3 1, E1 0, E2 1, E3 1.
    // d = [0, 0.5, 0.5, -1, 0, 1]: mean 1/6, sum of squares 2.5, s^2 = (2.5 - 6/36) / 5.
    // Crude: N1-N4 employed on the first day (Jan 1), all still there on Feb 1.
    let comparison = &metrics["matchedComparison"][0];
    assert_eq!(
        (&comparison["matched"], &comparison["unmatched"], &comparison["suppressed"]),
        (&json!(6), &json!(0), &json!(false))
    );
    close(&comparison["participantRate"], 5.0 / 6.0);
    close(&comparison["comparisonRate"], 4.0 / 6.0);
    close(&comparison["difference"], 1.0 / 6.0);
    let half = 1.96 * ((2.5 - 6.0 / 36.0) / 5.0_f64).sqrt() / 6.0_f64.sqrt();
    close(&comparison["intervalLow"], 1.0 / 6.0 - half);
    close(&comparison["intervalHigh"], 1.0 / 6.0 + half);
    close(&comparison["crudeRate"], 1.0);

    // Cadence: active days r1 Jan 31-Feb 27 = 28, r2 Aug 31-Nov 30 = 92, r3 Sep 15-Nov 30 = 77,
    // r4 Nov 15-30 = 16; 213 days = 213 / 30.4375 months. Meetings on or before Nov 30: 3 + 3 + 1 = 7,
    // 120 + 135 + 30 = 285 minutes = 4.75 hours. Eligible (>= 30 days): r2 (3 x 30.4375 / 92 = 0.99 < 1)
    // and r3 (3 x 30.4375 / 77 = 1.19 >= 1): share 1/2.
    let cadence = &metrics["cadence"];
    assert_eq!(
        (&cadence["relationships"], &cadence["meetings"], &cadence["eligibleRelationships"]),
        (&json!(4), &json!(7), &json!(2))
    );
    close(&cadence["hours"], 4.75);
    close(&cadence["activeMonths"], 213.0 / 30.4375);
    close(&cadence["meetingsPerActiveMonth"], 7.0 * 30.4375 / 213.0);
    close(&cadence["hoursPerActiveMonth"], 4.75 * 30.4375 / 213.0);
    close(&cadence["target"], 1.0);
    close(&cadence["shareReachingTarget"], 0.5);

    // Satisfaction, each person's latest answer per relationship as of Nov 30: E2 (5, 4), M2 (4, 5),
    // E3 (3, 2), M3 (1, 1; the Dec 2 answer is after asOf), M4 (4, 4; same time as (2, 2), later id).
    // Means 17/5 and 16/5; 4 or 5: satisfaction 3 of 5, confidence 3 of 5.
    let satisfaction = &metrics["satisfaction"];
    assert_eq!((&satisfaction["answers"], &satisfaction["respondents"]), (&json!(5), &json!(5)));
    close(&satisfaction["averageSatisfaction"], 3.4);
    close(&satisfaction["averageConfidence"], 3.2);
    close(&satisfaction["shareSatisfied"], 0.6);
    close(&satisfaction["shareConfident"], 0.6);

    // Skills learned as of Nov 30 (M3's Dec 1 learning is not yet recorded; E2's TikTok is
    // confirmed only on Dec 1): recorded 7, confirmed 5 (Prompting x3, P&L x2), learners E1, E2,
    // E3, E4, M2 = 5. By side: MENTOR 1 learner (M2), withheld; MENTEE 4, withheld with it (a lone
    // small cell takes the next smallest along while the total shows).
    let skills = &metrics["skillsLearned"];
    assert_eq!(
        (&skills["recorded"], &skills["confirmed"], &skills["learners"], &skills["suppressed"]),
        (&json!(7), &json!(5), &json!(5), &json!(false))
    );
    let hidden =
        |key: &str| json!({ "key": key, "recorded": null, "confirmed": null, "learners": null, "suppressed": true });
    assert_eq!(skills["bySide"], json!([hidden("MENTOR"), hidden("MENTEE")]));
    // By category: BUSINESS 2 learners (M2, E2) and SOCIAL_MEDIA 2 (E2, E4) withheld; TECHNOLOGY 3.
    assert_eq!(
        skills["byCategory"],
        json!([hidden("BUSINESS"), hidden("SOCIAL_MEDIA"),
               { "key": "TECHNOLOGY", "recorded": 3, "confirmed": 3, "learners": 3, "suppressed": false }])
    );
    let by_skill: Vec<(&str, bool)> = skills["bySkill"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|cell| (cell["key"].as_str().unwrap_or(""), cell["suppressed"].as_bool().unwrap_or(false)))
        .collect();
    assert_eq!(by_skill, vec![("Prompting", false), ("Reading a P&L", true), ("TikTok", true)]);
    // Per mentee, window 2 months, target 2: observable E1 (until Mar 31), E2 (until Oct 31),
    // E3 (until Nov 15); E4 (until Jan 15) not yet. Confirmed learnings recorded in the window:
    // E1 1, E2 2 (Prompting; P&L on Oct 31, the window's last day), E3 1: mean 4/3, 1 of 3 reach 2.
    let per_mentee = &skills["perMentee"];
    assert_eq!((&per_mentee["windowMonths"], &per_mentee["observable"]), (&json!(2), &json!(3)));
    close(&per_mentee["target"], 2.0);
    close(&per_mentee["mean"], 4.0 / 3.0);
    close(&per_mentee["shareReachingTarget"], 1.0 / 3.0);

    // Objectives as of Nov 30 (startsOn Jan 1, endsOn 2030-12-31):
    // - skills per mentee: 4/3 < 2, due 2030: AT_RISK;
    // - relationships formed: 4 < 10, due Dec 31: 333 of 364 days gone, 4 < 10 x 333/364: AT_RISK;
    // - retention at 1 month: 5/6 >= 0.8, due Jun 30 (passed): MET;
    // - meetings per active month: 7 x 30.4375 / 213 = 1.0003 >= 1, due 2030: ON_TRACK;
    // - average satisfaction: 3.4 >= 3, due 2030: ON_TRACK.
    let objectives = metrics["objectives"].as_array().expect("objectives").clone();
    let statuses: Vec<(&str, &str, &str)> = objectives
        .iter()
        .map(|o| {
            (o["kind"].as_str().unwrap_or(""), o["dueOn"].as_str().unwrap_or(""), o["status"].as_str().unwrap_or(""))
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("SKILLS_LEARNED_PER_MENTEE", "2030-12-31", "AT_RISK"),
            ("RELATIONSHIPS_FORMED", "2026-12-31", "AT_RISK"),
            ("PARTICIPANT_RETENTION", "2026-06-30", "MET"),
            ("MEETINGS_PER_MONTH_PER_MATCH", "2030-12-31", "ON_TRACK"),
            ("AVERAGE_SATISFACTION", "2030-12-31", "ON_TRACK"),
        ]
    );
    close(&objectives[0]["actual"], 4.0 / 3.0);
    close(&objectives[1]["actual"], 4.0);
    close(&objectives[2]["actual"], 5.0 / 6.0);
    close(&objectives[3]["actual"], 7.0 * 30.4375 / 213.0);
    close(&objectives[4]["actual"], 3.4);
}

#[tokio::test]
async fn small_groups_are_withheld_and_metrics_stay_in_their_organisation() {
    let app = TestApp::spawn().await;
    let (program, matches) = fixture(&app).await;
    answers(&app, &matches).await;
    let coordinator = app.as_coordinator("acme");
    // The default smallest group is 5: 4 observable participants at 3 months, 5 respondents.
    let answer = coordinator.gql(METRICS, json!({ "p": program, "d": AS_OF, "h": [3] })).await;
    let metrics = &answer.data()["programMetrics"];
    assert_eq!(
        metrics["retention"][0],
        json!({ "months": 3, "observable": null, "retained": null, "rate": null, "suppressed": true,
                "byRole": [{ "role": "MENTOR", "observable": null, "retained": null, "rate": null, "suppressed": true },
                           { "role": "MENTEE", "observable": null, "retained": null, "rate": null, "suppressed": true }] })
    );
    assert_eq!(metrics["satisfaction"]["suppressed"], false);
    app.as_admin("acme")
        .gql("mutation { updateOrgSettings(minGroupSize: 6) { minGroupSize } }", json!({}))
        .await
        .data();
    let answer = coordinator.gql(METRICS, json!({ "p": program, "d": AS_OF, "h": [1] })).await;
    assert_eq!(answer.data()["programMetrics"]["satisfaction"]["averageSatisfaction"], Value::Null);
    assert_eq!(answer.data()["programMetrics"]["retention"][0]["observable"], 6, "6 people: shown at 6");
    app.as_admin("acme")
        .gql("mutation { updateOrgSettings(minGroupSize: 2) { minGroupSize } }", json!({}))
        .await
        .assert_error("BAD_USER_INPUT", "between 3 and 1000");
    for role in [Role::Participant, Role::Lms] {
        let session =
            if role == Role::Participant { app.as_participant("acme", "M2") } else { app.as_role("acme", role) };
        session.gql(METRICS, json!({ "p": program })).await.assert_error("FORBIDDEN", "outcome metrics");
    }
    app.as_coordinator("acme")
        .gql("{ orgSettings { minGroupSize } }", json!({}))
        .await
        .assert_error("FORBIDDEN", "settings");
    let globex = app.as_admin("globex");
    globex.gql(METRICS, json!({ "p": program })).await.assert_error("NOT_FOUND", "program");
    assert_eq!(
        globex.gql("{ orgSettings { minGroupSize } }", json!({})).await.data()["orgSettings"]["minGroupSize"],
        5
    );
}

const BREAKDOWN: &str = "query($p: ID!, $d: NaiveDate, $by: MetricsDimension!) {
  programMetrics(programId: $p, asOf: $d, horizons: [1]) { breakdown(by: $by) { key
    retention { observable retained rate suppressed }
    matchedComparison { matched participantRate comparisonRate difference intervalLow intervalHigh crudeRate suppressed }
    cadence { relationships meetings suppressed }
    skillsLearned { recorded confirmed learners suppressed }
    satisfaction { answers respondents averageSatisfaction shareSatisfied suppressed } } } }";

#[tokio::test]
async fn breakdowns_place_people_in_their_cells_and_withhold_small_ones() {
    let app = TestApp::spawn().await;
    let program = recorded_fixture(&app).await;
    let analyst = app.as_role("acme", Role::Analyst);
    let answer = analyst.gql(BREAKDOWN, json!({ "p": program, "d": AS_OF, "by": "DEPARTMENT" })).await;
    let cells = answer.data()["programMetrics"]["breakdown"].as_array().expect("cells").clone();
    let keys: Vec<&str> = cells.iter().map(|cell| cell["key"].as_str().unwrap_or("")).collect();
    assert_eq!(keys, vec!["Engineering", "Finance"]);
    let (engineering, finance) = (&cells[0], &cells[1]);
    // Retention at 1 month: Engineering M1, M2, M3 all retained; Finance E1 gone, E2 and E3 retained.
    assert_eq!(
        engineering["retention"][0],
        json!({ "observable": 3, "retained": 3, "rate": 1.0, "suppressed": false })
    );
    assert_eq!((&finance["retention"][0]["observable"], &finance["retention"][0]["retained"]), (&json!(3), &json!(2)));
    // Matched comparison per department at 1 month (the pools as in the whole-program test):
    // Engineering d = [0, 0.5, 0.5], Finance d = [-1, 0, 1]. Crude: Engineering has 3
    // non-participants, Finance 1: Finance withheld, and Engineering with it.
    let engineering_comparison = &engineering["matchedComparison"][0];
    assert_eq!((&engineering_comparison["matched"], &engineering_comparison["crudeRate"]), (&json!(3), &Value::Null));
    close(&engineering_comparison["participantRate"], 1.0);
    close(&engineering_comparison["comparisonRate"], 2.0 / 3.0);
    close(&engineering_comparison["difference"], 1.0 / 3.0);
    let half = 1.96 * ((0.5 - 3.0 / 9.0) / 2.0_f64).sqrt() / 3.0_f64.sqrt();
    close(&engineering_comparison["intervalHigh"], 1.0 / 3.0 + half);
    let finance_comparison = &finance["matchedComparison"][0];
    close(&finance_comparison["difference"], 0.0);
    close(&finance_comparison["intervalLow"], -1.96 / 3.0_f64.sqrt());
    assert_eq!(finance_comparison["crudeRate"], Value::Null);
    // Cadence: every relationship has one person in each department, so both cells hold all four.
    for cell in [engineering, finance] {
        assert_eq!(cell["cadence"], json!({ "relationships": 4, "meetings": 7, "suppressed": false }));
    }
    // Satisfaction: Engineering M2 (4), M3 (1), M4 (4): 3 respondents; Finance E2, E3: 2 < 3, withheld,
    // and with the total shown Engineering is withheld too, or Finance = total - Engineering.
    let withheld = json!({ "answers": null, "respondents": null, "averageSatisfaction": null, "shareSatisfied": null, "suppressed": true });
    assert_eq!((&engineering["satisfaction"], &finance["satisfaction"]), (&withheld, &withheld));
    // Skills: Engineering 1 learner (M2), withheld; Finance 4 learners, withheld with it.
    assert_eq!(engineering["skillsLearned"]["suppressed"], true);
    assert_eq!(
        finance["skillsLearned"],
        json!({ "recorded": null, "confirmed": null, "learners": null, "suppressed": true })
    );

    // Level bands and roles name their cells the same way.
    let answer = analyst.gql(BREAKDOWN, json!({ "p": program, "d": AS_OF, "by": "LEVEL_BAND" })).await;
    let cells = answer.data()["programMetrics"]["breakdown"].as_array().expect("cells").clone();
    let keys: Vec<&str> = cells.iter().map(|cell| cell["key"].as_str().unwrap_or("")).collect();
    assert_eq!(keys, vec!["1-3", "10-12"], "mentors are level 2, mentees level 12");
    let by_role = analyst.gql(BREAKDOWN, json!({ "p": program, "d": AS_OF, "by": "ROLE" })).await;
    let cells = by_role.data()["programMetrics"]["breakdown"].as_array().expect("cells").clone();
    assert_eq!(cells[0]["key"], "MENTEE");
    assert_eq!(
        cells[0]["retention"][0],
        json!({ "observable": 3, "retained": 2, "rate": 2.0 / 3.0, "suppressed": false })
    );
}

#[tokio::test]
async fn a_series_counts_each_quarter_and_withholds_quiet_ones() {
    let app = TestApp::spawn().await;
    let program = recorded_fixture(&app).await;
    let query = "query($p: ID!, $d: NaiveDate) { programMetrics(programId: $p, asOf: $d) { series(interval: QUARTER) {
        period start end relationshipsStarted activeAtEnd meetings hours learningsConfirmed feedbackAnswers suppressed } } }";
    let answer = app.as_role("acme", Role::Analyst).gql(query, json!({ "p": program, "d": AS_OF })).await;
    let series = answer.data()["programMetrics"]["series"].clone();
    let quiet = |period: &str, start: &str, end: &str| {
        json!({ "period": period, "start": start, "end": end, "relationshipsStarted": null, "activeAtEnd": null,
                "meetings": null, "hours": null, "learningsConfirmed": null, "feedbackAnswers": null, "suppressed": true })
    };
    // Q1: r1 (M1, E1) only, 2 people; Q2: nobody. Q3: r2 and r3 start (4 people), meetings Sep 10
    // (60 min) and Sep 20 (45), learnings confirmed Sep 12 and 21, answers Sep 15 and 30. Q4 to
    // Nov 30: r4 starts, r2-r4 run at the end (6 people), meetings Oct 10, Oct 20, Nov 20 x2 and
    // Nov 30 23:59 (180 min; Dec 1 is after), learnings Oct 22 and Nov 1, 5 answers (Dec 2 is after).
    assert_eq!(
        series,
        json!([
            quiet("2026-Q1", "2026-01-01", "2026-03-31"),
            quiet("2026-Q2", "2026-04-01", "2026-06-30"),
            { "period": "2026-Q3", "start": "2026-07-01", "end": "2026-09-30", "relationshipsStarted": 2, "activeAtEnd": 2,
              "meetings": 2, "hours": 1.75, "learningsConfirmed": 2, "feedbackAnswers": 2, "suppressed": false },
            { "period": "2026-Q4", "start": "2026-10-01", "end": "2026-11-30", "relationshipsStarted": 1, "activeAtEnd": 3,
              "meetings": 5, "hours": 3.0, "learningsConfirmed": 2, "feedbackAnswers": 5, "suppressed": false },
        ])
    );
}

/// GETs an export with `session`'s token: status, content type and body.
async fn export(app: &TestApp, token: &str, path: &str) -> (u16, String, String) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET export");
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, content_type, response.text().await.expect("body"))
}

/// What an export of acme's program refuses: a participant (403), another organisation (404, as
/// if it did not exist), a malformed parameter (`bad`, 400) and a bad token (401).
async fn refusals(app: &TestApp, path: &str, bad: &str) {
    let (status, _, body) = export(app, &app.as_participant("acme", "M2").token, path).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("\"FORBIDDEN\""), "{body}");
    let (status, _, body) = export(app, &app.as_admin("globex").token, path).await;
    assert_eq!(status, 404, "another organisation's program is not found: {body}");
    let (status, _, body) = export(app, &app.as_role("acme", Role::Analyst).token, bad).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("BAD_USER_INPUT"), "{body}");
    let (status, _, body) = export(app, "not-a-token", path).await;
    assert_eq!(status, 401, "{body}");
}

#[tokio::test]
async fn the_csv_export_carries_the_same_figures_quoted_and_neutralised() {
    let app = TestApp::spawn().await;
    let (program, matches) = fixture(&app).await;
    meetings(&app, &matches).await;
    answers(&app, &matches).await;
    // A department name a spreadsheet would run as a formula.
    let mut renamed = person("M2", "Mentor 2", "=HYPERLINK(\"http://x\",\"click\")", 2);
    renamed["hiredOn"] = json!("2020-01-15");
    app.as_admin("acme").upsert_people(json!([renamed])).await;
    app.as_admin("acme")
        .gql("mutation { updateOrgSettings(minGroupSize: 3) { minGroupSize } }", json!({}))
        .await
        .data();
    let analyst = app.as_role("acme", Role::Analyst);
    let path = format!("/exports/programs/{program}/metrics.csv?asOf={AS_OF}&horizons=1&by=DEPARTMENT");
    let (status, content_type, body) = export(&app, &analyst.token, &path).await;
    assert_eq!((status, content_type.as_str()), (200, "text/csv; charset=utf-8"), "{body}");
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert_eq!(lines[0], "figure,dimension,cell,months,measure,value,suppressed");
    for expected in [
        "retention,,,1,observable,6,false",
        "retention,ROLE,MENTOR,1,retained,3,false",
        "cadence,,,,meetings,7,false",
        "cadence,,,,hours,4.75,false",
        "satisfaction,,,,respondents,5,false",
        "satisfaction,,,,averageSatisfaction,3.4,false",
        "objective,,SKILLS_LEARNED_PER_MENTEE,,status,AT_RISK,false",
        // The breakdown's cells: the renamed department is quoted and made text.
        "cadence,DEPARTMENT,\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",,relationships,,true",
        "cadence,DEPARTMENT,Finance,,relationships,4,false",
        // The breakdown's matched comparison: Finance's four mentees are matched at one month.
        "matched_comparison,DEPARTMENT,Finance,1,matched,3,false",
    ] {
        assert!(lines.contains(&expected), "missing {expected:?} in\n{body}");
    }
    refusals(&app, &path, &format!("/exports/programs/{program}/metrics.csv?horizons=soon")).await;
}

#[tokio::test]
async fn org_metrics_measure_several_programs_together_and_filter_them() {
    let app = TestApp::spawn().await;
    let program = recorded_fixture(&app).await;
    let admin = app.as_admin("acme");
    // A second program, CULTURAL_REVERSE: N1 mentors N3 from Jun 15.
    let create = "mutation { createProgram(input: { name: \"Culture\", kind: CULTURAL_REVERSE, startsOn: \"2026-01-01\",
        endsOn: \"2030-12-31\", matchingRules: { seniority: NONE, reportingLineDepth: 0, differentDepartment: false } }) { id } }";
    let second = admin.gql(create, json!({})).await.data()["createProgram"]["id"].as_str().expect("id").to_owned();
    admin.open_enrollment(&second).await;
    let id_of = |employee: &'static str| {
        let admin = &admin;
        async move {
            let query = format!("{{ person(employeeId: \"{employee}\") {{ id }} }}");
            admin.gql(&query, json!({})).await.data()["person"]["id"].as_str().expect("id").to_owned()
        }
    };
    let mentor = admin.enroll(&second, &id_of("N1").await, "MENTOR").await;
    let mentee = admin.enroll(&second, &id_of("N3").await, "MENTEE").await;
    let input = json!({ "programId": second, "mentorEnrollmentId": mentor, "menteeEnrollmentId": mentee });
    let pair =
        admin.gql("mutation($i: PairManuallyInput!) { pairManually(input: $i) { id } }", json!({ "i": input })).await;
    let pair = row_number(pair.data()["pairManually"]["id"].as_str().expect("id"));
    let db = app.store.connection();
    let mut row = matched_pair::Entity::find_by_id(pair).one(db).await.expect("read").expect("row").into_active_model();
    row.started_on = Set(Some(date("2026-06-15")));
    row.update(db).await.expect("write");

    let query = "query($d: NaiveDate, $f: ProgramFilter) { orgMetrics(filter: $f, asOf: $d, horizons: [1]) {
        programs programId retention { observable retained suppressed } cadence { relationships } objectives { kind } } }";
    let analyst = app.as_role("acme", Role::Analyst);
    // Both programs: the fixture's 6 observable (5 retained) and N1, N3 (Jul 15, both employed).
    let all = analyst.gql(query, json!({ "d": AS_OF })).await.data()["orgMetrics"].clone();
    assert_eq!(
        all,
        json!({ "programs": 2, "programId": null, "retention": [{ "observable": 8, "retained": 7, "suppressed": false }],
                "cadence": { "relationships": 5 }, "objectives": [] })
    );
    // Only the cultural program: 2 people, under the smallest group of 3.
    let culture =
        analyst.gql(query, json!({ "d": AS_OF, "f": { "kind": "CULTURAL_REVERSE" } })).await.data()["orgMetrics"]
            .clone();
    assert_eq!(culture["programs"], 1);
    assert_eq!(culture["retention"][0], json!({ "observable": null, "retained": null, "suppressed": true }));
    let none =
        analyst.gql(query, json!({ "d": AS_OF, "f": { "startsFrom": "2029-01-01" } })).await.data()["orgMetrics"]
            .clone();
    assert_eq!((&none["programs"], &none["cadence"]["relationships"]), (&json!(0), &Value::Null));
    let single =
        analyst.gql(METRICS, json!({ "p": program, "d": AS_OF, "h": [1] })).await.data()["programMetrics"].clone();
    assert_eq!(single["retention"][0]["observable"], 6, "programMetrics still measures one program");
    app.as_participant("acme", "M1").gql(query, json!({})).await.assert_error("FORBIDDEN", "outcome metrics");
    let globex = app.as_admin("globex").gql(query, json!({ "d": AS_OF })).await.data()["orgMetrics"].clone();
    assert_eq!(globex["programs"], 0, "another organisation's programs are not counted");
}

#[tokio::test]
async fn the_relationships_export_is_one_pseudonymous_row_per_relationship() {
    let app = TestApp::spawn().await;
    let program = recorded_fixture(&app).await;
    // All four mentors in a department a spreadsheet would run as a formula: shared by four
    // people, so it is shown (neutralised), unlike a name only one person has.
    let renamed: Vec<Value> = (1..=4).map(|n| person(&format!("M{n}"), &format!("Mentor {n}"), "=cmd", 2)).collect();
    app.as_admin("acme").upsert_people(Value::Array(renamed)).await;
    let analyst = app.as_role("acme", Role::Analyst);
    let path = format!("/exports/programs/{program}/relationships.csv?asOf={AS_OF}");
    let (status, content_type, body) = export(&app, &analyst.token, &path).await;
    assert_eq!((status, content_type.as_str()), (200, "text/csv; charset=utf-8"), "{body}");
    let lines: Vec<&str> = body.trim_end_matches("\r\n").split("\r\n").collect();
    assert_eq!(
        lines[0],
        "relationship,mentor,mentee,mentor_department,mentor_level_band,mentor_generation,mentee_department,\
         mentee_level_band,mentee_generation,started_on,ended_on,status,meetings,hours,learnings_recorded,\
         learnings_confirmed,mentor_satisfaction,mentor_confidence,mentee_satisfaction,mentee_confidence"
    );
    let rows: Vec<Vec<&str>> = lines[1..].iter().map(|line| line.split(',').collect()).collect();
    // Worked out from the fixture as of 2026-11-30 (see `meetings`, `learnings`, `answers`): r1
    // ended early with E1's one confirmed learning; r2 has three meetings (120 min), four
    // learnings recorded and three confirmed (TikTok was confirmed on Dec 1), E2's latest answer
    // 5/4 and M2's 4/5; r3 three meetings of 45 min, M3's learning recorded Dec 1 not yet
    // counted, M3's latest answer by then 1/1 (the Dec 2 one is later); r4 one 30-minute
    // meeting and M4's two answers at the same time, the later row (4/4) the latest.
    let expected = [
        ["2026-01-31", "2026-02-27", "ENDED_EARLY", "0", "0", "1", "1", "", "", "", ""],
        ["2026-08-31", "", "ACTIVE", "3", "2", "4", "3", "4", "5", "5", "4"],
        ["2026-09-15", "", "ACTIVE", "3", "2.25", "1", "1", "1", "1", "3", "2"],
        ["2026-11-15", "", "ACTIVE", "1", "0.5", "1", "0", "4", "4", "", ""],
    ];
    assert_eq!(rows.len(), expected.len(), "{body}");
    for (row, expected) in rows.iter().zip(expected) {
        assert_eq!(row[9..], expected, "{body}");
        assert_eq!(row[3..9], ["'=cmd", "1-3", "", "Finance", "10-12", ""], "{body}");
        assert!(row[0].starts_with("R-") && row[1].starts_with("P-") && row[2].starts_with("P-"), "{body}");
    }
    let keys: std::collections::BTreeSet<&str> = rows.iter().flat_map(|row| row[..3].to_vec()).collect();
    assert_eq!(keys.len(), 12, "every relationship and person has a key of its own: {body}");
    assert!(!body.contains("Mentor") && !body.contains("@example.com"), "no names or e-mails: {body}");
    let (_, _, again) = export(&app, &analyst.token, &path).await;
    assert_eq!(again, body, "pseudonyms stay the same from one export to the next");

    // With groups of five, the four mentors and four mentees show none of their attributes.
    app.as_admin("acme")
        .gql("mutation { updateOrgSettings(minGroupSize: 5) { minGroupSize } }", json!({}))
        .await
        .data();
    let (_, _, body) = export(&app, &analyst.token, &path).await;
    for line in body.trim_end_matches("\r\n").split("\r\n").skip(1) {
        let row: Vec<&str> = line.split(',').collect();
        assert_eq!(row[3..9], ["*"; 6], "{body}");
    }

    refusals(&app, &path, &format!("/exports/programs/{program}/relationships.csv?asOf=soon")).await;
}

/// The `analytics` views' rows for one program, as JSON objects.
async fn view_rows(app: &TestApp, view: &str, program: i64) -> Vec<Value> {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.store.connection();
    let sql = format!("SELECT row_to_json(v)::text AS row FROM analytics.{view} v WHERE program_id = $1");
    let statement = Statement::from_sql_and_values(db.get_database_backend(), sql, [program.into()]);
    db.query_all_raw(statement)
        .await
        .expect("query the view")
        .iter()
        .map(|row| serde_json::from_str(&row.try_get::<String>("", "row").expect("row")).expect("json"))
        .collect()
}

#[track_caller]
fn same(view: &Value, graphql: &Value, what: &str) {
    match (view.as_f64(), graphql.as_f64()) {
        (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{what}: view {a} != GraphQL {b}"),
        _ => assert_eq!(view, graphql, "{what}"),
    }
}

#[tokio::test]
async fn the_analytics_views_give_the_numbers_graphql_gives() {
    let app = TestApp::spawn().await;
    let program = recorded_fixture(&app).await;
    if app.store.connection().get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        // The views are for BI tools on the production database: SQLite has none.
        use sea_orm::{ConnectionTrait, Statement};
        let db = app.store.connection();
        let sql = "SELECT COUNT(*) AS n FROM sqlite_master WHERE name LIKE '%analytics%'";
        let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect("query");
        assert_eq!(rows[0].try_get::<i64>("", "n").expect("n"), 0);
        return;
    }
    // Both evaluate as of today, GraphQL by default and the views always.
    let query = "query($p: ID!) { programMetrics(programId: $p) {
      retention { months observable retained rate suppressed byRole { role observable retained rate suppressed } }
      matchedComparison { months matched unmatched participantRate comparisonRate difference intervalLow intervalHigh
                          crudeRate suppressed }
      cadence { relationships meetings hours activeMonths meetingsPerActiveMonth hoursPerActiveMonth
                eligibleRelationships target shareReachingTarget suppressed }
      skillsLearned { recorded confirmed learners suppressed }
      satisfaction { answers respondents averageSatisfaction averageConfidence shareSatisfied shareConfident suppressed } } }";
    let metrics =
        app.as_role("acme", Role::Analyst).gql(query, json!({ "p": program })).await.data()["programMetrics"].clone();
    let id = row_number(&program);
    let shown = |figure: &Value| figure["suppressed"] == json!(false);

    let retention = view_rows(&app, "retention", id).await;
    assert_eq!(retention.len(), 9, "three horizons, ALL and both roles: {retention:?}");
    for figure in metrics["retention"].as_array().expect("retention") {
        let months = &figure["months"];
        let row = |role: &str| {
            retention.iter().find(|row| &row["months"] == months && row["role"] == json!(role)).expect("row").clone()
        };
        for field in ["observable", "retained", "rate", "suppressed"] {
            same(&row("ALL")[field], &figure[field], &format!("retention {months} {field}"));
        }
        for cell in figure["byRole"].as_array().expect("byRole") {
            let role = cell["role"].as_str().expect("role");
            for field in ["observable", "retained", "rate", "suppressed"] {
                same(&row(role)[field], &cell[field], &format!("retention {months} {role} {field}"));
            }
        }
    }
    let comparison = view_rows(&app, "matched_comparison", id).await;
    let fields = [
        ("matched", "matched"),
        ("unmatched", "unmatched"),
        ("participant_rate", "participantRate"),
        ("comparison_rate", "comparisonRate"),
        ("difference", "difference"),
        ("interval_low", "intervalLow"),
        ("interval_high", "intervalHigh"),
        ("crude_rate", "crudeRate"),
        ("suppressed", "suppressed"),
    ];
    for figure in metrics["matchedComparison"].as_array().expect("matchedComparison") {
        let row = comparison.iter().find(|row| row["months"] == figure["months"]).expect("a row per horizon");
        for (column, field) in fields {
            same(&row[column], &figure[field], &format!("matched comparison {} {field}", figure["months"]));
        }
    }
    let checks = [
        (
            "cadence",
            "cadence",
            vec![
                ("relationships", "relationships"),
                ("meetings", "meetings"),
                ("hours", "hours"),
                ("active_months", "activeMonths"),
                ("meetings_per_active_month", "meetingsPerActiveMonth"),
                ("hours_per_active_month", "hoursPerActiveMonth"),
                ("eligible_relationships", "eligibleRelationships"),
                ("target", "target"),
                ("share_reaching_target", "shareReachingTarget"),
                ("suppressed", "suppressed"),
            ],
        ),
        (
            "skills_learned",
            "skillsLearned",
            vec![
                ("recorded", "recorded"),
                ("confirmed", "confirmed"),
                ("learners", "learners"),
                ("suppressed", "suppressed"),
            ],
        ),
        (
            "satisfaction",
            "satisfaction",
            vec![
                ("answers", "answers"),
                ("respondents", "respondents"),
                ("average_satisfaction", "averageSatisfaction"),
                ("average_confidence", "averageConfidence"),
                ("share_satisfied", "shareSatisfied"),
                ("share_confident", "shareConfident"),
                ("suppressed", "suppressed"),
            ],
        ),
    ];
    let mut compared_shown = 0;
    for (view, figure, fields) in checks {
        let rows = view_rows(&app, view, id).await;
        assert_eq!(rows.len(), 1, "{view}: one row per program");
        assert_eq!(rows[0]["org_id"], json!("acme"), "{view}: the program's organisation");
        compared_shown += usize::from(shown(&metrics[figure]));
        for (column, field) in fields {
            same(&rows[0][column], &metrics[figure][field], &format!("{view} {field}"));
        }
    }
    assert_eq!(compared_shown, 3, "the fixture shows cadence, skills and satisfaction: {metrics}");
    // Another organisation's program has rows of its own and changes nothing here.
    let other = app.as_admin("globex");
    let create = "mutation { createProgram(input: { name: \"Other\", startsOn: \"2026-01-01\", endsOn: \"2030-12-31\",
        matchingRules: { seniority: NONE, reportingLineDepth: 0 } }) { id } }";
    let theirs = row_number(other.gql(create, json!({})).await.data()["createProgram"]["id"].as_str().expect("id"));
    let rows = view_rows(&app, "cadence", theirs).await;
    assert_eq!((rows.len(), &rows[0]["org_id"], &rows[0]["suppressed"]), (1, &json!("globex"), &json!(true)));
    assert_eq!(view_rows(&app, "retention", id).await, retention, "acme's rows are unchanged");
}
