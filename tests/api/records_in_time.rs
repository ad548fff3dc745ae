//! Records that stay true: meetings within their relationship and both employments, one
//! departure path whatever the source (past, scheduled, imported), participants who left
//! refused, one record window with a grace period, feedback as a `Node` whose latest answer
//! is the latest by `submittedAt`, and the integrity report with the repair migration.

use chrono::{Duration, NaiveDate, Utc};
use reverse_mentoring::store::entity::{feedback, matched_pair, meeting, person};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::{Value, json};

use crate::common::factories::person;
use crate::common::{Session, TestApp, row_number};

/// A BOTH-mode program with M0-E0 and M1-E1 running for 30 days, M2 and E2 enrolled unmatched.
struct World {
    program: String,
    matches: [String; 2],
    people: Vec<String>,
    enrollments: Vec<String>,
}

const EMPLOYEES: [&str; 6] = ["M0", "E0", "M1", "E1", "M2", "E2"];

async fn world(app: &TestApp) -> World {
    let admin = app.as_admin("acme");
    let batch: Vec<Value> = EMPLOYEES
        .iter()
        .map(|id| {
            let (department, level) = if id.starts_with('M') { ("Engineering", 2) } else { ("Finance", 12) };
            person(id, &format!("Person {id}"), department, level)
        })
        .collect();
    let people = admin.upsert_people(Value::Array(batch)).await;
    let create =
        "mutation { createProgram(input: { name: \"In time\", startsOn: \"2026-01-01\", endsOn: \"2030-12-31\",
        matchingRules: { mode: BOTH, seniority: NONE, reportingLineDepth: 0 } }) { id } }";
    let program = text(admin.gql(create, json!({})).await.data(), "/createProgram/id");
    admin.open_enrollment(&program).await;
    let mut enrollments = Vec::new();
    for (index, id) in people.iter().enumerate() {
        let role = if index % 2 == 0 { "MENTOR" } else { "MENTEE" };
        enrollments.push(admin.enroll(&program, id, role).await);
    }
    let pair = "mutation($i: PairManuallyInput!) { pairManually(input: $i) { id } }";
    let mut matches = Vec::new();
    for n in 0..2 {
        let input = json!({ "programId": program, "mentorEnrollmentId": enrollments[2 * n],
                            "menteeEnrollmentId": enrollments[2 * n + 1] });
        matches.push(text(admin.gql(pair, json!({ "i": input })).await.data(), "/pairManually/id"));
    }
    app.backdate_relationships("acme", 30).await;
    World { program, matches: [matches[0].clone(), matches[1].clone()], people, enrollments }
}

fn text(value: &Value, pointer: &str) -> String {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("no {pointer} in {value}")).to_owned()
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The day `offset` days from today, as the API writes dates.
fn day(offset: i64) -> String {
    (today() + Duration::days(offset)).to_string()
}

/// A meeting held at noon UTC `offset` days from today (or now, for today).
fn meeting_on(offset: i64) -> Value {
    let held_at = if offset == 0 { Utc::now().to_rfc3339() } else { format!("{}T12:00:00Z", day(offset)) };
    json!({ "heldAt": held_at, "minutes": 30, "format": "VIDEO" })
}

const LOG: &str = "mutation($m: ID!, $i: MeetingInput!) { logMeeting(matchId: $m, input: $i) { id heldAt } }";
const FEEDBACK: &str =
    "mutation($m: ID!, $s: Int!) { submitFeedback(matchId: $m, satisfaction: $s, confidence: 4) { id satisfaction } }";
const LEARNING: &str = "mutation($m: ID!) { recordLearning(input: { matchId: $m, learner: MENTEE,
    newSkill: { name: \"Prompting\", category: TECHNOLOGY } }) { id } }";
const CONFIRM: &str = "mutation($id: ID!) { confirmLearning(id: $id) { confirmed } }";
const DEPART: &str =
    "mutation($p: ID!, $on: NaiveDate!) { recordDeparture(personId: $p, leftOn: $on) { employmentStatus leftOn } }";
const CANCEL: &str = "mutation($p: ID!) { cancelDeparture(personId: $p) { employmentStatus leftOn } }";
const COMPLETE: &str = "mutation($id: ID!) { completeMatch(id: $id) { status } }";
const MATCH: &str = "query($id: ID!) { node(id: $id) { ... on Match { status endReason startedOn endedOn note } } }";

async fn read_match(session: &Session<'_>, id: &str) -> Value {
    session.gql(MATCH, json!({ "id": id })).await.data()["node"].clone()
}

async fn person_state(session: &Session<'_>, id: &str) -> Value {
    let query = "query($id: ID!) { node(id: $id) { ... on Person { employmentStatus leftOn } } }";
    session.gql(query, json!({ "id": id })).await.data()["node"].clone()
}

/// Audit events with `action`, oldest first, as (actor, details).
async fn audit(session: &Session<'_>, action: &str) -> Vec<(String, Value)> {
    let query = "{ auditEvents(first: 100) { nodes { actor action details } } }";
    let response = session.gql(query, json!({})).await;
    let events = response.data()["auditEvents"]["nodes"].as_array().expect("events").clone();
    events
        .into_iter()
        .filter(|event| event["action"] == action)
        .map(|event| (text(&event, "/actor"), event["details"].clone()))
        .collect()
}

/// Sets a column of one match directly, as time passing (or an older version) would have left it.
async fn set_match_dates(app: &TestApp, id: &str, started_on: Option<NaiveDate>, ended_on: Option<NaiveDate>) {
    let row =
        matched_pair::Entity::find_by_id(row_number(id)).one(app.store.connection()).await.expect("read").expect("row");
    let mut active = row.into_active_model();
    if started_on.is_some() {
        active.started_on = Set(started_on);
    }
    active.ended_on = Set(ended_on);
    active.update(app.store.connection()).await.expect("write");
}

#[tokio::test]
async fn a_meeting_lies_within_its_relationship_and_both_employments_and_not_in_the_future() {
    let app = TestApp::spawn().await;
    let world = world(&app).await;
    let mentor = app.as_participant("acme", "M0");
    let started = day(-30);
    let refusals = [
        (
            json!({ "heldAt": "2001-05-01T10:00:00Z", "minutes": 30, "format": "VIDEO" }),
            format!("heldAt 2001-05-01 is before the relationship started on {started}"),
        ),
        (meeting_on(-31), format!("is before the relationship started on {started}")),
        (meeting_on(2), "in the future".to_owned()),
    ];
    for (input, words) in refusals {
        mentor.gql(LOG, json!({ "m": world.matches[0], "i": input })).await.assert_error("BAD_USER_INPUT", &words);
    }
    assert!(
        mentor.gql(LOG, json!({ "m": world.matches[0], "i": meeting_on(-30) })).await.data()["logMeeting"]["id"]
            .is_string()
    );

    // The directory corrects the mentor's hire date to after the relationship began.
    let mut corrected = person("M0", "Person M0", "Engineering", 2);
    corrected["hiredOn"] = json!(day(-20));
    app.as_admin("acme").upsert_people(json!([corrected])).await;
    mentor
        .gql(LOG, json!({ "m": world.matches[0], "i": meeting_on(-25) }))
        .await
        .assert_error("BAD_USER_INPUT", &format!("before the mentor was hired on {}", day(-20)));

    // After the end: within the grace period late logs are fine, dated within the relationship.
    app.as_coordinator("acme").gql(COMPLETE, json!({ "id": world.matches[1] })).await.data();
    set_match_dates(&app, &world.matches[1], None, Some(today() - Duration::days(10))).await;
    let m1 = app.as_participant("acme", "M1");
    m1.gql(LOG, json!({ "m": world.matches[1], "i": meeting_on(-5) }))
        .await
        .assert_error("BAD_USER_INPUT", &format!("heldAt {} is after the relationship ended on {}", day(-5), day(-10)));
    assert!(
        m1.gql(LOG, json!({ "m": world.matches[1], "i": meeting_on(-12) })).await.data()["logMeeting"]["id"]
            .is_string()
    );
}

#[tokio::test]
async fn records_are_written_until_thirty_days_after_the_relationship_ended() {
    let app = TestApp::spawn().await;
    let world = world(&app).await;
    let (mentor, mentee) = (app.as_participant("acme", "M0"), app.as_participant("acme", "E0"));
    let learning = text(mentor.gql(LEARNING, json!({ "m": world.matches[0] })).await.data(), "/recordLearning/id");
    // Ended 31 days ago (its start moved back to keep it whole): the window closed yesterday.
    app.as_coordinator("acme").gql(COMPLETE, json!({ "id": world.matches[0] })).await.data();
    let ended = today() - Duration::days(31);
    set_match_dates(&app, &world.matches[0], Some(today() - Duration::days(90)), Some(ended)).await;
    let closed = format!("ended on {ended}; its records could be added until {}", day(-1));
    let calls = [
        (&mentor, LOG, json!({ "m": world.matches[0], "i": meeting_on(-40) })),
        (&mentor, FEEDBACK, json!({ "m": world.matches[0], "s": 5 })),
        (&mentor, LEARNING, json!({ "m": world.matches[0] })),
        (&mentee, CONFIRM, json!({ "id": learning })),
    ];
    for (session, doc, vars) in calls {
        session.gql(doc, vars).await.assert_error("BAD_USER_INPUT", &closed);
    }
    // 30 days after the end is still inside the window.
    set_match_dates(&app, &world.matches[0], None, Some(today() - Duration::days(30))).await;
    assert_eq!(mentee.gql(CONFIRM, json!({ "id": learning })).await.data()["confirmLearning"]["confirmed"], true);
}

#[tokio::test]
async fn a_past_departure_ends_relationships_on_the_last_day_never_before_their_start() {
    let app = TestApp::spawn().await;
    let world = world(&app).await;
    let admin = app.as_admin("acme");
    // E0's last day was ten days ago: their relationship (30 days old) ends on it.
    let left = admin.gql(DEPART, json!({ "p": world.people[1], "on": day(-10) })).await;
    assert_eq!(left.data()["recordDeparture"], json!({ "employmentStatus": "LEFT", "leftOn": day(-10) }));
    let ended = read_match(&admin, &world.matches[0]).await;
    assert_eq!(
        (&ended["status"], &ended["endReason"], &ended["endedOn"]),
        (&json!("ENDED_EARLY"), &json!("LEFT_COMPANY"), &json!(day(-10)))
    );
    assert_eq!(ended["note"], format!("E0 left the company; last day {}", day(-10)));
    // E1's last day is dated before their relationship began: it ends on its first day.
    admin.gql(DEPART, json!({ "p": world.people[3], "on": day(-45) })).await.data();
    let clamped = read_match(&admin, &world.matches[1]).await;
    assert_eq!((&clamped["startedOn"], &clamped["endedOn"]), (&json!(day(-30)), &json!(day(-30))));
    let events = audit(&admin, "person.departure").await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].1["source"], "recorded departure");
    assert_eq!(events[0].1["effects"]["matchesEnded"].as_array().map(Vec::len), Some(1));
    // A departure before a meeting of theirs is refused, naming both dates.
    let m2 = &world.people[4];
    let pair = "mutation($i: PairManuallyInput!) { pairManually(input: $i) { id } }";
    let input = json!({ "programId": world.program, "mentorEnrollmentId": world.enrollments[4], "menteeEnrollmentId": world.enrollments[5] });
    let third = text(admin.gql(pair, json!({ "i": input })).await.data(), "/pairManually/id");
    app.as_participant("acme", "M2").gql(LOG, json!({ "m": third, "i": meeting_on(0) })).await.data();
    admin.gql(DEPART, json!({ "p": m2, "on": day(-1) })).await.assert_error(
        "BAD_USER_INPUT",
        &format!("leftOn {} for M2 is before their meeting held on {}", day(-1), day(0)),
    );
    assert_eq!(person_state(&admin, m2).await["employmentStatus"], "ACTIVE", "nothing was written");
}

#[tokio::test]
async fn a_future_departure_waits_for_the_last_day_can_be_moved_or_cancelled_and_then_applies_once() {
    let app = TestApp::spawn().await;
    let world = world(&app).await;
    let admin = app.as_admin("acme");
    let e0 = &world.people[1];
    let scheduled = admin.gql(DEPART, json!({ "p": e0, "on": day(14) })).await;
    assert_eq!(scheduled.data()["recordDeparture"], json!({ "employmentStatus": "ACTIVE", "leftOn": day(14) }));
    assert_eq!(read_match(&admin, &world.matches[0]).await["status"], "ACTIVE", "matched until the last day");
    let moved = admin.gql(DEPART, json!({ "p": e0, "on": day(20) })).await;
    assert_eq!(moved.data()["recordDeparture"]["leftOn"], day(20));
    let cancelled = admin.gql(CANCEL, json!({ "p": e0 })).await;
    assert_eq!(cancelled.data()["cancelDeparture"], json!({ "employmentStatus": "ACTIVE", "leftOn": null }));
    admin.gql(DEPART, json!({ "p": e0, "on": day(0) })).await.data();
    // Today is their last working day: they still act as a participant.
    let mentee = app.as_participant("acme", "E0");
    mentee.gql(FEEDBACK, json!({ "m": world.matches[0], "s": 4 })).await.data();
    assert_eq!(audit(&admin, "person.departure.schedule").await.len(), 3, "scheduled, moved, scheduled again");
    assert_eq!(audit(&admin, "person.departure.cancel").await.len(), 1);

    // The day goes by (the last day becomes yesterday); concurrent requests apply it once.
    let row = person::Entity::find_by_id(row_number(e0)).one(app.store.connection()).await.expect("read").expect("row");
    let mut passed = row.into_active_model();
    passed.left_on = Set(Some(today() - Duration::days(1)));
    passed.update(app.store.connection()).await.expect("write");
    let reads = (0..6).map(|_| app.as_coordinator("acme")).collect::<Vec<_>>();
    let answers =
        futures::future::join_all(reads.iter().map(|session| session.gql("{ viewer { org } }", json!({})))).await;
    assert!(answers.iter().all(|answer| answer.status == 200), "every concurrent request is answered");
    let ended = read_match(&admin, &world.matches[0]).await;
    assert_eq!((&ended["status"], &ended["endedOn"]), (&json!("ENDED_EARLY"), &json!(day(-1))));
    assert_eq!(person_state(&admin, e0).await["employmentStatus"], "LEFT");
    let applied = audit(&admin, "person.departure").await;
    assert_eq!(applied.len(), 1, "applied exactly once: {applied:?}");
    assert_eq!(applied[0].0, "system");
    assert_eq!(applied[0].1["source"], "scheduled departure came due");
    // Once it took effect it is history: neither moved nor cancelled.
    admin.gql(DEPART, json!({ "p": e0, "on": day(-5) })).await.assert_error("BAD_USER_INPUT", "already took effect");
    admin.gql(CANCEL, json!({ "p": e0 })).await.assert_error("BAD_USER_INPUT", "directory import");
}

#[tokio::test]
async fn a_directory_import_departs_people_exactly_like_record_departure_and_withdraws_what_is_open() {
    let app = TestApp::spawn().await;
    let world = world(&app).await;
    let admin = app.as_admin("acme");
    // M2 is asked by E2 (pending) and proposed to E2 by the engine.
    let request = "mutation($p: ID!, $m: ID!) { requestMentor(programId: $p, mentorEnrollmentId: $m) { status } }";
    let asked =
        app.as_participant("acme", "E2").gql(request, json!({ "p": world.program, "m": world.enrollments[4] })).await;
    assert_eq!(asked.data()["requestMentor"]["status"], "PENDING");
    let propose = "mutation($p: ID!) { proposeMatches(programId: $p) { matchedCount } }";
    assert_eq!(admin.gql(propose, json!({ "p": world.program })).await.data()["proposeMatches"]["matchedCount"], 1);

    // E0 leaves through the API, E1 and M2 through the directory, all on the same day.
    admin.gql(DEPART, json!({ "p": world.people[1], "on": day(-3) })).await.data();
    let mut batch = Vec::new();
    for (id, department, level) in [("E1", "Finance", 12), ("M2", "Engineering", 2)] {
        let mut entry = person(id, &format!("Person {id}"), department, level);
        entry["leftOn"] = json!(day(-3));
        batch.push(entry);
    }
    admin.upsert_people(Value::Array(batch)).await;
    let by_api = read_match(&admin, &world.matches[0]).await;
    let by_import = read_match(&admin, &world.matches[1]).await;
    let outcome = |m: &Value| (m["status"].clone(), m["endReason"].clone(), m["endedOn"].clone());
    assert_eq!(outcome(&by_api), outcome(&by_import), "two paths, one result");
    assert_eq!(outcome(&by_import), (json!("ENDED_EARLY"), json!("LEFT_COMPANY"), json!(day(-3))));
    let open = "query($p: ID!) { node(id: $p) { ... on Program {
        proposals: matches(status: DECLINED) { nodes { note } }
        requests: matchRequests { nodes { status } } } } }";
    let program = admin.gql(open, json!({ "p": world.program })).await.data()["node"].clone();
    assert_eq!(
        program["proposals"]["nodes"],
        json!([{ "note": format!("M2 left the company; last day {}", day(-3)) }])
    );
    assert_eq!(program["requests"]["nodes"], json!([{ "status": "WITHDRAWN" }]));
    let sources: Vec<Value> =
        audit(&admin, "person.departure").await.into_iter().map(|(_, d)| d["source"].clone()).collect();
    assert_eq!(sources, vec![json!("recorded departure"), json!("directory import"), json!("directory import")]);
    // The directory may list a person who left as employed again; their ended relationship stays ended.
    admin.upsert_people(json!([person("E1", "Person E1", "Finance", 12)])).await;
    assert_eq!(person_state(&admin, &world.people[3]).await, json!({ "employmentStatus": "ACTIVE", "leftOn": null }));
    assert_eq!(read_match(&admin, &world.matches[1]).await["status"], "ENDED_EARLY");
    assert_eq!(audit(&admin, "person.rehire").await.len(), 1);
    // ... but not move a departure that already took effect.
    let mut moved = person("E0", "Person E0", "Finance", 12);
    moved["leftOn"] = json!(day(-2));
    admin
        .gql("mutation($p: [PersonInput!]!) { upsertPeople(people: $p) { created } }", json!({ "p": [moved] }))
        .await
        .assert_error("BAD_USER_INPUT", &format!("employee E0: the departure on {} already took effect", day(-3)));
}

#[tokio::test]
async fn a_person_who_left_can_no_longer_act_as_a_participant_nor_be_paired() {
    let app = TestApp::spawn().await;
    let world = world(&app).await;
    let admin = app.as_admin("acme");
    let learning = text(
        app.as_participant("acme", "M0").gql(LEARNING, json!({ "m": world.matches[0] })).await.data(),
        "/recordLearning/id",
    );
    admin.gql(DEPART, json!({ "p": world.people[1], "on": day(-1) })).await.data();
    let gone = app.as_participant("acme", "E0");
    let reason = format!("employee E0 left the company on {}", day(-1));
    let calls = [
        (LOG, json!({ "m": world.matches[0], "i": meeting_on(-2) })),
        (FEEDBACK, json!({ "m": world.matches[0], "s": 5 })),
        (CONFIRM, json!({ "id": learning })),
        ("{ viewer { person { name } } }", json!({})),
    ];
    for (doc, vars) in calls {
        gone.gql(doc, vars).await.assert_error("FORBIDDEN", &reason);
    }
    // Nor are they paired again, nor suggested.
    let pair = "mutation($i: PairManuallyInput!) { pairManually(input: $i) { id } }";
    let input = json!({ "programId": world.program, "mentorEnrollmentId": world.enrollments[4], "menteeEnrollmentId": world.enrollments[1] });
    admin
        .gql(pair, json!({ "i": input }))
        .await
        .assert_error("BAD_USER_INPUT", &format!("is after the mentee's last day {}", day(-1)));
    let dry =
        "mutation($p: ID!) { proposeMatches(programId: $p, dryRun: true) { proposals { mentee { employeeId } } } }";
    let proposals = admin.gql(dry, json!({ "p": world.program })).await.data()["proposeMatches"]["proposals"].clone();
    assert_eq!(proposals, json!([{ "mentee": { "employeeId": "E2" } }]), "E0 is not proposed");
}

#[tokio::test]
async fn a_relationship_cannot_start_before_either_person_was_hired() {
    let app = TestApp::spawn().await;
    let world = world(&app).await;
    let admin = app.as_admin("acme");
    let mut starter = person("E2", "Person E2", "Finance", 12);
    starter["hiredOn"] = json!(day(30));
    admin.upsert_people(json!([starter])).await;
    let pair = "mutation($i: PairManuallyInput!) { pairManually(input: $i) { id } }";
    let input = json!({ "programId": world.program, "mentorEnrollmentId": world.enrollments[4], "menteeEnrollmentId": world.enrollments[5] });
    admin.gql(pair, json!({ "i": input })).await.assert_error(
        "BAD_USER_INPUT",
        &format!("the relationship's start {} is before the mentee was hired on {}", day(0), day(30)),
    );
}

#[tokio::test]
async fn the_latest_feedback_is_the_latest_by_submitted_at_and_each_answer_is_a_node() {
    let app = TestApp::spawn().await;
    let world = world(&app).await;
    let mentee = app.as_participant("acme", "E0");
    let first = text(mentee.gql(FEEDBACK, json!({ "m": world.matches[0], "s": 2 })).await.data(), "/submitFeedback/id");
    let second =
        text(mentee.gql(FEEDBACK, json!({ "m": world.matches[0], "s": 5 })).await.data(), "/submitFeedback/id");
    // The first row (lower id) carries the later time, as a clock step between replicas would leave it.
    let db = app.store.connection();
    let later =
        feedback::Entity::find_by_id(row_number(&second)).one(db).await.expect("read").expect("row").submitted_at;
    let mut row =
        feedback::Entity::find_by_id(row_number(&first)).one(db).await.expect("read").expect("row").into_active_model();
    row.submitted_at = Set(later + Duration::seconds(1));
    row.update(db).await.expect("write");
    let query = "query($id: ID!) { node(id: $id) { ... on Match { feedback { id satisfaction } } } }";
    let seen =
        app.as_admin("acme").gql(query, json!({ "id": world.matches[0] })).await.data()["node"]["feedback"].clone();
    assert_eq!(seen, json!([{ "id": first, "satisfaction": 2 }]));
    let node = "query($id: ID!) { node(id: $id) { id ... on Feedback { satisfaction respondent { employeeId } } } }";
    let own = mentee.gql(node, json!({ "id": second })).await.data()["node"].clone();
    assert_eq!(own, json!({ "id": second, "satisfaction": 5, "respondent": { "employeeId": "E0" } }));
    app.as_participant("acme", "M0").gql(node, json!({ "id": second })).await.assert_error("FORBIDDEN", "own feedback");
    assert_eq!(
        app.as_role("acme", reverse_mentoring::auth::Role::Analyst).gql(node, json!({ "id": second })).await.data()["node"]
            ["satisfaction"],
        5
    );
    let globex = app.as_admin("globex").gql(node, json!({ "id": second })).await;
    assert_eq!(globex.data()["node"], Value::Null, "another organisation does not see it");
}

const REPORT: &str = "{ recordIntegrity { checkedOn problems { kind recordId message } } }";

#[tokio::test]
async fn the_integrity_report_lists_what_older_versions_let_in_and_the_migration_repairs_what_it_can() {
    let app = TestApp::spawn().await;
    let world = world(&app).await;
    let admin = app.as_admin("acme");
    let clean = admin.gql(REPORT, json!({})).await;
    assert_eq!(clean.data()["recordIntegrity"], json!({ "checkedOn": day(0), "problems": [] }));
    let logged = app.as_participant("acme", "M0").gql(LOG, json!({ "m": world.matches[0], "i": meeting_on(-1) })).await;
    let meeting_id = text(logged.data(), "/logMeeting/id");
    // What the old service let in: a meeting in 2001, an end before the start, and a person
    // marked LEFT by a directory import whose relationship kept running.
    let db = app.store.connection();
    let mut old = meeting::Entity::find_by_id(row_number(&meeting_id))
        .one(db)
        .await
        .expect("read")
        .expect("row")
        .into_active_model();
    old.held_at = Set("2001-05-01T10:00:00Z".parse().expect("time"));
    old.update(db).await.expect("write");
    set_match_dates(&app, &world.matches[1], None, Some(today() - Duration::days(40))).await;
    person::Entity::update_many()
        .col_expr(person::Column::EmploymentStatus, sea_orm::sea_query::Expr::value("LEFT"))
        .col_expr(person::Column::LeftOn, sea_orm::sea_query::Expr::value(today() - Duration::days(5)))
        .filter(person::Column::EmployeeId.eq("M0"))
        .exec(db)
        .await
        .expect("write");
    let report = admin.gql(REPORT, json!({})).await;
    let problems = report.data()["recordIntegrity"]["problems"].as_array().expect("list").clone();
    let kinds: Vec<(&str, &str)> =
        problems.iter().map(|p| (p["kind"].as_str().unwrap_or(""), p["recordId"].as_str().unwrap_or(""))).collect();
    assert_eq!(
        kinds,
        vec![
            ("OUTLIVES_DEPARTURE", world.matches[0].as_str()),
            ("ENDS_BEFORE_START", world.matches[1].as_str()),
            ("MEETING_OUT_OF_DATES", meeting_id.as_str()),
        ],
        "{problems:?}"
    );
    assert!(
        text(&problems[2], "/message")
            .contains(&format!("heldAt 2001-05-01 is before the relationship started on {}", day(-30)))
    );
    for role in [reverse_mentoring::auth::Role::Coordinator, reverse_mentoring::auth::Role::Analyst] {
        app.as_role("acme", role).gql(REPORT, json!({})).await.assert_error("FORBIDDEN", "integrity report");
    }
    let globex = app.as_admin("globex").gql(REPORT, json!({})).await;
    assert_eq!(globex.data()["recordIntegrity"]["problems"], json!([]), "another organisation sees none of it");

    // The repair migration, run again on this database: ends on starts, departures re-armed.
    use migration::MigratorTrait;
    let names: Vec<String> = migration::Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let repair = names.iter().position(|name| name.contains("records_in_time")).expect("the repair migration");
    let steps = u32::try_from(names.len() - repair).expect("a few migrations");
    migration::Migrator::down(db, Some(steps)).await.expect("down");
    migration::Migrator::up(db, None).await.expect("up");
    let report = admin.gql(REPORT, json!({})).await;
    let kinds: Vec<Value> = report.data()["recordIntegrity"]["problems"]
        .as_array()
        .expect("list")
        .iter()
        .map(|p| p["kind"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("MEETING_OUT_OF_DATES")], "only what needs a person's judgement is left");
    let repaired = read_match(&admin, &world.matches[0]).await;
    assert_eq!((&repaired["status"], &repaired["endedOn"]), (&json!("ENDED_EARLY"), &json!(day(-5))));
    assert_eq!(read_match(&admin, &world.matches[1]).await["endedOn"], day(-30));
}
