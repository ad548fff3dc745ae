//! The life of a relationship: extension, completion and early ends (also by departures and a
//! program's end), meetings with private notes, two-way learnings, feedback, and a participant's view.

use serde_json::{Value, json};

use crate::common::factories::person;
use crate::common::{Session, TestApp};

/// A running program with `pairs` ACTIVE matches M{n} (mentor) -> E{n} (mentee), paired by hand.
pub(crate) struct Pairs {
    pub(crate) program: String,
    pub(crate) matches: Vec<String>,
}

pub(crate) async fn pairs(app: &TestApp, count: usize) -> Pairs {
    let admin = app.as_admin("acme");
    let people: Vec<Value> = (0..count)
        .flat_map(|n| {
            [
                person(&format!("M{n}"), &format!("Mentor {n}"), "Engineering", 2),
                person(&format!("E{n}"), &format!("Mentee {n}"), "Finance", 12),
            ]
        })
        .collect();
    let ids = admin.upsert_people(Value::Array(people)).await;
    let create = "mutation { createProgram(input: { name: \"Pairs\", startsOn: \"2026-01-01\", endsOn: \"2027-12-31\" }) { id } }";
    let program = admin.gql(create, json!({})).await.data()["createProgram"]["id"].as_str().expect("id").to_owned();
    admin.open_enrollment(&program).await;
    let pair = "mutation($i: PairManuallyInput!) { pairManually(input: $i) { id } }";
    let mut matches = Vec::new();
    for n in 0..count {
        let mentor = admin.enroll(&program, &ids[2 * n], "MENTOR").await;
        let mentee = admin.enroll(&program, &ids[2 * n + 1], "MENTEE").await;
        let input = json!({ "programId": program, "mentorEnrollmentId": mentor, "menteeEnrollmentId": mentee });
        matches.push(
            admin.gql(pair, json!({ "i": input })).await.data()["pairManually"]["id"].as_str().expect("id").to_owned(),
        );
    }
    app.backdate_relationships("acme", 60).await;
    Pairs { program, matches }
}

async fn read_match(session: &Session<'_>, id: &str, fields: &str) -> Value {
    let query = format!("query($id: ID!) {{ node(id: $id) {{ ... on Match {{ {fields} }} }} }}");
    session.gql(&query, json!({ "id": id })).await.data()["node"].clone()
}

#[tokio::test]
async fn a_relationship_is_extended_then_completed_and_illegal_steps_are_refused() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 2).await;
    let coordinator = app.as_coordinator("acme");
    let before = read_match(&coordinator, &world.matches[0], "plannedEndOn version").await;
    let extend = "mutation($id: ID!, $on: NaiveDate!, $v: Int) { extendMatch(id: $id, plannedEndOn: $on, expectedVersion: $v) { plannedEndOn version } }";
    coordinator
        .gql(extend, json!({ "id": world.matches[0], "on": "2020-01-01" }))
        .await
        .assert_error("BAD_USER_INPUT", "must be after");
    coordinator
        .gql(extend, json!({ "id": world.matches[0], "on": "2030-01-01", "v": 99 }))
        .await
        .assert_error("CONFLICT", "version");
    let extended =
        coordinator.gql(extend, json!({ "id": world.matches[0], "on": "2030-01-01", "v": before["version"] })).await;
    assert_eq!(extended.data()["extendMatch"]["plannedEndOn"], "2030-01-01");
    let complete = "mutation($id: ID!) { completeMatch(id: $id, note: \"goals met\") { status endedOn note } }";
    let completed = coordinator.gql(complete, json!({ "id": world.matches[0] })).await;
    assert_eq!(completed.data()["completeMatch"]["status"], "COMPLETED");
    assert!(completed.data()["completeMatch"]["endedOn"].is_string());
    coordinator
        .gql(complete, json!({ "id": world.matches[0] }))
        .await
        .assert_error("BAD_USER_INPUT", "only an ACTIVE match can end");
    let early = "mutation($id: ID!) { endMatchEarly(id: $id, reason: SCHEDULING, note: \"no time\") { status endReason note } }";
    let ended = app.as_participant("acme", "E1").gql(early, json!({ "id": world.matches[1] })).await;
    assert_eq!(
        ended.data()["endMatchEarly"],
        json!({ "status": "ENDED_EARLY", "endReason": "SCHEDULING", "note": "no time" })
    );
}

#[tokio::test]
async fn ending_a_program_completes_its_relationships_and_cancelling_ends_them_early() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 1).await;
    let admin = app.as_admin("acme");
    admin.gql("mutation($id: ID!) { startProgram(id: $id) { status } }", json!({ "id": world.program })).await.data();
    let end = "mutation($id: ID!, $r: EndReason!) { endProgram(id: $id, reason: $r) { status } }";
    admin.gql(end, json!({ "id": world.program, "r": "COMPLETED" })).await.data();
    assert_eq!(
        read_match(&admin, &world.matches[0], "status endReason").await,
        json!({ "status": "COMPLETED", "endReason": null })
    );

    let other = pairs_in_new_program(&app).await;
    admin.gql(end, json!({ "id": other.program, "r": "CANCELLED" })).await.data();
    let cancelled = read_match(&admin, &other.matches[0], "status endReason").await;
    assert_eq!(cancelled, json!({ "status": "ENDED_EARLY", "endReason": "PROGRAM_CANCELLED" }));
}

async fn pairs_in_new_program(app: &TestApp) -> Pairs {
    let admin = app.as_admin("acme");
    let ids = admin.upsert_people(json!([person("X1", "Xena", "Sales", 2), person("X2", "Xavier", "Legal", 12)])).await;
    let program = admin.create_program("Cancelled").await;
    admin.open_enrollment(&program).await;
    let mentor = admin.enroll(&program, &ids[0], "MENTOR").await;
    let mentee = admin.enroll(&program, &ids[1], "MENTEE").await;
    let input = json!({ "programId": program, "mentorEnrollmentId": mentor, "menteeEnrollmentId": mentee });
    let pair =
        admin.gql("mutation($i: PairManuallyInput!) { pairManually(input: $i) { id } }", json!({ "i": input })).await;
    Pairs { program, matches: vec![pair.data()["pairManually"]["id"].as_str().expect("id").to_owned()] }
}

pub(crate) const LOG: &str = "mutation($m: ID!, $i: MeetingInput!) { logMeeting(matchId: $m, input: $i) { id version minutes format agenda notes actionItems { text done } } }";
pub(crate) const UPDATE: &str = "mutation($id: ID!, $v: Int!, $i: MeetingInput!) { updateMeeting(id: $id, expectedVersion: $v, input: $i) { version agenda minutes } }";

pub(crate) fn meeting(agenda: &str, minutes: i32) -> Value {
    let held_at = (chrono::Utc::now() - chrono::Duration::days(30)).to_rfc3339();
    json!({ "heldAt": held_at, "minutes": minutes, "format": "VIDEO", "agenda": agenda,
            "notes": "Private notes", "actionItems": [{ "text": "Post on LinkedIn" }, { "text": "Read the P&L", "done": true }] })
}

#[tokio::test]
async fn the_pair_logs_meetings_whose_notes_stay_private() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 2).await;
    let mentor = app.as_participant("acme", "M0");
    let logged = mentor.gql(LOG, json!({ "m": world.matches[0], "i": meeting("AI tools", 45) })).await;
    let logged = logged.data()["logMeeting"].clone();
    assert_eq!(
        logged["actionItems"],
        json!([{ "text": "Post on LinkedIn", "done": false }, { "text": "Read the P&L", "done": true }])
    );
    app.as_participant("acme", "M1")
        .gql(LOG, json!({ "m": world.matches[0], "i": meeting("x", 30) }))
        .await
        .assert_error("FORBIDDEN", "two people of this match");
    mentor
        .gql(LOG, json!({ "m": world.matches[0], "i": meeting("x", 0) }))
        .await
        .assert_error("BAD_USER_INPUT", "minutes");
    let future = json!({ "heldAt": "2099-01-01T00:00:00Z", "minutes": 30, "format": "PHONE" });
    mentor
        .gql(LOG, json!({ "m": world.matches[0], "i": future }))
        .await
        .assert_error("BAD_USER_INPUT", "in the future");

    let coordinator = app.as_coordinator("acme");
    let fields = "meetingStats { count totalMinutes } meetings { minutes format notes }";
    let seen = coordinator
        .gql(
            &format!("query($id: ID!) {{ node(id: $id) {{ ... on Match {{ {fields} }} }} }}"),
            json!({ "id": world.matches[0] }),
        )
        .await;
    assert_eq!(seen.body["data"]["node"]["meetingStats"], json!({ "count": 1, "totalMinutes": 45 }));
    assert_eq!(seen.code(), Some("FORBIDDEN"), "coordinators do not read notes: {}", seen.body);
    let mentee = app.as_participant("acme", "E0");
    let own = read_match(&mentee, &world.matches[0], "meetings { agenda notes }").await;
    assert_eq!(own["meetings"], json!([{ "agenda": "AI tools", "notes": "Private notes" }]));

    let edited =
        mentee.gql(UPDATE, json!({ "id": logged["id"], "v": 1, "i": meeting("AI tools and TikTok", 60) })).await;
    assert_eq!(edited.data()["updateMeeting"], json!({ "version": 2, "agenda": "AI tools and TikTok", "minutes": 60 }));
    let delete = "mutation($id: ID!, $v: Int!) { deleteMeeting(id: $id, expectedVersion: $v) }";
    mentor.gql(delete, json!({ "id": logged["id"], "v": 1 })).await.assert_error("CONFLICT", "version");
    mentor.gql(delete, json!({ "id": logged["id"], "v": 2 })).await.data();
    assert_eq!(read_match(&mentor, &world.matches[0], "meetingStats { count }").await["meetingStats"]["count"], 0);
}

const LOG_MANY: &str = "mutation($m: [LogMeetingInput!]!) { logMeetings(meetings: $m) { id minutes } }";

#[tokio::test]
async fn an_integration_logs_meetings_in_bulk_all_or_nothing() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 2).await;
    let (first, second) = (&world.matches[0], &world.matches[1]);
    let coordinator = app.as_coordinator("acme");
    let entry = |pair: &str, minutes: i32| json!({ "matchId": pair, "meeting": meeting("From the calendar", minutes) });
    let stats = "meetingStats { count totalMinutes }";
    let logged =
        coordinator.gql(LOG_MANY, json!({ "m": [entry(first, 30), entry(second, 45), entry(first, 60)] })).await;
    let minutes: Vec<i64> = logged.data()["logMeetings"]
        .as_array()
        .expect("meetings")
        .iter()
        .map(|m| m["minutes"].as_i64().expect("minutes"))
        .collect();
    assert_eq!(minutes, [30, 45, 60], "in batch order");
    assert_eq!(read_match(&coordinator, first, stats).await["meetingStats"], json!({ "count": 2, "totalMinutes": 90 }));

    // One entry breaks a rule: it is named, and nothing of the batch is written.
    let bad = coordinator.gql(LOG_MANY, json!({ "m": [entry(second, 30), entry(second, 0)] })).await;
    bad.assert_error("BAD_USER_INPUT", "meetings[1]: ");
    let unknown = coordinator
        .gql(LOG_MANY, json!({ "m": [entry(second, 30), entry(first, 30), entry("TWF0Y2g6OTk5OQ", 30)] }))
        .await;
    unknown.assert_error("NOT_FOUND", "meetings[2]: ");
    assert_eq!(
        read_match(&coordinator, second, stats).await["meetingStats"],
        json!({ "count": 1, "totalMinutes": 45 })
    );
    assert_eq!(read_match(&coordinator, first, stats).await["meetingStats"]["count"], 2);
    coordinator.gql(LOG_MANY, json!({ "m": [] })).await.assert_error("BAD_USER_INPUT", "between 1 and 1000");
    let mentor = app.as_participant("acme", "M0");
    mentor.gql(LOG_MANY, json!({ "m": [entry(first, 30)] })).await.assert_error("FORBIDDEN", "in bulk");
}

/// The minutes of a match's meetings as `meetings` (with its arguments) lists them.
async fn listed_minutes(session: &Session<'_>, pair: &str, meetings: &str, after: Value) -> Vec<i64> {
    let query =
        format!("query($id: ID!, $after: ID) {{ node(id: $id) {{ ... on Match {{ {meetings} {{ minutes }} }} }} }}");
    let answer = session.gql(&query, json!({ "id": pair, "after": after })).await;
    let listed = answer.data()["node"]["meetings"].as_array().cloned().expect("meetings");
    listed.iter().map(|meeting| meeting["minutes"].as_i64().expect("minutes")).collect()
}

#[tokio::test]
async fn meetings_are_listed_in_either_order_and_paged_after_a_meeting() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 2).await;
    let mentor = app.as_participant("acme", "M0");
    let mut logged = Vec::new();
    for days_ago in [40, 10, 30, 20] {
        let held_at = (chrono::Utc::now() - chrono::Duration::days(days_ago)).to_rfc3339();
        let input = json!({ "heldAt": held_at, "minutes": days_ago, "format": "VIDEO" });
        logged.push(
            mentor.gql(LOG, json!({ "m": world.matches[0], "i": input })).await.data()["logMeeting"]["id"].clone(),
        );
    }
    let coordinator = app.as_coordinator("acme");
    let pair = &world.matches[0];
    let default = listed_minutes(&coordinator, pair, "meetings(after: $after)", Value::Null).await;
    assert_eq!(default, [10, 20, 30, 40], "newest first by default");
    let oldest = "meetings(order: OLDEST_FIRST, first: 2, after: $after)";
    assert_eq!(listed_minutes(&coordinator, pair, oldest, Value::Null).await, [40, 30]);
    let next = listed_minutes(&coordinator, pair, oldest, logged[2].clone()).await;
    assert_eq!(next, [20, 10], "the page after the 30-day-old meeting");
    let newest = "meetings(first: 3, after: $after)";
    assert_eq!(listed_minutes(&coordinator, pair, newest, logged[3].clone()).await, [30, 40]);
    let wrong =
        "query($id: ID!, $after: ID) { node(id: $id) { ... on Match { meetings(after: $after) { minutes } } } }";
    let other_match = coordinator.gql(wrong, json!({ "id": world.matches[1], "after": logged[0] })).await;
    other_match.assert_error("BAD_USER_INPUT", "after is not a meeting of this match");
    let not_a_meeting = coordinator.gql(wrong, json!({ "id": world.matches[0], "after": world.matches[1] })).await;
    not_a_meeting.assert_error("BAD_USER_INPUT", "expected a Meeting id");
    let negative = "query($id: ID!) { node(id: $id) { ... on Match { meetings(first: -1) { minutes } } } }";
    coordinator
        .gql(negative, json!({ "id": world.matches[0] }))
        .await
        .assert_error("BAD_USER_INPUT", "first must be 0 or more");
}

#[tokio::test]
async fn concurrent_edits_of_one_meeting_let_one_win_and_lose_nothing() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 1).await;
    let mentor = app.as_participant("acme", "M0");
    let mentee = app.as_participant("acme", "E0");
    let id =
        mentor.gql(LOG, json!({ "m": world.matches[0], "i": meeting("first", 30) })).await.data()["logMeeting"]["id"]
            .clone();
    let edits = (0..6).map(|n| {
        let session = if n % 2 == 0 { &mentor } else { &mentee };
        let vars = json!({ "id": id, "v": 1, "i": meeting(&format!("edit {n}"), 30 + n) });
        async move { (n, session.gql(UPDATE, vars).await) }
    });
    let results = futures::future::join_all(edits).await;
    let winners: Vec<i32> = results.iter().filter(|(_, r)| r.body.get("errors").is_none()).map(|(n, _)| *n).collect();
    let conflicts = results.iter().filter(|(_, r)| r.code() == Some("CONFLICT")).count();
    assert_eq!((winners.len(), conflicts), (1, 5), "{results:?}");
    let stored = read_match(&mentor, &world.matches[0], "meetings { agenda minutes version }").await;
    let winner = winners[0];
    assert_eq!(
        stored["meetings"],
        json!([{ "agenda": format!("edit {winner}"), "minutes": 30 + winner, "version": 2 }]),
        "the winner's edit, whole"
    );
}

pub(crate) const RECORD: &str = "mutation($i: RecordLearningInput!) { recordLearning(input: $i) { id learnerSide confirmed skill { name category } learner { employeeId } } }";
pub(crate) const CONFIRM: &str = "mutation($id: ID!) { confirmLearning(id: $id) { confirmed confirmedAt } }";

#[tokio::test]
async fn learning_is_two_way_and_confirmed_by_the_other_side() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 1).await;
    let ai = app.as_admin("acme").create_skill("Generative AI", "TECHNOLOGY").await;
    let mentee = app.as_participant("acme", "E0");
    let mentor = app.as_participant("acme", "M0");
    let learned = mentee.gql(RECORD, json!({ "i": { "matchId": world.matches[0], "learner": "MENTEE", "skillId": ai, "note": "Wrote my first prompt" } })).await;
    let learned = learned.data()["recordLearning"].clone();
    assert_eq!((&learned["learnerSide"], &learned["confirmed"]), (&json!("MENTEE"), &json!(false)));
    mentee.gql(CONFIRM, json!({ "id": learned["id"] })).await.assert_error("FORBIDDEN", "other side");
    assert_eq!(mentor.gql(CONFIRM, json!({ "id": learned["id"] })).await.data()["confirmLearning"]["confirmed"], true);
    mentor.gql(CONFIRM, json!({ "id": learned["id"] })).await.assert_error("BAD_USER_INPUT", "already confirmed");

    let new_skill = json!({ "matchId": world.matches[0], "learner": "MENTOR", "newSkill": { "name": "Reading a board pack", "category": "BUSINESS" } });
    let mentor_learned = mentor.gql(RECORD, json!({ "i": new_skill })).await;
    let expected = json!({ "name": "Reading a board pack", "category": "BUSINESS" });
    assert_eq!(mentor_learned.data()["recordLearning"]["skill"], expected, "a new skill joins the catalogue");
    assert_eq!(mentor_learned.data()["recordLearning"]["learner"]["employeeId"], "M0", "mentors learn too");
    let both =
        json!({ "i": { "matchId": world.matches[0], "learner": "MENTOR", "skillId": ai, "newSkill": expected } });
    mentor.gql(RECORD, both).await.assert_error("BAD_USER_INPUT", "exactly one of skillId or newSkill");
    let catalogue =
        app.as_admin("acme").gql("{ skills(category: BUSINESS) { edges { node { name } } } }", json!({})).await;
    assert_eq!(catalogue.data()["skills"]["edges"], json!([{ "node": { "name": "Reading a board pack" } }]));
}

#[tokio::test]
async fn feedback_counts_the_latest_per_person_and_month() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 1).await;
    let submit = "mutation($m: ID!, $s: Int!, $c: Int!) { submitFeedback(matchId: $m, satisfaction: $s, confidence: $c, comment: \"ok\") { satisfaction period } }";
    let mentee = app.as_participant("acme", "E0");
    mentee.gql(submit, json!({ "m": world.matches[0], "s": 3, "c": 2 })).await.data();
    mentee.gql(submit, json!({ "m": world.matches[0], "s": 5, "c": 4 })).await.data();
    app.as_participant("acme", "M0").gql(submit, json!({ "m": world.matches[0], "s": 4, "c": 4 })).await.data();
    mentee
        .gql(submit, json!({ "m": world.matches[0], "s": 6, "c": 4 }))
        .await
        .assert_error("BAD_USER_INPUT", "satisfaction");
    app.as_coordinator("acme")
        .gql(submit, json!({ "m": world.matches[0], "s": 4, "c": 4 }))
        .await
        .assert_error("FORBIDDEN", "two people");
    let all = read_match(
        &app.as_coordinator("acme"),
        &world.matches[0],
        "feedback { respondent { employeeId } satisfaction confidence }",
    )
    .await;
    let mut rows = all["feedback"].as_array().expect("feedback").clone();
    rows.sort_by_key(|row| row["respondent"]["employeeId"].as_str().unwrap_or("").to_owned());
    assert_eq!(
        rows,
        [
            json!({ "respondent": { "employeeId": "E0" }, "satisfaction": 5, "confidence": 4 }),
            json!({ "respondent": { "employeeId": "M0" }, "satisfaction": 4, "confidence": 4 })
        ]
    );
    let own = read_match(&mentee, &world.matches[0], "feedback { satisfaction }").await;
    assert_eq!(own["feedback"], json!([{ "satisfaction": 5 }]), "a participant sees their own feedback only");
}

#[tokio::test]
async fn a_participant_sees_their_relationships_counterpart_and_what_is_due() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 2).await;
    let mentor = app.as_participant("acme", "M0");
    let ai = app.as_admin("acme").create_skill("Generative AI", "TECHNOLOGY").await;
    mentor
        .gql(RECORD, json!({ "i": { "matchId": world.matches[0], "learner": "MENTEE", "skillId": ai } }))
        .await
        .data();
    let objectives = "mutation($id: ID!) { setPairObjectives(id: $id, objectives: [\"Post weekly on LinkedIn\"]) { pairObjectives } }";
    app.as_participant("acme", "E0").gql(objectives, json!({ "id": world.matches[0] })).await.data();
    let mentee = app.as_participant("acme", "E0");
    let view = mentee.gql("{ viewer { person { employeeId } enrollments { role } matches { pairObjectives counterpart { employeeId name email } } due { kind message } } }", json!({})).await;
    let viewer = &view.body["data"]["viewer"];
    assert_eq!(viewer["person"]["employeeId"], "E0");
    assert_eq!(viewer["enrollments"], json!([{ "role": "MENTEE" }]));
    assert_eq!(viewer["matches"][0]["pairObjectives"], json!(["Post weekly on LinkedIn"]));
    assert_eq!(viewer["matches"][0]["counterpart"]["employeeId"], "M0");
    assert!(viewer["matches"][0]["counterpart"]["email"].is_null(), "no private fields of the counterpart");
    assert_eq!(view.code(), Some("FORBIDDEN"), "{}", view.body);
    let kinds: Vec<&str> =
        viewer["due"].as_array().expect("due").iter().filter_map(|item| item["kind"].as_str()).collect();
    assert_eq!(kinds, ["NO_RECENT_MEETING", "LEARNING_TO_CONFIRM", "FEEDBACK_DUE"]);
    let log = mentee.gql(LOG, json!({ "m": world.matches[1], "i": meeting("not mine", 30) })).await;
    log.assert_error("FORBIDDEN", "two people of this match");
}
