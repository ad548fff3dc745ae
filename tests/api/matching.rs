//! Matching end to end: optimal explained proposals, approval and decline, manual pairs
//! under the program's rules, and self-service requests that never exceed a mentor's capacity.

use serde_json::{Value, json};

use crate::common::factories::person;
use crate::common::{Session, TestApp};

/// A REVERSE program with juniors J1-J3 (mentors) and seniors S1-S4 (mentees).
/// S1 manages J1; S4 is junior and Gen Z, so no mentor is more junior or younger.
pub(crate) struct World {
    pub(crate) program: String,
    /// Enrolment ids by employee id.
    pub(crate) enrollments: std::collections::HashMap<String, String>,
}

fn someone(id: &str, level: i32, generation: &str, manager: Option<&str>) -> Value {
    let mut entry =
        person(id, &format!("Person {id}"), if id.starts_with('J') { "Engineering" } else { "Finance" }, level);
    entry["generation"] = json!(generation);
    entry["managerEmployeeId"] = json!(manager);
    entry
}

pub(crate) async fn world(app: &TestApp, rules: Value, capacity: i32) -> World {
    let admin = app.as_admin("acme");
    let people = json!([
        someone("J1", 2, "GEN_Z", Some("S1")),
        someone("J2", 3, "GEN_Z", None),
        someone("J3", 2, "MILLENNIAL", None),
        someone("S1", 12, "GEN_X", None),
        someone("S2", 11, "GEN_X", None),
        someone("S3", 13, "BABY_BOOMER", None),
        someone("S4", 1, "GEN_Z", None),
    ]);
    let ids = admin.upsert_people(people).await;
    let ai = admin.create_skill("Generative AI", "TECHNOLOGY").await;
    let pnl = admin.create_skill("Reading a P&L", "BUSINESS").await;
    let set = "mutation($p: ID!, $s: ID!, $r: SkillRelation!, $l: Int!) { setPersonSkill(personId: $p, skillId: $s, relation: $r, level: $l) { level } }";
    for (index, person) in ids.iter().enumerate() {
        let (offers, wants) = if index < 3 { (&ai, &pnl) } else { (&pnl, &ai) };
        admin.gql(set, json!({ "p": person, "s": offers, "r": "OFFERS", "l": 5 - index % 3 })).await.data();
        admin.gql(set, json!({ "p": person, "s": wants, "r": "WANTS", "l": 3 + index % 3 })).await.data();
    }
    let create = "mutation($i: CreateProgramInput!) { createProgram(input: $i) { id } }";
    let input =
        json!({ "name": "Digital fluency", "startsOn": "2026-01-01", "endsOn": "2027-12-31", "matchingRules": rules });
    let program =
        admin.gql(create, json!({ "i": input })).await.data()["createProgram"]["id"].as_str().expect("id").to_owned();
    admin.open_enrollment(&program).await;
    let mut enrollments = std::collections::HashMap::new();
    let enroll = "mutation($i: EnrollInput!) { enroll(input: $i) { id } }";
    for (index, employee) in ["J1", "J2", "J3", "S1", "S2", "S3", "S4"].iter().enumerate() {
        let (role, cap) = if index < 3 { ("MENTOR", json!(capacity)) } else { ("MENTEE", Value::Null) };
        let input = json!({ "programId": program, "personId": ids[index], "role": role, "capacity": cap });
        let id = admin.gql(enroll, json!({ "i": input })).await.data()["enroll"]["id"].as_str().expect("id").to_owned();
        enrollments.insert((*employee).to_owned(), id);
    }
    World { program, enrollments }
}

const PROPOSE: &str = "mutation($p: ID!, $dry: Boolean) { proposeMatches(programId: $p, dryRun: $dry) {
    dryRun matchedCount totalScore
    proposals { score mentor { employeeId } mentee { employeeId } match { id status }
      explanation { score wantsPoints teachBackPoints rulesChecked wantsCovered { skill { name } priority proficiency } taughtBack { skill { name } } } }
    unmatched { mentee { employeeId } reason message exclusions { rule mentors } } } }";
const MATCHES: &str = "query($p: ID!) { program(id: $p) { matches { edges { node { id status mentor { employeeId } mentee { employeeId } } } } } }";

fn pairs(payload: &Value) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = payload["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .map(|p| {
            (
                p["mentor"]["employeeId"].as_str().unwrap_or("").into(),
                p["mentee"]["employeeId"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

async fn matches(session: &Session<'_>, program: &str) -> Vec<Value> {
    let response = session.gql(MATCHES, json!({ "p": program })).await;
    response.data()["program"]["matches"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| edge["node"].clone())
        .collect()
}

#[tokio::test]
async fn proposals_are_optimal_explained_and_stored_only_without_a_dry_run() {
    let app = TestApp::spawn().await;
    let world = world(&app, json!({}), 1).await;
    let coordinator = app.as_coordinator("acme");
    let dry = coordinator.gql(PROPOSE, json!({ "p": world.program, "dry": true })).await;
    let dry = &dry.data()["proposeMatches"];
    assert_eq!((dry["dryRun"].as_bool(), dry["matchedCount"].as_i64()), (Some(true), Some(3)));
    assert!(matches(&coordinator, &world.program).await.is_empty(), "a dry run stores nothing");
    assert!(
        pairs(dry).iter().all(|(mentor, mentee)| !(mentor == "J1" && mentee == "S1")),
        "never inside a reporting line"
    );

    let first = &dry["proposals"][0];
    let explanation = &first["explanation"];
    assert_eq!(explanation["score"], first["score"]);
    assert_eq!(
        explanation["wantsPoints"].as_i64().unwrap_or(0) + explanation["teachBackPoints"].as_i64().unwrap_or(0),
        first["score"].as_i64().unwrap_or(-1)
    );
    assert_eq!(explanation["wantsCovered"][0]["skill"]["name"], "Generative AI");
    assert_eq!(explanation["taughtBack"][0]["skill"]["name"], "Reading a P&L", "two-way learning counts");
    assert!(explanation["rulesChecked"].as_array().is_some_and(|rules| !rules.is_empty()));

    let unmatched = &dry["unmatched"];
    assert_eq!(unmatched[0]["mentee"]["employeeId"], "S4");
    assert_eq!(unmatched[0]["reason"], "NO_ELIGIBLE_MENTOR");
    assert!(unmatched[0]["message"].as_str().is_some_and(|message| !message.is_empty()), "{unmatched}");
    assert_eq!(unmatched[0]["exclusions"], json!([{ "rule": "SENIORITY", "mentors": 3 }]));

    let stored = coordinator.gql(PROPOSE, json!({ "p": world.program })).await;
    let stored = &stored.data()["proposeMatches"];
    assert_eq!(pairs(stored), pairs(dry), "deterministic: the same input gives the same pairs");
    assert_eq!(stored["totalScore"], dry["totalScore"]);
    assert!(stored["proposals"].as_array().expect("proposals").iter().all(|p| p["match"]["status"] == "PROPOSED"));
    assert_eq!(matches(&coordinator, &world.program).await.len(), 3);
}

#[tokio::test]
async fn a_dashboard_lists_the_matches_of_several_statuses_at_once() {
    let app = TestApp::spawn().await;
    let world = world(&app, json!({}), 1).await;
    let coordinator = app.as_coordinator("acme");
    let run = coordinator.gql(PROPOSE, json!({ "p": world.program })).await;
    let proposals = run.data()["proposeMatches"]["proposals"].as_array().expect("proposals").clone();
    assert_eq!(proposals.len(), 3);
    let approve = "mutation($id: ID!) { approveMatch(id: $id) { status } }";
    coordinator.gql(approve, json!({ "id": proposals[0]["match"]["id"] })).await.data();
    let decline = "mutation($id: ID!) { declineMatch(id: $id) { status } }";
    coordinator.gql(decline, json!({ "id": proposals[1]["match"]["id"] })).await.data();

    let listed = |filter: &'static str| {
        let query = format!("query($p: ID!) {{ program(id: $p) {{ matches({filter}) {{ nodes {{ status }} }} }} }}");
        let coordinator = &coordinator;
        let program = world.program.clone();
        async move {
            let answer = coordinator.gql(&query, json!({ "p": program })).await;
            let mut statuses: Vec<String> = answer.data()["program"]["matches"]["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .filter_map(|node| node["status"].as_str().map(str::to_owned))
                .collect();
            statuses.sort();
            statuses
        }
    };
    assert_eq!(listed("statuses: [ACTIVE, PROPOSED]").await, ["ACTIVE", "PROPOSED"]);
    assert_eq!(listed("status: DECLINED").await, ["DECLINED"]);
    assert_eq!(listed("statuses: [COMPLETED, ENDED_EARLY]").await, Vec::<String>::new());
    assert_eq!(listed("first: 10").await, ["ACTIVE", "DECLINED", "PROPOSED"]);
    let both = "query($p: ID!) { program(id: $p) { matches(status: ACTIVE, statuses: [PROPOSED]) { nodes { id } } } }";
    coordinator.gql(both, json!({ "p": world.program })).await.assert_error("BAD_USER_INPUT", "status or statuses");
    let none = "query($p: ID!) { program(id: $p) { matches(statuses: []) { nodes { id } } } }";
    coordinator.gql(none, json!({ "p": world.program })).await.assert_error("BAD_USER_INPUT", "at least one status");
}

#[tokio::test]
async fn approving_starts_the_relationship_and_a_rerun_keeps_it_and_skips_declined_pairs() {
    let app = TestApp::spawn().await;
    let world = world(&app, json!({}), 1).await;
    let coordinator = app.as_coordinator("acme");
    let run = coordinator.gql(PROPOSE, json!({ "p": world.program })).await;
    let proposals = run.data()["proposeMatches"]["proposals"].as_array().expect("proposals").clone();
    let approve = "mutation($id: ID!) { approveMatch(id: $id) { status startedOn plannedEndOn version } }";
    let approved = coordinator.gql(approve, json!({ "id": proposals[0]["match"]["id"] })).await;
    let approved = &approved.data()["approveMatch"];
    assert_eq!((&approved["status"], &approved["version"]), (&json!("ACTIVE"), &json!(2)));
    let started =
        chrono::NaiveDate::parse_from_str(approved["startedOn"].as_str().expect("start"), "%Y-%m-%d").expect("date");
    let planned =
        chrono::NaiveDate::parse_from_str(approved["plannedEndOn"].as_str().expect("end"), "%Y-%m-%d").expect("date");
    assert_eq!(
        planned,
        started.checked_add_months(chrono::Months::new(6)).expect("date"),
        "the program's default length"
    );
    coordinator
        .gql(approve, json!({ "id": proposals[0]["match"]["id"] }))
        .await
        .assert_error("BAD_USER_INPUT", "only a PROPOSED match");

    let decline = "mutation($id: ID!) { declineMatch(id: $id, note: \"not this quarter\") { status note } }";
    let declined = coordinator.gql(decline, json!({ "id": proposals[1]["match"]["id"] })).await;
    assert_eq!(declined.data()["declineMatch"], json!({ "status": "DECLINED", "note": "not this quarter" }));

    let rerun = coordinator.gql(PROPOSE, json!({ "p": world.program })).await;
    let again = pairs(&rerun.data()["proposeMatches"]);
    let kept = (
        proposals[0]["mentor"]["employeeId"].as_str().unwrap_or("").to_owned(),
        proposals[0]["mentee"]["employeeId"].as_str().unwrap_or("").to_owned(),
    );
    let declined_pair = (
        proposals[1]["mentor"]["employeeId"].as_str().unwrap_or("").to_owned(),
        proposals[1]["mentee"]["employeeId"].as_str().unwrap_or("").to_owned(),
    );
    assert!(!again.iter().any(|(_, mentee)| *mentee == kept.1), "the approved mentee is not proposed again: {again:?}");
    assert!(!again.contains(&declined_pair), "a declined pair is not proposed again: {again:?}");
    let statuses: Vec<Value> =
        matches(&coordinator, &world.program).await.iter().map(|m| m["status"].clone()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == "ACTIVE").count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == "DECLINED").count(), 1);
}

const PAIR: &str = "mutation($i: PairManuallyInput!) { pairManually(input: $i) { status source overriddenRules mentor { employeeId } mentee { employeeId } } }";

#[tokio::test]
async fn manual_pairs_follow_the_rules_unless_an_admin_overrides_one() {
    let app = TestApp::spawn().await;
    let world = world(&app, json!({}), 1).await;
    let pair = |mentor: &str, mentee: &str, overrides: Value| {
        json!({ "i": { "programId": world.program, "mentorEnrollmentId": world.enrollments[mentor],
                       "menteeEnrollmentId": world.enrollments[mentee], "overrideRules": overrides } })
    };
    let coordinator = app.as_coordinator("acme");
    coordinator.gql(PAIR, pair("J1", "S1", json!([]))).await.assert_error("BAD_USER_INPUT", "reporting line");
    coordinator.gql(PAIR, pair("J1", "S1", json!(["REPORTING_LINE"]))).await.assert_error("FORBIDDEN", "ADMIN");
    let admin = app.as_admin("acme");
    admin
        .gql(PAIR, pair("J1", "S1", json!(["MENTOR_CAPACITY"])))
        .await
        .assert_error("BAD_USER_INPUT", "cannot be overridden");
    let made = admin.gql(PAIR, pair("J1", "S1", json!(["REPORTING_LINE"]))).await;
    let expected = json!({ "status": "ACTIVE", "source": "MANUAL", "overriddenRules": ["REPORTING_LINE"],
                           "mentor": { "employeeId": "J1" }, "mentee": { "employeeId": "S1" } });
    assert_eq!(made.data()["pairManually"], expected);
    coordinator.gql(PAIR, pair("J1", "S2", json!([]))).await.assert_error("CONFLICT", "capacity");
    coordinator.gql(PAIR, pair("J2", "S1", json!([]))).await.assert_error("CONFLICT", "already");
    let fine = coordinator.gql(PAIR, pair("J2", "S2", json!([]))).await;
    assert_eq!(fine.data()["pairManually"]["status"], "ACTIVE");
    let trail = admin.gql("{ auditEvents(first: 100) { edges { node { action details } } } }", json!({})).await;
    let manual: Vec<&Value> = trail.data()["auditEvents"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| e["node"]["action"] == "match.manual")
        .collect();
    assert_eq!(manual.len(), 2);
    assert!(
        manual[0]["node"]["details"]["overriddenRules"][0].as_str().is_some_and(|text| text.contains("reporting line")),
        "{}",
        manual[0]
    );
}

#[tokio::test]
async fn a_pairs_check_follows_the_reporting_line_as_far_as_the_program_says() {
    let app = TestApp::spawn().await;
    let world = world(&app, json!({ "reportingLineDepth": 3 }), 1).await;
    // J2 reports to M1, M1 to M2 (both in no program), M2 to S2: S2 is J2's manager three levels up.
    let admin = app.as_admin("acme");
    let line = json!([
        someone("M2", 10, "GEN_X", Some("S2")),
        someone("M1", 8, "GEN_X", Some("M2")),
        someone("J2", 3, "GEN_Z", Some("M1")),
    ]);
    admin.upsert_people(line).await;
    let pair = |mentor: &str, mentee: &str| {
        json!({ "i": { "programId": world.program, "mentorEnrollmentId": world.enrollments[mentor],
                       "menteeEnrollmentId": world.enrollments[mentee] } })
    };
    let coordinator = app.as_coordinator("acme");
    coordinator.gql(PAIR, pair("J2", "S2")).await.assert_error("BAD_USER_INPUT", "reporting line");
    let outside = coordinator.gql(PAIR, pair("J2", "S3")).await;
    assert_eq!(outside.data()["pairManually"]["status"], "ACTIVE");
}

#[tokio::test]
async fn a_pair_that_had_a_relationship_in_another_program_is_refused() {
    let app = TestApp::spawn().await;
    let world = world(&app, json!({}), 1).await;
    let coordinator = app.as_coordinator("acme");
    let first = json!({ "i": { "programId": world.program, "mentorEnrollmentId": world.enrollments["J2"],
                               "menteeEnrollmentId": world.enrollments["S2"] } });
    assert_eq!(coordinator.gql(PAIR, first).await.data()["pairManually"]["status"], "ACTIVE");
    let admin = app.as_admin("acme");
    let people = admin.gql("{ people(first: 20) { edges { node { id employeeId } } } }", json!({})).await;
    let id_of = |employee: &str| {
        people.data()["people"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .find(|edge| edge["node"]["employeeId"] == employee)
            .and_then(|edge| edge["node"]["id"].as_str())
            .expect("person")
            .to_owned()
    };
    let second = admin.create_program("Second round").await;
    admin.open_enrollment(&second).await;
    let mentor = admin.enroll(&second, &id_of("J2"), "MENTOR").await;
    let mentee = admin.enroll(&second, &id_of("S2"), "MENTEE").await;
    let again = json!({ "i": { "programId": second, "mentorEnrollmentId": mentor, "menteeEnrollmentId": mentee } });
    coordinator.gql(PAIR, again).await.assert_error("BAD_USER_INPUT", "already had a mentoring relationship");
}

const SUGGEST: &str = "query($p: ID!) { suggestedMentors(programId: $p, first: 5) { score freeCapacity mentor { employeeId } enrollment { id } explanation { rulesChecked } } }";
const REQUEST: &str = "mutation($p: ID!, $m: ID!) { requestMentor(programId: $p, mentorEnrollmentId: $m, note: \"Teach me AI?\") { id status note expiresAt mentor { employeeId } } }";
const ACCEPT: &str = "mutation($id: ID!) { acceptMatchRequest(id: $id) { status match { status source mentor { employeeId } mentee { employeeId } } } }";

#[tokio::test]
async fn a_mentee_chooses_from_explained_suggestions_and_the_mentor_accepts() {
    let app = TestApp::spawn().await;
    let world = world(&app, json!({ "mode": "SELF_SERVICE" }), 1).await;
    let s2 = app.as_participant("acme", "S2");
    let suggestions = s2.gql(SUGGEST, json!({ "p": world.program })).await;
    let list = suggestions.data()["suggestedMentors"].as_array().expect("list").clone();
    assert_eq!(list.len(), 3);
    let scores: Vec<i64> = list.iter().map(|s| s["score"].as_i64().unwrap_or(-1)).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
    let best = &list[0];
    let request = s2.gql(REQUEST, json!({ "p": world.program, "m": best["enrollment"]["id"] })).await;
    let request = request.data()["requestMentor"].clone();
    assert_eq!((&request["status"], &request["note"]), (&json!("PENDING"), &json!("Teach me AI?")));
    s2.gql(REQUEST, json!({ "p": world.program, "m": list[1]["enrollment"]["id"] }))
        .await
        .assert_error("CONFLICT", "pending request");

    let mentor_id = best["mentor"]["employeeId"].as_str().expect("mentor");
    let other = if mentor_id == "J2" { "J3" } else { "J2" };
    app.as_participant("acme", other)
        .gql(ACCEPT, json!({ "id": request["id"] }))
        .await
        .assert_error("FORBIDDEN", "the mentor asked");
    let accepted = app.as_participant("acme", mentor_id).gql(ACCEPT, json!({ "id": request["id"] })).await;
    let expected = json!({ "status": "ACCEPTED", "match": { "status": "ACTIVE", "source": "REQUEST",
        "mentor": { "employeeId": mentor_id }, "mentee": { "employeeId": "S2" } } });
    assert_eq!(accepted.data()["acceptMatchRequest"], expected);
    let after = s2.gql(SUGGEST, json!({ "p": world.program })).await;
    assert_eq!(after.data()["suggestedMentors"], json!([]), "a matched mentee gets no more suggestions");
    let own = matches(&s2, &world.program).await;
    assert_eq!(own.len(), 1, "a participant sees only their own matches");
}

#[tokio::test]
async fn an_unanswered_request_expires_after_the_response_window() {
    use reverse_mentoring::store::entity::match_request;
    use sea_orm::{EntityTrait, sea_query::Expr};
    let app = TestApp::spawn().await;
    let world = world(&app, json!({ "mode": "BOTH", "responseWindowDays": 3 }), 1).await;
    let s2 = app.as_participant("acme", "S2");
    let request = s2.gql(REQUEST, json!({ "p": world.program, "m": world.enrollments["J2"] })).await;
    let request = request.data()["requestMentor"].clone();
    let expires =
        chrono::DateTime::parse_from_rfc3339(request["expiresAt"].as_str().expect("expiresAt")).expect("time");
    let days = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours();
    assert!((71..=72).contains(&days), "three days from now, got {days} hours");
    // Let the window pass: move the deadline into the past in the real database.
    let past = chrono::Utc::now() - chrono::Duration::hours(1);
    match_request::Entity::update_many()
        .col_expr(match_request::Column::ExpiresAt, Expr::value(past))
        .exec(app.store.connection())
        .await
        .expect("update");
    let late = app.as_participant("acme", "J2").gql(ACCEPT, json!({ "id": request["id"] })).await;
    late.assert_error("BAD_USER_INPUT", "expired");
    let listed = s2
        .gql(
            "query($p: ID!) { program(id: $p) { matchRequests { edges { node { status } } } } }",
            json!({ "p": world.program }),
        )
        .await;
    assert_eq!(listed.data()["program"]["matchRequests"]["edges"], json!([{ "node": { "status": "EXPIRED" } }]));
    let again = s2.gql(REQUEST, json!({ "p": world.program, "m": world.enrollments["J2"] })).await;
    assert_eq!(again.data()["requestMentor"]["status"], "PENDING", "an expired request does not block a new one");
}

#[tokio::test]
async fn concurrent_acceptances_never_exceed_the_mentors_capacity() {
    let app = TestApp::spawn().await;
    let world = world(&app, json!({ "mode": "SELF_SERVICE", "seniority": "NONE", "reportingLineDepth": 0 }), 2).await;
    let admin = app.as_admin("acme");
    let extra: Vec<Value> = (5..=8).map(|n| someone(&format!("S{n}"), 12, "GEN_X", None)).collect();
    let ids = admin.upsert_people(Value::Array(extra)).await;
    let mut mentees = vec!["S1", "S2", "S3", "S4"].into_iter().map(String::from).collect::<Vec<_>>();
    for (n, id) in (5..=8).zip(&ids) {
        admin.enroll(&world.program, id, "MENTEE").await;
        mentees.push(format!("S{n}"));
    }
    let mut requests = Vec::new();
    for mentee in &mentees {
        let response = app
            .as_participant("acme", mentee)
            .gql(REQUEST, json!({ "p": world.program, "m": world.enrollments["J2"] }))
            .await;
        requests.push(response.data()["requestMentor"]["id"].clone());
    }
    let mentor = app.as_participant("acme", "J2");
    let answers = futures::future::join_all(requests.iter().map(|id| mentor.gql(ACCEPT, json!({ "id": id })))).await;
    let accepted = answers.iter().filter(|answer| answer.body.get("errors").is_none()).count();
    let full = answers.iter().filter(|answer| answer.code() == Some("CONFLICT")).count();
    assert_eq!((accepted, full), (2, 6), "{answers:?}");
    let active = matches(&admin, &world.program)
        .await
        .into_iter()
        .filter(|m| m["status"] == "ACTIVE" && m["mentor"]["employeeId"] == "J2")
        .count();
    assert_eq!(active, 2, "capacity 2 holds");
}

#[tokio::test]
async fn each_mode_refuses_the_other_modes_calls() {
    let app = TestApp::spawn().await;
    let coordinated = world(&app, json!({}), 1).await;
    let s2 = app.as_participant("acme", "S2");
    s2.gql(SUGGEST, json!({ "p": coordinated.program })).await.assert_error("BAD_USER_INPUT", "COORDINATOR");
    s2.gql(REQUEST, json!({ "p": coordinated.program, "m": coordinated.enrollments["J2"] }))
        .await
        .assert_error("BAD_USER_INPUT", "COORDINATOR");
    let coordinator = app.as_coordinator("acme");
    let create = "mutation { createProgram(input: { name: \"Self\", startsOn: \"2026-01-01\", endsOn: \"2026-12-31\", matchingRules: { mode: SELF_SERVICE } }) { id } }";
    let program = coordinator.gql(create, json!({})).await.data()["createProgram"]["id"].clone();
    coordinator.open_enrollment(program.as_str().expect("id")).await;
    coordinator.gql(PROPOSE, json!({ "p": program })).await.assert_error("BAD_USER_INPUT", "SELF_SERVICE");
    app.as_role("acme", reverse_mentoring::auth::Role::Analyst)
        .gql(PROPOSE, json!({ "p": coordinated.program }))
        .await
        .assert_error("FORBIDDEN", "COORDINATOR");
}
