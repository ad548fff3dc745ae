//! Tenancy and roles for the matching API, end to end.
//!
//! Part one: organisation "globex" can neither read nor change acme's matches and requests.
//! Acme has a program in mode BOTH with an ACTIVE match, PROPOSED matches and PENDING requests;
//! every matching query, field and mutation is tried with acme's ids while acting as globex's
//! admin, coordinator, analyst, LMS and participants whose employee ids also exist in acme, and
//! acme's matches, requests (statuses and versions) and audit trail are compared afterwards.
//!
//! Part two: the role matrix. Each matching call is tried with each role and must be refused
//! with FORBIDDEN exactly when the role may not use it. Then the participant's own-data rules:
//! they see only matches and requests they are part of, ask for a mentor only as an accepted
//! mentee, answer only requests sent to them and withdraw only their own; analysts read
//! matches without contact details.

use std::collections::HashMap;

use reverse_mentoring::auth::Role;
use serde_json::{Value, json};

use crate::common::factories::person;
use crate::common::tables::{
    ADMIN, MANAGERS, MANAGERS_AND_PARTICIPANTS, NODE, Op, READERS, READERS_AND_PARTICIPANTS, op, text_at,
};
use crate::common::{Gql, Session, TestApp};

const ACME: &str = "acme";
const GLOBEX: &str = "globex";

const ALL: &[Role] = &[Role::Admin, Role::Coordinator, Role::Analyst, Role::Lms, Role::Participant];
const PARTICIPANTS: &[Role] = &[Role::Participant];

/// Mentors, each with capacity 5: juniors; J1 reports to S1.
const MENTORS: [&str; 3] = ["J1", "J2", "J3"];
/// Mentees: S1-S4 take part in the proposal run (S4 is too junior for any mentor);
/// S5-S8 enrol after it.
const MENTEES: [&str; 8] = ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"];
/// The seeded PENDING requests, in order: (mentee, mentor asked).
const ASKS: [(&str, &str); 3] = [("S5", "J1"), ("S6", "J2"), ("S7", "J3")];
/// The participant the role matrix acts as: an accepted mentee with no match and no request.
const PARTICIPANT: &str = "S8";

const MATCHES: &str = "query($p: ID!) { program(id: $p) { matches(first: 100) { nodes { id
    status program { id } mentor { employeeId } mentee { employeeId } mentorEnrollment { id } menteeEnrollment { id }
    explanation { score rulesChecked } } } } }";
const REQUESTS: &str = "query($p: ID!) { program(id: $p) { matchRequests(first: 100) { nodes { id
    status note program { id } mentor { employeeId } mentee { employeeId } match { id } } } } }";
const SUGGEST: &str = "query($p: ID!, $e: ID) { suggestedMentors(programId: $p, menteeEnrollmentId: $e) {
    score enrollment { id } mentor { employeeId } } }";
const PROPOSE: &str = "mutation($p: ID!, $dry: Boolean) { proposeMatches(programId: $p, dryRun: $dry) {
    matchedCount proposals { mentor { id } mentee { id } match { id } } unmatched { mentee { id } } } }";
const APPROVE: &str = "mutation($id: ID!) { approveMatch(id: $id) { id status version } }";
const DECLINE: &str = "mutation($id: ID!) { declineMatch(id: $id, note: \"not now\") { id status version } }";
const PAIR: &str = "mutation($p: ID!, $mentor: ID!, $mentee: ID!, $o: [MatchingRule!]! = []) {
    pairManually(input: { programId: $p, mentorEnrollmentId: $mentor, menteeEnrollmentId: $mentee,
      overrideRules: $o }) { id status } }";
const REQUEST: &str = "mutation($p: ID!, $m: ID!) { requestMentor(programId: $p, mentorEnrollmentId: $m,
    note: \"Teach me?\") { id status mentor { employeeId } mentee { employeeId } } }";
const ACCEPT: &str = "mutation($id: ID!) { acceptMatchRequest(id: $id) { id status version
    match { status source mentor { employeeId } mentee { employeeId } } } }";
const DECLINE_REQUEST: &str = "mutation($id: ID!) { declineMatchRequest(id: $id) { id status version } }";
const WITHDRAW: &str = "mutation($id: ID!) { withdrawMatchRequest(id: $id) { id status version } }";

/// Everything of a program's matching that must survive others' attempts, as its admin reads it.
const SNAPSHOT: &str = "query($p: ID!) { program(id: $p) { status version
  enrollments(first: 100) { nodes { id role status capacity version } }
  matches(first: 100) { nodes { id status source score version note startedOn plannedEndOn endedOn
    overriddenRules mentor { employeeId } mentee { employeeId } } }
  matchRequests(first: 100) { nodes { id status version note expiresAt answeredAt match { id }
    mentor { employeeId } mentee { employeeId } } } } }";

/// One organisation's matching data.
struct World {
    /// "Digital fluency", mode BOTH, ENROLLING.
    program: String,
    /// Person ids by employee id.
    people: HashMap<String, String>,
    /// Accepted enrolment ids by employee id.
    enrollments: HashMap<String, String>,
    /// The first proposal, approved: ACTIVE.
    active: String,
    /// The other two proposals, still PROPOSED.
    proposed: Vec<String>,
    /// The PENDING requests of `ASKS`, in order.
    requests: Vec<String>,
}

impl World {
    fn match_ids(&self) -> Vec<&str> {
        std::iter::once(self.active.as_str()).chain(self.proposed.iter().map(String::as_str)).collect()
    }

    fn all_ids(&self) -> Vec<&str> {
        let mut ids = self.match_ids();
        ids.extend(self.requests.iter().map(String::as_str));
        ids
    }
}

fn nodes<'v>(data: &'v Value, connection: &str) -> &'v [Value] {
    data["program"][connection]["nodes"].as_array().map_or(&[], Vec::as_slice)
}

fn ids_of(items: &[Value]) -> Vec<String> {
    items.iter().map(|item| text_at(item, "/id")).collect()
}

/// The global id of a row that exists in no organisation.
fn missing_id(kind: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:987654321"))
}

// ---------------------------------------------------------------------------------------------
// Seeding.
// ---------------------------------------------------------------------------------------------

/// Imports `entries` (employee id, level, generation, manager); mentors (J*) offer AI and want
/// P&L, mentees the other way round. Returns person ids by employee id.
async fn add_people(
    admin: &Session<'_>,
    skills: (&str, &str),
    entries: &[(&str, i32, &str, Option<&str>)],
) -> HashMap<String, String> {
    let batch: Vec<Value> = entries
        .iter()
        .map(|(id, level, generation, manager)| {
            let department = if id.starts_with('J') { "Engineering" } else { "Finance" };
            let mut entry = person(id, &format!("Person {id}"), department, *level);
            entry["generation"] = json!(generation);
            entry["managerEmployeeId"] = json!(manager);
            entry
        })
        .collect();
    let ids = admin.upsert_people(Value::Array(batch)).await;
    let set = "mutation($p: ID!, $s: ID!, $r: SkillRelation!, $l: Int!) {
        setPersonSkill(personId: $p, skillId: $s, relation: $r, level: $l) { level } }";
    for (index, ((employee, ..), id)) in entries.iter().zip(&ids).enumerate() {
        let (offers, wants) = if employee.starts_with('J') { (skills.0, skills.1) } else { (skills.1, skills.0) };
        admin.gql(set, json!({ "p": id, "s": offers, "r": "OFFERS", "l": 5 - index % 3 })).await.data();
        admin.gql(set, json!({ "p": id, "s": wants, "r": "WANTS", "l": 3 + index % 3 })).await.data();
    }
    entries.iter().map(|(employee, ..)| (*employee).to_owned()).zip(ids).collect()
}

/// Enrols `employees` (as their admin: ACCEPTED at once); mentors get capacity 5.
async fn enroll_all(admin: &Session<'_>, world: &mut World, employees: &[&str]) {
    let enroll = "mutation($i: EnrollInput!) { enroll(input: $i) { id } }";
    for employee in employees {
        let (role, capacity) = if employee.starts_with('J') { ("MENTOR", json!(5)) } else { ("MENTEE", Value::Null) };
        let input = json!({ "programId": world.program, "personId": world.people[*employee], "role": role,
                            "capacity": capacity });
        let response = admin.gql(enroll, json!({ "i": input })).await;
        world.enrollments.insert((*employee).to_owned(), text_at(response.data(), "/enroll/id"));
    }
}

/// Seeds `org`: people, a BOTH-mode program, a proposal run over S1-S4 with the first proposal
/// approved, then S5-S8 enrolled and S5-S7 each asking one mentor.
async fn world(app: &TestApp, org: &str) -> World {
    let admin = app.as_admin(org);
    let ai = admin.create_skill("Generative AI", "TECHNOLOGY").await;
    let pnl = admin.create_skill("Reading a P&L", "BUSINESS").await;
    let mut entries = vec![("J1", 2, "GEN_Z", Some("S1")), ("J2", 3, "GEN_Z", None), ("J3", 2, "MILLENNIAL", None)];
    entries.extend([("S1", 12, "GEN_X", None), ("S2", 11, "GEN_X", None), ("S3", 13, "BABY_BOOMER", None)]);
    entries.push(("S4", 1, "GEN_Z", None));
    entries.extend(["S5", "S6", "S7", "S8"].map(|id| (id, 12, "GEN_X", None)));
    let people = add_people(&admin, (&ai, &pnl), &entries).await;
    let create = "mutation($i: CreateProgramInput!) { createProgram(input: $i) { id } }";
    let input = json!({ "name": "Digital fluency", "startsOn": "2026-01-01", "endsOn": "2027-12-31",
                        "matchingRules": { "mode": "BOTH" } });
    let program = text_at(admin.gql(create, json!({ "i": input })).await.data(), "/createProgram/id");
    admin.open_enrollment(&program).await;
    let mut world = World {
        program,
        people,
        enrollments: HashMap::new(),
        active: String::new(),
        proposed: Vec::new(),
        requests: Vec::new(),
    };
    enroll_all(&admin, &mut world, &["J1", "J2", "J3", "S1", "S2", "S3", "S4"]).await;
    let coordinator = app.as_coordinator(org);
    let run = coordinator.gql(PROPOSE, json!({ "p": world.program })).await;
    let proposals = run.data()["proposeMatches"]["proposals"].as_array().expect("proposals").clone();
    assert_eq!(proposals.len(), 3, "S1-S3 are proposed, S4 has no eligible mentor: {}", run.body);
    let mut stored: Vec<String> = proposals.iter().map(|p| text_at(p, "/match/id")).collect();
    world.active = stored.remove(0);
    world.proposed = stored;
    coordinator.gql(APPROVE, json!({ "id": world.active })).await.data();
    enroll_all(&admin, &mut world, &["S5", "S6", "S7", "S8"]).await;
    for (mentee, mentor) in ASKS {
        let vars = json!({ "p": world.program, "m": world.enrollments[mentor] });
        let response = app.as_participant(org, mentee).gql(REQUEST, vars).await;
        world.requests.push(text_at(response.data(), "/requestMentor/id"));
    }
    world
}

/// A program's matching data as its organisation's admin sees it, with the audit count.
async fn snapshot(app: &TestApp, org: &str, program: &str) -> Value {
    let admin = app.as_admin(org);
    let data = admin.gql(SNAPSHOT, json!({ "p": program })).await.data().clone();
    json!({ "data": data, "auditCount": admin.audit_count().await })
}

/// A session acting with `role` in acme; participants are `PARTICIPANT`.
fn session_for(app: &TestApp, role: Role) -> Session<'_> {
    match role {
        Role::Participant => app.as_participant(ACME, PARTICIPANT),
        _ => app.as_role(ACME, role),
    }
}

// ---------------------------------------------------------------------------------------------
// Part one: organisations are isolated.
// ---------------------------------------------------------------------------------------------

/// The code a globex admin, then a globex coordinator, gets for a call on acme's ids.
type Codes = [&'static str; 2];
const NOT_FOUND: Codes = ["NOT_FOUND"; 2];
/// Refused by role before any lookup.
const FORBIDDEN: Codes = ["FORBIDDEN"; 2];
/// ADMIN-only: the admin's lookup finds nothing, the coordinator is refused first.
const ADMIN_ONLY: Codes = ["NOT_FOUND", "FORBIDDEN"];

/// Every matching call a globex manager can make with acme's ids (alone, or mixed with globex's
/// own where the program is acme's), with the codes expected. Self-service requests are a
/// participant's own act: managers are refused them before any lookup.
fn cross_org_manager_calls(acme: &World, globex: &World) -> Vec<(Op, Codes)> {
    let (program, own) = (&acme.program, &globex.enrollments);
    let acme_pair = json!({ "p": program, "mentor": acme.enrollments["J2"], "mentee": acme.enrollments["S8"] });
    let own_pair = json!({ "p": program, "mentor": own["J2"], "mentee": own["S8"] });
    let overriding =
        json!({ "p": program, "mentor": acme.enrollments["J3"], "mentee": acme.enrollments["S4"], "o": ["SENIORITY"] });
    vec![
        (op("proposeMatches", PROPOSE, json!({ "p": program })), NOT_FOUND),
        (op("proposeMatches (dry run)", PROPOSE, json!({ "p": program, "dry": true })), NOT_FOUND),
        (op("approveMatch (PROPOSED)", APPROVE, json!({ "id": acme.proposed[0] })), NOT_FOUND),
        (op("declineMatch (PROPOSED)", DECLINE, json!({ "id": acme.proposed[1] })), NOT_FOUND),
        (op("approveMatch (ACTIVE)", APPROVE, json!({ "id": acme.active })), NOT_FOUND),
        (op("declineMatch (ACTIVE)", DECLINE, json!({ "id": acme.active })), NOT_FOUND),
        (op("pairManually", PAIR, acme_pair), NOT_FOUND),
        (op("pairManually (overriding a rule)", PAIR, overriding), ADMIN_ONLY),
        (op("pairManually (acme program, own enrolments)", PAIR, own_pair), NOT_FOUND),
        (op("suggestedMentors", SUGGEST, json!({ "p": program, "e": acme.enrollments["S8"] })), NOT_FOUND),
        (
            op("suggestedMentors (acme program, own mentee)", SUGGEST, json!({ "p": program, "e": own["S8"] })),
            NOT_FOUND,
        ),
        (op("requestMentor", REQUEST, json!({ "p": program, "m": acme.enrollments["J1"] })), FORBIDDEN),
        (op("acceptMatchRequest", ACCEPT, json!({ "id": acme.requests[0] })), NOT_FOUND),
        (op("declineMatchRequest", DECLINE_REQUEST, json!({ "id": acme.requests[1] })), NOT_FOUND),
        (op("withdrawMatchRequest", WITHDRAW, json!({ "id": acme.requests[2] })), NOT_FOUND),
        (op("Program.matches", MATCHES, json!({ "p": program })), NOT_FOUND),
        (op("Program.matchRequests", REQUESTS, json!({ "p": program })), NOT_FOUND),
    ]
}

#[tokio::test]
async fn globex_admin_and_coordinator_get_not_found_for_every_matching_call_on_acme_ids() {
    let app = TestApp::spawn().await;
    let acme = world(&app, ACME).await;
    let globex = world(&app, GLOBEX).await;
    let before = snapshot(&app, ACME, &acme.program).await;
    for (index, (who, session)) in
        [("admin", app.as_admin(GLOBEX)), ("coordinator", app.as_coordinator(GLOBEX))].into_iter().enumerate()
    {
        for (op, codes) in cross_org_manager_calls(&acme, &globex) {
            let expected = codes[index];
            let response = session.gql(op.doc, op.vars).await;
            assert_eq!(response.code(), Some(expected), "globex {who}: {} with acme ids: {}", op.name, response.body);
            assert!(response.body["data"].is_null(), "globex {who}: {} showed data: {}", op.name, response.body);
        }
    }
    assert_eq!(snapshot(&app, ACME, &acme.program).await, before, "acme's matching changed after globex's attempts");
}

/// Every call a globex participant can make with acme's ids, as (globex employee id, call,
/// code). Each acts as the globex namesake of someone acme's row names: J1 is the mentor acme's
/// first request asks, S5 the mentee who sent it.
fn cross_org_participant_calls(acme: &World) -> Vec<(&'static str, Op, &'static str)> {
    let program = &acme.program;
    let request = &acme.requests[0];
    let pair = json!({ "p": program, "mentor": acme.enrollments["J2"], "mentee": acme.enrollments["S8"] });
    vec![
        ("S8", op("proposeMatches", PROPOSE, json!({ "p": program })), "FORBIDDEN"),
        ("S8", op("approveMatch", APPROVE, json!({ "id": acme.proposed[0] })), "FORBIDDEN"),
        ("S8", op("declineMatch", DECLINE, json!({ "id": acme.proposed[1] })), "FORBIDDEN"),
        ("S8", op("pairManually", PAIR, pair), "FORBIDDEN"),
        // Not an accepted mentee of a program globex cannot see: refused, as for any unknown program.
        ("S8", op("suggestedMentors", SUGGEST, json!({ "p": program })), "FORBIDDEN"),
        ("S8", op("requestMentor", REQUEST, json!({ "p": program, "m": acme.enrollments["J1"] })), "FORBIDDEN"),
        ("J1", op("acceptMatchRequest (as the mentor's namesake)", ACCEPT, json!({ "id": request })), "FORBIDDEN"),
        (
            "J1",
            op("declineMatchRequest (as the mentor's namesake)", DECLINE_REQUEST, json!({ "id": request })),
            "FORBIDDEN",
        ),
        ("S5", op("withdrawMatchRequest (as the mentee's namesake)", WITHDRAW, json!({ "id": request })), "FORBIDDEN"),
        ("S8", op("Program.matches", MATCHES, json!({ "p": program })), "NOT_FOUND"),
        ("S8", op("Program.matchRequests", REQUESTS, json!({ "p": program })), "NOT_FOUND"),
    ]
}

#[tokio::test]
async fn globex_participants_with_acme_employee_ids_are_refused_every_matching_call_on_acme_ids() {
    let app = TestApp::spawn().await;
    let acme = world(&app, ACME).await;
    world(&app, GLOBEX).await;
    let before = snapshot(&app, ACME, &acme.program).await;
    for (employee, op, expected) in cross_org_participant_calls(&acme) {
        let response = app.as_participant(GLOBEX, employee).gql(op.doc, op.vars).await;
        assert_eq!(response.code(), Some(expected), "globex {employee}: {}: {}", op.name, response.body);
        assert!(response.body["data"].is_null(), "globex {employee}: {} showed data: {}", op.name, response.body);
    }
    assert_eq!(snapshot(&app, ACME, &acme.program).await, before, "acme's matching changed after globex's attempts");
}

/// Globex's own program with one acme id in it must get the very answer an id that exists
/// nowhere gets, so the call tells globex nothing about acme.
#[tokio::test]
async fn acme_enrolment_ids_in_globex_calls_answer_exactly_like_ids_that_do_not_exist() {
    let app = TestApp::spawn().await;
    let acme = world(&app, ACME).await;
    let globex = world(&app, GLOBEX).await;
    let before = snapshot(&app, ACME, &acme.program).await;
    let (own, theirs, nowhere) = (&globex.enrollments, &acme.enrollments, missing_id("Enrollment"));
    let coordinator = app.as_coordinator(GLOBEX);
    let s8 = app.as_participant(GLOBEX, "S8");
    let p = &globex.program;
    let calls = [
        (
            "pairManually (acme mentor)",
            &coordinator,
            PAIR,
            json!({ "p": p, "mentor": theirs["J2"], "mentee": own["S8"] }),
            json!({ "p": p, "mentor": nowhere, "mentee": own["S8"] }),
        ),
        (
            "pairManually (acme mentee)",
            &coordinator,
            PAIR,
            json!({ "p": p, "mentor": own["J2"], "mentee": theirs["S8"] }),
            json!({ "p": p, "mentor": own["J2"], "mentee": nowhere }),
        ),
        (
            "suggestedMentors (acme mentee)",
            &coordinator,
            SUGGEST,
            json!({ "p": p, "e": theirs["S8"] }),
            json!({ "p": p, "e": nowhere }),
        ),
        (
            "requestMentor (acme mentor)",
            &s8,
            REQUEST,
            json!({ "p": p, "m": theirs["J1"] }),
            json!({ "p": p, "m": nowhere }),
        ),
    ];
    for (name, session, doc, with_acme, with_nothing) in calls {
        let acme_answer = session.gql(doc, with_acme).await;
        let nothing_answer = session.gql(doc, with_nothing).await;
        assert!(acme_answer.code().is_some(), "{name} with an acme id must fail: {}", acme_answer.body);
        assert_eq!(
            (acme_answer.code(), acme_answer.message(), &acme_answer.body["data"]),
            (nothing_answer.code(), nothing_answer.message(), &nothing_answer.body["data"]),
            "{name}: an acme id must look like no id at all"
        );
    }
    assert_eq!(snapshot(&app, ACME, &acme.program).await, before, "acme's matching changed");
}

#[tokio::test]
async fn acme_matches_and_requests_are_null_or_not_found_to_every_globex_role() {
    let app = TestApp::spawn().await;
    let acme = world(&app, ACME).await;
    world(&app, GLOBEX).await;
    let mut sessions: Vec<(String, Session<'_>)> = ALL
        .iter()
        .filter(|role| **role != Role::Participant)
        .map(|role| (format!("{role:?}"), app.as_role(GLOBEX, *role)))
        .collect();
    // Every participant of globex shares an employee id with someone acme's rows name.
    for employee in MENTORS.iter().chain(&MENTEES) {
        sessions.push((format!("participant {employee}"), app.as_participant(GLOBEX, employee)));
    }
    let node = "query($id: ID!) { node(id: $id) { id ... on Match { status } ... on MatchRequest { status } } }";
    for (who, session) in &sessions {
        for id in acme.all_ids() {
            let response = session.gql(node, json!({ "id": id })).await;
            assert!(response.body.get("errors").is_none(), "globex {who}: node({id}): {}", response.body);
            assert!(response.body["data"]["node"].is_null(), "globex {who} read acme's {id}: {}", response.body);
        }
        for (name, doc) in [("Program.matches", MATCHES), ("Program.matchRequests", REQUESTS)] {
            let response = session.gql(doc, json!({ "p": acme.program })).await;
            assert_eq!(response.code(), Some("NOT_FOUND"), "globex {who}: {name}: {}", response.body);
            assert!(response.body["data"].is_null(), "globex {who}: {name} showed data: {}", response.body);
        }
    }
}

#[tokio::test]
async fn globex_lists_suggestions_and_proposals_hold_only_globex_rows() {
    let app = TestApp::spawn().await;
    let acme = world(&app, ACME).await;
    let globex = world(&app, GLOBEX).await;
    let admin = app.as_admin(GLOBEX);
    let acme_ids = acme.all_ids();
    let matches = admin.gql(MATCHES, json!({ "p": globex.program })).await;
    let listed = ids_of(nodes(matches.data(), "matches"));
    assert_eq!(listed.len(), 3, "globex's own three matches: {listed:?}");
    assert!(globex.match_ids().iter().all(|id| listed.iter().any(|row| row == id)), "{listed:?}");
    let requests = admin.gql(REQUESTS, json!({ "p": globex.program })).await;
    assert_eq!(ids_of(nodes(requests.data(), "matchRequests")), globex.requests);
    assert!(
        listed.iter().chain(&globex.requests).all(|id| !acme_ids.contains(&id.as_str())),
        "an acme row in globex's lists"
    );

    let globex_people: Vec<&String> = globex.people.values().collect();
    let dry = admin.gql(PROPOSE, json!({ "p": globex.program, "dry": true })).await;
    let payload = &dry.data()["proposeMatches"];
    let mut named = Vec::new();
    for proposal in payload["proposals"].as_array().expect("proposals") {
        named.extend([text_at(proposal, "/mentor/id"), text_at(proposal, "/mentee/id")]);
    }
    for unmatched in payload["unmatched"].as_array().expect("unmatched") {
        named.push(text_at(unmatched, "/mentee/id"));
    }
    assert!(
        !named.is_empty() && named.iter().all(|id| globex_people.contains(&id)),
        "proposals name acme people: {named:?}"
    );

    let globex_enrollments: Vec<&String> = globex.enrollments.values().collect();
    let suggestions = app.as_participant(GLOBEX, PARTICIPANT).gql(SUGGEST, json!({ "p": globex.program })).await;
    let suggested: Vec<String> = suggestions.data()["suggestedMentors"]
        .as_array()
        .expect("suggestions")
        .iter()
        .map(|s| text_at(s, "/enrollment/id"))
        .collect();
    assert_eq!(suggested.len(), 3, "globex's three mentors: {}", suggestions.body);
    assert!(suggested.iter().all(|id| globex_enrollments.contains(&id)), "acme mentors suggested: {suggested:?}");
}

/// Globex running its own matching end to end (a stored proposal run that replaces PROPOSED
/// rows, approvals, a manual pair, every answer to a request) must not touch acme's rows.
#[tokio::test]
async fn globex_matching_its_own_program_leaves_acme_untouched() {
    let app = TestApp::spawn().await;
    let acme = world(&app, ACME).await;
    let globex = world(&app, GLOBEX).await;
    let before = snapshot(&app, ACME, &acme.program).await;
    let coordinator = app.as_coordinator(GLOBEX);
    coordinator.gql(DECLINE, json!({ "id": globex.proposed[0] })).await.data();
    coordinator.gql(APPROVE, json!({ "id": globex.proposed[1] })).await.data();
    let pair = json!({ "p": globex.program, "mentor": globex.enrollments["J2"], "mentee": globex.enrollments["S8"] });
    coordinator.gql(PAIR, pair).await.data();
    app.as_participant(GLOBEX, "J1").gql(ACCEPT, json!({ "id": globex.requests[0] })).await.data();
    app.as_participant(GLOBEX, "J2").gql(DECLINE_REQUEST, json!({ "id": globex.requests[1] })).await.data();
    app.as_participant(GLOBEX, "S7").gql(WITHDRAW, json!({ "id": globex.requests[2] })).await.data();
    let rerun = coordinator.gql(PROPOSE, json!({ "p": globex.program })).await;
    assert!(rerun.data()["proposeMatches"]["matchedCount"].as_i64().is_some(), "{}", rerun.body);
    assert_eq!(snapshot(&app, ACME, &acme.program).await, before, "globex's own matching changed acme's rows");
}

/// Expiry runs as a side effect of reads and writes; globex's calls must expire only globex's
/// overdue requests, never acme's.
#[tokio::test]
async fn globex_calls_never_expire_acme_requests() {
    use reverse_mentoring::store::entity::match_request;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let app = TestApp::spawn().await;
    let acme = world(&app, ACME).await;
    let globex = world(&app, GLOBEX).await;
    let db = app.store.connection();
    let past = chrono::Utc::now() - chrono::Duration::hours(1);
    let overdue = match_request::Entity::update_many()
        .col_expr(match_request::Column::ExpiresAt, Expr::value(past))
        .filter(match_request::Column::OrgId.eq(ACME))
        .exec(db)
        .await
        .expect("update");
    assert_eq!(overdue.rows_affected, 3);
    let rows = || async {
        let found = match_request::Entity::find().filter(match_request::Column::OrgId.eq(ACME)).all(db).await;
        found.expect("select").into_iter().map(|row| (row.id, row.status, row.version)).collect::<Vec<_>>()
    };
    let before = rows().await;
    app.as_admin(GLOBEX).gql(REQUESTS, json!({ "p": globex.program })).await.data();
    app.as_participant(GLOBEX, "J1").gql(ACCEPT, json!({ "id": globex.requests[0] })).await.data();
    app.as_participant(GLOBEX, "S8")
        .gql(REQUEST, json!({ "p": globex.program, "m": globex.enrollments["J3"] }))
        .await
        .data();
    assert_eq!(rows().await, before, "globex's calls changed acme's requests");
    assert!(before.iter().all(|(_, status, _)| status == "PENDING"), "{before:?}");

    let listed = app.as_admin(ACME).gql(REQUESTS, json!({ "p": acme.program })).await;
    let statuses: Vec<&Value> = nodes(listed.data(), "matchRequests").iter().map(|r| &r["status"]).collect();
    assert_eq!(statuses, [&json!("EXPIRED"); 3], "acme's own call expires them: the setup is real");
}

// ---------------------------------------------------------------------------------------------
// Part two: the role matrix.
// ---------------------------------------------------------------------------------------------

/// Every matching query and field, with the roles that may use it. The participant is not part
/// of the matches and requests named; `Program.matches` and `matchRequests` show them only their
/// own (none), and `suggestedMentors` ignores the mentee named and answers for themselves.
fn query_matrix(world: &World) -> Vec<(Op, &'static [Role])> {
    let program = json!({ "p": world.program });
    vec![
        (op("node(Match ACTIVE)", NODE, json!({ "id": world.active })), READERS),
        (op("node(Match PROPOSED)", NODE, json!({ "id": world.proposed[0] })), READERS),
        (op("node(MatchRequest)", NODE, json!({ "id": world.requests[0] })), READERS),
        (op("Program.matches", MATCHES, program.clone()), READERS_AND_PARTICIPANTS),
        (op("Program.matchRequests", REQUESTS, program), READERS_AND_PARTICIPANTS),
        (
            op("suggestedMentors", SUGGEST, json!({ "p": world.program, "e": world.enrollments[PARTICIPANT] })),
            MANAGERS_AND_PARTICIPANTS,
        ),
    ]
}

/// Every matching mutation, ordered so that each succeeds for a role allowed to call it, with
/// the roles that may and whether it writes an audit event. The participant acts on requests
/// they are not part of; `requestMentor` has no one else to act for.
fn mutation_matrix(world: &World) -> Vec<(Op, &'static [Role], bool)> {
    let (p, enrollments) = (&world.program, &world.enrollments);
    let pair = json!({ "p": p, "mentor": enrollments["J2"], "mentee": enrollments[PARTICIPANT] });
    let overriding = json!({ "p": p, "mentor": enrollments["J3"], "mentee": enrollments["S4"], "o": ["SENIORITY"] });
    vec![
        (op("proposeMatches (dry run)", PROPOSE, json!({ "p": p, "dry": true })), MANAGERS, false),
        (op("approveMatch", APPROVE, json!({ "id": world.proposed[0] })), MANAGERS, true),
        (op("declineMatch", DECLINE, json!({ "id": world.proposed[1] })), MANAGERS, true),
        (op("pairManually", PAIR, pair), MANAGERS, true),
        (op("pairManually (overriding a rule)", PAIR, overriding), ADMIN, true),
        (op("requestMentor (for oneself)", REQUEST, json!({ "p": p, "m": enrollments["J1"] })), PARTICIPANTS, true),
        (op("acceptMatchRequest (someone else's)", ACCEPT, json!({ "id": world.requests[0] })), MANAGERS, true),
        (
            op("declineMatchRequest (someone else's)", DECLINE_REQUEST, json!({ "id": world.requests[1] })),
            MANAGERS,
            true,
        ),
        (op("withdrawMatchRequest (someone else's)", WITHDRAW, json!({ "id": world.requests[2] })), MANAGERS, true),
        (op("proposeMatches", PROPOSE, json!({ "p": p })), MANAGERS, true),
    ]
}

#[track_caller]
fn assert_access(role: Role, name: &str, allowed: &[Role], response: &Gql) {
    if allowed.contains(&role) {
        assert!(response.body.get("errors").is_none(), "{role:?}: {name} should succeed: {}", response.body);
    } else {
        assert_eq!(response.code(), Some("FORBIDDEN"), "{role:?} must be refused {name}: {}", response.body);
    }
}

/// Runs the whole matrix for one role in acme; refused mutations must leave no trace, allowed
/// ones must each write their audit event.
async fn check_role_matrix(role: Role) {
    let app = TestApp::spawn().await;
    let world = world(&app, ACME).await;
    let session = session_for(&app, role);
    for (op, allowed) in query_matrix(&world) {
        assert_access(role, op.name, allowed, &session.gql(op.doc, op.vars).await);
    }
    let before = snapshot(&app, ACME, &world.program).await;
    let mut audited = 0;
    for (op, allowed, writes) in mutation_matrix(&world) {
        audited += usize::from(allowed.contains(&role) && writes);
        assert_access(role, op.name, allowed, &session.gql(op.doc, op.vars).await);
    }
    let after = snapshot(&app, ACME, &world.program).await;
    if audited == 0 {
        assert_eq!(after, before, "{role:?}: refused mutations changed acme's matching");
    } else {
        let count = |snapshot: &Value| snapshot["auditCount"].as_u64().unwrap_or(0) as usize;
        assert_eq!(count(&after), count(&before) + audited, "{role:?}: one audit event per allowed mutation");
    }
}

#[tokio::test]
async fn admin_may_make_every_matching_call() {
    check_role_matrix(Role::Admin).await;
}

#[tokio::test]
async fn coordinator_matches_but_cannot_override_rules_or_request_for_a_mentee() {
    check_role_matrix(Role::Coordinator).await;
}

#[tokio::test]
async fn analyst_reads_matches_and_requests_and_changes_nothing() {
    check_role_matrix(Role::Analyst).await;
}

#[tokio::test]
async fn lms_has_no_part_in_matching() {
    check_role_matrix(Role::Lms).await;
}

#[tokio::test]
async fn participant_cannot_read_or_answer_other_peoples_matches_and_requests() {
    check_role_matrix(Role::Participant).await;
}

// ---------------------------------------------------------------------------------------------
// Part two, continued: a participant's own matches and requests.
// ---------------------------------------------------------------------------------------------

/// The ids of `rows` (matches or requests) that name `employee` as mentor or mentee.
fn involving(rows: &[Value], employee: &str) -> Vec<String> {
    let named = |row: &Value| row["mentor"]["employeeId"] == employee || row["mentee"]["employeeId"] == employee;
    rows.iter().filter(|row| named(row)).map(|row| text_at(row, "/id")).collect()
}

#[tokio::test]
async fn each_participant_lists_and_reads_exactly_the_matches_and_requests_they_are_part_of() {
    let app = TestApp::spawn().await;
    let world = world(&app, ACME).await;
    let vars = json!({ "p": world.program });
    let admin = app.as_admin(ACME);
    let all_matches = nodes(admin.gql(MATCHES, vars.clone()).await.data(), "matches").to_vec();
    let all_requests = nodes(admin.gql(REQUESTS, vars.clone()).await.data(), "matchRequests").to_vec();
    assert_eq!((all_matches.len(), all_requests.len()), (3, 3));
    for employee in MENTORS.iter().chain(&MENTEES) {
        let participant = app.as_participant(ACME, employee);
        // Proposals stay with coordinators until approved: participants see relationships only.
        let relationships: Vec<Value> = all_matches.iter().filter(|m| m["status"] == "ACTIVE").cloned().collect();
        let own_matches = involving(&relationships, employee);
        let own_requests = involving(&all_requests, employee);
        let listed = participant.gql(MATCHES, vars.clone()).await;
        assert_eq!(ids_of(nodes(listed.data(), "matches")), own_matches, "{employee}: Program.matches");
        let listed = participant.gql(REQUESTS, vars.clone()).await;
        assert_eq!(ids_of(nodes(listed.data(), "matchRequests")), own_requests, "{employee}: Program.matchRequests");
        for id in world.all_ids() {
            let response = participant.gql(NODE, json!({ "id": id })).await;
            if own_matches.iter().chain(&own_requests).any(|own| own == id) {
                assert_eq!(response.data()["node"]["id"], id, "{employee} reads their own {id}");
            } else {
                assert_eq!(response.code(), Some("FORBIDDEN"), "{employee} reads {id}: {}", response.body);
                assert!(response.body["data"]["node"].is_null(), "{employee} read {id}: {}", response.body);
            }
        }
    }
    let proposed = all_matches.iter().filter(|m| m["status"] == "PROPOSED").count();
    assert_eq!(proposed, 2, "the setup has proposals that participants must not see");
}

const ENROLL_SELF: &str = "mutation($p: ID!) { enroll(input: { programId: $p, role: MENTEE }) { id status } }";

/// Asserts that `who` may neither ask for suggestions nor request a mentor in the program.
async fn assert_not_a_mentee(app: &TestApp, world: &World, who: &str) {
    let session = app.as_participant(ACME, who);
    let suggestions = session.gql(SUGGEST, json!({ "p": world.program })).await;
    assert_eq!(suggestions.code(), Some("FORBIDDEN"), "{who}: suggestedMentors: {}", suggestions.body);
    let request = session.gql(REQUEST, json!({ "p": world.program, "m": world.enrollments["J1"] })).await;
    assert_eq!(request.code(), Some("FORBIDDEN"), "{who}: requestMentor: {}", request.body);
    assert!(request.body["data"].is_null(), "{who}: {}", request.body);
}

#[tokio::test]
async fn only_an_accepted_mentee_gets_suggestions_and_requests_a_mentor() {
    let app = TestApp::spawn().await;
    let world = world(&app, ACME).await;
    let admin = app.as_admin(ACME);
    let skills: Vec<String> = {
        let response = admin.gql("{ skills { nodes { id } } }", json!({})).await;
        ids_of(response.data()["skills"]["nodes"].as_array().expect("skills"))
    };
    let s9 = add_people(&admin, (&skills[0], &skills[1]), &[("S9", 12, "GEN_X", None)]).await;
    assert_eq!(s9.len(), 1);
    // An accepted mentor, someone not enrolled, and a token naming nobody in the directory.
    for who in ["J1", "S9", "NOBODY"] {
        assert_not_a_mentee(&app, &world, who).await;
    }
    let applied = app.as_participant(ACME, "S9").gql(ENROLL_SELF, json!({ "p": world.program })).await;
    assert_eq!(applied.data()["enroll"]["status"], "APPLIED");
    assert_not_a_mentee(&app, &world, "S9").await;
    let enrollment = text_at(applied.data(), "/enroll/id");
    let accept = "mutation($id: ID!) { acceptEnrollment(id: $id) { status } }";
    admin.gql(accept, json!({ "id": enrollment })).await.data();
    let s9_session = app.as_participant(ACME, "S9");
    let accepted = s9_session.gql(SUGGEST, json!({ "p": world.program })).await;
    assert_eq!(accepted.data()["suggestedMentors"].as_array().map(Vec::len), Some(3), "once accepted, S9 may ask");
    let withdraw = "mutation($id: ID!) { withdrawEnrollment(id: $id) { status } }";
    s9_session.gql(withdraw, json!({ "id": enrollment })).await.data();
    assert_not_a_mentee(&app, &world, "S9").await;

    let s8 = app.as_participant(ACME, PARTICIPANT);
    let own = s8.gql(SUGGEST, json!({ "p": world.program })).await.data()["suggestedMentors"].clone();
    assert_eq!(own.as_array().map(Vec::len), Some(3), "{own}");
    // Naming another mentee (S4, whom no mentor fits) changes nothing: a participant asks for themselves.
    let named = s8.gql(SUGGEST, json!({ "p": world.program, "e": world.enrollments["S4"] })).await;
    assert_eq!(named.data()["suggestedMentors"], own, "a participant cannot see another mentee's suggestions");
    let s4 = app.as_participant(ACME, "S4").gql(SUGGEST, json!({ "p": world.program })).await;
    assert_eq!(s4.data()["suggestedMentors"], json!([]), "S4's own suggestions differ");
    let request = s8.gql(REQUEST, json!({ "p": world.program, "m": world.enrollments["J1"] })).await;
    let expected = json!({ "status": "PENDING", "mentor": { "employeeId": "J1" }, "mentee": { "employeeId": "S8" } });
    let made = request.data()["requestMentor"].clone();
    assert_eq!(json!({ "status": made["status"], "mentor": made["mentor"], "mentee": made["mentee"] }), expected);
    let listed = admin.gql(REQUESTS, json!({ "p": world.program })).await;
    assert_eq!(nodes(listed.data(), "matchRequests").len(), 4, "only S8's request was added");
}

/// A request's status and version as acme's admin reads it.
async fn request_state(app: &TestApp, id: &str) -> Value {
    let query = "query($id: ID!) { node(id: $id) { ... on MatchRequest { status version } } }";
    app.as_admin(ACME).gql(query, json!({ "id": id })).await.data()["node"].clone()
}

#[tokio::test]
async fn only_the_mentor_asked_answers_a_request_and_only_the_mentee_who_asked_withdraws_it() {
    let app = TestApp::spawn().await;
    let world = world(&app, ACME).await;
    let first = json!({ "id": world.requests[0] }); // S5 asked J1.
    let refused = [
        ("S5", ACCEPT, "the mentor asked"),
        ("J2", ACCEPT, "the mentor asked"),
        ("S6", ACCEPT, "the mentor asked"),
        ("S5", DECLINE_REQUEST, "the mentor asked"),
        ("J2", DECLINE_REQUEST, "the mentor asked"),
        ("J1", WITHDRAW, "the mentee who asked"),
        ("S6", WITHDRAW, "the mentee who asked"),
        ("S8", WITHDRAW, "the mentee who asked"),
    ];
    for (who, doc, words) in refused {
        let response = app.as_participant(ACME, who).gql(doc, first.clone()).await;
        response.assert_error("FORBIDDEN", words);
        assert!(response.body["data"].is_null(), "{who}: {}", response.body);
    }
    assert_eq!(request_state(&app, &world.requests[0]).await, json!({ "status": "PENDING", "version": 1 }));

    let declined = app.as_participant(ACME, "J1").gql(DECLINE_REQUEST, first).await;
    assert_eq!(declined.data()["declineMatchRequest"]["status"], "DECLINED");
    let accepted = app.as_participant(ACME, "J2").gql(ACCEPT, json!({ "id": world.requests[1] })).await;
    let expected = json!({ "status": "ACTIVE", "source": "REQUEST", "mentor": { "employeeId": "J2" },
                           "mentee": { "employeeId": "S6" } });
    assert_eq!(accepted.data()["acceptMatchRequest"]["match"], expected);
    let withdrawn = app.as_participant(ACME, "S7").gql(WITHDRAW, json!({ "id": world.requests[2] })).await;
    assert_eq!(withdrawn.data()["withdrawMatchRequest"]["status"], "WITHDRAWN");
    for (id, status) in world.requests.iter().zip(["DECLINED", "ACCEPTED", "WITHDRAWN"]) {
        assert_eq!(request_state(&app, id).await, json!({ "status": status, "version": 2 }));
    }
}

const CONTACTS: &str = "query($p: ID!) { program(id: $p) {
    matches(first: 100) { nodes { mentor { name email } mentee { name email } } }
    matchRequests(first: 100) { nodes { mentor { name email } mentee { name email } } } } }";

/// What a caller saw of the people in a program's matches and requests.
struct ContactView {
    /// Each error as "CODE field", e.g. "FORBIDDEN email".
    refusals: Vec<String>,
    /// Each person shown, as (name, email or null).
    people: Vec<(String, Value)>,
}

fn contact_view(response: &Gql) -> ContactView {
    let errors = response.body["errors"].as_array().map_or(&[][..], Vec::as_slice);
    let field = |error: &Value| error["path"].as_array().and_then(|path| path.last()).cloned().unwrap_or_default();
    let refusals = errors
        .iter()
        .map(|error| {
            format!("{} {}", error["extensions"]["code"].as_str().unwrap_or(""), field(error).as_str().unwrap_or(""))
        })
        .collect();
    let mut people = Vec::new();
    for connection in ["matches", "matchRequests"] {
        for row in nodes(&response.body["data"], connection) {
            for side in ["mentor", "mentee"] {
                people.push((text_at(&row[side], "/name"), row[side]["email"].clone()));
            }
        }
    }
    ContactView { refusals, people }
}

#[tokio::test]
async fn analysts_read_matches_and_requests_without_contact_details() {
    let app = TestApp::spawn().await;
    let world = world(&app, ACME).await;
    let vars = json!({ "p": world.program });
    let analyst = app.as_role(ACME, Role::Analyst).gql(CONTACTS, vars.clone()).await;
    let seen = contact_view(&analyst);
    assert_eq!(seen.people.len(), 12, "three matches and three requests, both sides: {}", analyst.body);
    assert!(seen.people.iter().all(|(name, email)| name.starts_with("Person ") && email.is_null()), "{analyst:?}");
    assert_eq!(seen.refusals, vec!["FORBIDDEN email"; 12], "one refusal per email");
    for role in [Role::Admin, Role::Coordinator] {
        let seen = contact_view(&app.as_role(ACME, role).gql(CONTACTS, vars.clone()).await);
        assert!(seen.refusals.is_empty(), "{role:?}: {:?}", seen.refusals);
        assert!(seen.people.iter().all(|(_, email)| email.as_str().is_some_and(|e| e.ends_with("@example.com"))));
    }
    // A participant sees their own address on their request, not their mentor's.
    let s5 = app.as_participant(ACME, "S5").gql(CONTACTS, vars).await;
    let seen = contact_view(&s5);
    assert_eq!(seen.refusals, ["FORBIDDEN email"], "{}", s5.body);
    let expected = [("Person J1".to_owned(), Value::Null), ("Person S5".to_owned(), json!("s5@example.com"))];
    assert_eq!(seen.people, expected);
}

// ---------------------------------------------------------------------------------------------
// Discrepancies: what the role descriptions promise but the resolvers do not (yet) do.
// ---------------------------------------------------------------------------------------------

/// Roles add up: someone who coordinates programs and is also an accepted mentee (a token with
/// COORDINATOR and PARTICIPANT, naming them) may request a mentor like any mentee.
#[tokio::test]
async fn a_manager_who_is_also_an_accepted_mentee_can_request_a_mentor() {
    let app = TestApp::spawn().await;
    let world = world(&app, ACME).await;
    let vars = json!({ "p": world.program, "m": world.enrollments["J1"] });
    for role in [Role::Coordinator, Role::Admin] {
        let roles = [role, Role::Participant];
        let token = app.keys.issue(ACME, PARTICIPANT, &roles, Some(PARTICIPANT), chrono::Duration::hours(1));
        let response = app.with_token(&token.expect("sign")).gql(REQUEST, vars.clone()).await;
        let made = &response.data()["requestMentor"];
        assert_eq!((&made["status"], &made["mentee"]["employeeId"]), (&json!("PENDING"), &json!(PARTICIPANT)));
        let id = json!({ "id": made["id"] });
        app.as_participant(ACME, PARTICIPANT).gql(WITHDRAW, id).await.data();
    }
}
