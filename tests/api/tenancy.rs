//! Tenancy and roles, end to end.
//!
//! Part one: organisation "globex" can neither read nor change anything of "acme". Every query
//! and every mutation that takes an id is tried with acme's ids while acting as globex, and
//! acme's data is compared afterwards with a snapshot taken before.
//!
//! Part two: the role matrix. Each query field and mutation is tried with each role and must be
//! refused with FORBIDDEN exactly when the role may not use it. Then the field-level rules:
//! contact details, a participant's own profile and enrolments, and what an LMS may read.

use reverse_mentoring::auth::Role;
use serde_json::{Value, json};

use crate::common::factories::person;
use crate::common::tables::{ADMIN, MANAGERS, NODE, Op, READERS, READERS_AND_PARTICIPANTS, op, text_at};
use crate::common::{Gql, Session, TestApp};

const ACME: &str = "acme";
const GLOBEX: &str = "globex";
/// The participant the role matrix acts as: Eve, enrolled as a mentee, acting on others' data.
const PARTICIPANT: &str = "E5";

const ALL: &[Role] = &[Role::Admin, Role::Coordinator, Role::Analyst, Role::Lms, Role::Participant];
const ADMIN_AND_ANALYST: &[Role] = &[Role::Admin, Role::Analyst];

const PERSON: &str = "query($id: ID!) { person(id: $id) { name } }";
const PROGRAM: &str = "query($id: ID!) { program(id: $id) { name objectives { kind } } }";
const PROGRAM_ENROLLMENTS: &str =
    "query($id: ID!) { program(id: $id) { enrollments { nodes { id person { employeeId } } } } }";
const UPSERT: &str = "mutation($p: [PersonInput!]!) { upsertPeople(people: $p) { created updated people { id } } }";
const RECORD_DEPARTURE: &str = "mutation($p: ID!) { recordDeparture(personId: $p, leftOn: \"2026-06-30\") { id } }";
const SCHEDULE_DEPARTURE: &str = "mutation($p: ID!) { recordDeparture(personId: $p, leftOn: \"2099-12-31\") { id } }";
const CANCEL_DEPARTURE: &str = "mutation($p: ID!) { cancelDeparture(personId: $p) { id } }";
const SET_SKILL: &str =
    "mutation($p: ID!, $s: ID!) { setPersonSkill(personId: $p, skillId: $s, relation: WANTS, level: 3) { level } }";
const OFFER_SKILL: &str =
    "mutation($p: ID!, $s: ID!) { setPersonSkill(personId: $p, skillId: $s, relation: OFFERS, level: 4) { level } }";
const SET_SKILLS: &str = "mutation($p: ID!, $s: ID!) { setPersonSkills(skills: [{ personId: $p, skillId: $s, \
    relation: OFFERS, level: 1 }]) { created updated } }";
const REMOVE_SKILL: &str =
    "mutation($p: ID!, $s: ID!) { removePersonSkill(personId: $p, skillId: $s, relation: OFFERS) }";
const CREATE_SKILL: &str = "mutation { createSkill(input: { name: \"Rust\", category: TECHNOLOGY }) { id name } }";
const UPDATE_SKILL: &str = "mutation($id: ID!) { updateSkill(input: { id: $id, name: \"Rust (systems)\" }) { name } }";
const CREATE_PROGRAM: &str = "mutation { createProgram(input: { name: \"Reverse 2027\", startsOn: \"2027-01-01\", \
    endsOn: \"2027-12-31\", objectives: [{ kind: RELATIONSHIPS_FORMED, target: 5, dueOn: \"2027-03-31\" }, \
    { kind: AVERAGE_SATISFACTION, target: 4 }] }) { id } }";
const UPDATE_PROGRAM: &str = "mutation($id: ID!, $v: Int!) { \
    updateProgram(input: { id: $id, expectedVersion: $v, name: \"Renamed\" }) { version } }";
const OPEN: &str = "mutation($id: ID!) { openProgramEnrollment(id: $id) { status } }";
const START: &str = "mutation($id: ID!) { startProgram(id: $id) { status } }";
const EXTEND: &str = "mutation($id: ID!) { extendProgram(id: $id, endsOn: \"2028-06-30\") { endsOn } }";
const END: &str = "mutation($id: ID!) { endProgram(id: $id, reason: CANCELLED, note: \"stopped\") { status } }";
const ENROLL: &str =
    "mutation($prog: ID!, $p: ID) { enroll(input: { programId: $prog, personId: $p, role: MENTEE }) { id status } }";
const ACCEPT: &str = "mutation($id: ID!) { acceptEnrollment(id: $id) { status } }";
const ENROLL_PEOPLE: &str = "mutation($prog: ID!, $p: ID!) { enrollPeople(programId: $prog, enrollments: [{ personId: $p, role: MENTOR }]) { id } }";
const WITHDRAW: &str = "mutation($id: ID!) { withdrawEnrollment(id: $id) { status } }";
const SET_IMPORT_SOURCE: &str = "mutation { setPeopleImportSource(name: \"workday\", columns: [{ field: EMPLOYEE_ID, column: \"Worker ID\" }]) { name } }";
const ROTATE_SCIM_TOKEN: &str = "mutation($id: ID!) { rotateScimToken(id: $id, overlapHours: 1) { secret } }";
const REVOKE_SCIM_TOKEN: &str = "mutation($id: ID!) { revokeScimToken(id: $id) { active } }";
const UPDATE_ENROLLMENT: &str = "mutation($id: ID!) { updateEnrollment(id: $id, goals: \"Learn TikTok\") { goals } }";

/// Everything of acme that must survive globex's attempts, as acme's admin reads it.
const SNAPSHOT: &str = "{
  people(first: 100) { nodes { id employeeId name email department level managerEmployeeId employmentStatus
    leftOn version updatedAt skills { skill { id name } relation level } enrollments(first: 10) { nodes { id } } } }
  skills(first: 100) { nodes { id name category externalUri version } }
  programs(first: 10) { nodes { id name description status startsOn endsOn endReason endNote version updatedAt
    objectives { kind target dueOn windowMonths } matchingRules { mode minScore seniority }
    enrollments(first: 100) { nodes { id role status capacity goals version person { id } } } } }
  auditEvents(first: 100) { nodes { id action entityId } } }";

/// The ids of one organisation's seeded data, so every kind of object exists.
struct World {
    /// E1 Ada (the manager of the others), E2 Ben, E3 Cy, E4 Dee, E5 Eve.
    people: Vec<String>,
    /// "Rust", offered by Ben.
    skill: String,
    /// "Reverse 2027": ENROLLING, with objectives.
    program: String,
    /// "Draft": still DRAFT.
    draft: String,
    /// Ben as MENTOR, ACCEPTED.
    mentor: String,
    /// Cy's own application as MENTEE, APPLIED.
    applied: String,
    /// Eve as MENTEE, ACCEPTED.
    eves: String,
    /// The first audit event.
    audit: String,
    /// The program's version after seeding.
    version: i64,
    /// A SCIM secret's token ("Entra ID").
    scim_token: String,
}

impl World {
    fn ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.people.iter().map(String::as_str).collect();
        ids.extend(
            [
                &self.skill,
                &self.program,
                &self.draft,
                &self.mentor,
                &self.applied,
                &self.eves,
                &self.audit,
                &self.scim_token,
            ]
            .map(String::as_str),
        );
        ids
    }
}

fn ids_of(connection: &Value) -> Vec<String> {
    connection["nodes"].as_array().expect("nodes").iter().map(|node| text_at(node, "/id")).collect()
}

/// Seeds `org` as its admin: people with manager links, a skill on a person, a program with
/// objectives open for enrolment, a draft, a mentor, an accepted mentee and an application.
async fn seed(app: &TestApp, org: &str) -> World {
    let admin = app.as_admin(org);
    let mut batch = vec![person("E1", "Ada", "Board", 12)];
    for (id, name, department, level) in
        [("E2", "Ben", "IT", 3), ("E3", "Cy", "Sales", 4), ("E4", "Dee", "Ops", 5), ("E5", "Eve", "IT", 2)]
    {
        let mut entry = person(id, name, department, level);
        entry["managerEmployeeId"] = json!("E1");
        batch.push(entry);
    }
    let people = admin.upsert_people(Value::Array(batch)).await;
    let skill = admin.create_skill("Rust", "TECHNOLOGY").await;
    admin.gql(OFFER_SKILL, json!({ "p": people[1], "s": skill })).await.data();
    let program = text_at(admin.gql(CREATE_PROGRAM, json!({})).await.data(), "/createProgram/id");
    admin.open_enrollment(&program).await;
    let draft = admin.create_program("Draft").await;
    let mentor = admin.enroll(&program, &people[1], "MENTOR").await;
    let eves = admin.enroll(&program, &people[4], "MENTEE").await;
    let application = app.as_participant(org, "E3").gql(ENROLL, json!({ "prog": program })).await;
    let applied = text_at(application.data(), "/enroll/id");
    let first_event = admin.gql("{ auditEvents(first: 1) { nodes { id } } }", json!({})).await;
    let audit = text_at(first_event.data(), "/auditEvents/nodes/0/id");
    let version = admin.program_version(&program).await;
    let token = admin.gql("mutation { createScimToken(name: \"Entra ID\") { token { id } } }", json!({})).await;
    let scim_token = text_at(token.data(), "/createScimToken/token/id");
    World { people, skill, program, draft, mentor, applied, eves, audit, version, scim_token }
}

/// Acme's data as its admin sees it, with the audit count.
async fn snapshot(app: &TestApp) -> Value {
    let admin = app.as_admin(ACME);
    let data = admin.gql(SNAPSHOT, json!({})).await.data().clone();
    json!({ "data": data, "auditCount": admin.audit_count().await })
}

// ---------------------------------------------------------------------------------------------
// Part one: organisations are isolated.
// ---------------------------------------------------------------------------------------------

/// Every mutation that takes an id, with acme's ids (or acme's mixed with globex's own);
/// `true` marks the ADMIN-only ones.
fn cross_org_mutations(acme: &World, globex: &World) -> Vec<(Op, bool)> {
    let (ada, ben, dee) = (&acme.people[0], &acme.people[1], &acme.people[3]);
    vec![
        (op("recordDeparture", RECORD_DEPARTURE, json!({ "p": dee })), true),
        (op("cancelDeparture", CANCEL_DEPARTURE, json!({ "p": dee })), true),
        (op("setPersonSkill", SET_SKILL, json!({ "p": ada, "s": acme.skill })), false),
        (op("setPersonSkill (acme person, own skill)", SET_SKILL, json!({ "p": ada, "s": globex.skill })), false),
        (
            op("setPersonSkill (own person, acme skill)", SET_SKILL, json!({ "p": globex.people[0], "s": acme.skill })),
            false,
        ),
        (op("removePersonSkill", REMOVE_SKILL, json!({ "p": ben, "s": acme.skill })), false),
        (op("setPersonSkills", SET_SKILLS, json!({ "p": ada, "s": acme.skill })), true),
        (
            op(
                "setPersonSkills (own person, acme skill)",
                SET_SKILLS,
                json!({ "p": globex.people[0], "s": acme.skill }),
            ),
            true,
        ),
        (op("setPersonSkills (acme person, own skill)", SET_SKILLS, json!({ "p": ada, "s": globex.skill })), true),
        (op("updateSkill", UPDATE_SKILL, json!({ "id": acme.skill })), false),
        (op("updateProgram", UPDATE_PROGRAM, json!({ "id": acme.program, "v": acme.version })), false),
        (op("openProgramEnrollment", OPEN, json!({ "id": acme.draft })), false),
        (op("startProgram", START, json!({ "id": acme.program })), false),
        (op("extendProgram", EXTEND, json!({ "id": acme.program })), false),
        (op("endProgram", END, json!({ "id": acme.program })), false),
        (op("enroll", ENROLL, json!({ "prog": acme.program, "p": ada })), false),
        (
            op("enroll (acme program, own person)", ENROLL, json!({ "prog": acme.program, "p": globex.people[0] })),
            false,
        ),
        (op("enroll (own program, acme person)", ENROLL, json!({ "prog": globex.program, "p": ada })), false),
        (op("enrollPeople", ENROLL_PEOPLE, json!({ "prog": acme.draft, "p": ada })), false),
        (
            op(
                "enrollPeople (acme program, own person)",
                ENROLL_PEOPLE,
                json!({ "prog": acme.draft, "p": globex.people[0] }),
            ),
            false,
        ),
        (
            op("enrollPeople (own program, acme person)", ENROLL_PEOPLE, json!({ "prog": globex.draft, "p": ada })),
            false,
        ),
        (op("acceptEnrollment", ACCEPT, json!({ "id": acme.applied })), false),
        (op("withdrawEnrollment", WITHDRAW, json!({ "id": acme.mentor })), false),
        (op("updateEnrollment", UPDATE_ENROLLMENT, json!({ "id": acme.mentor })), false),
        (op("rotateScimToken", ROTATE_SCIM_TOKEN, json!({ "id": acme.scim_token })), true),
        (op("revokeScimToken", REVOKE_SCIM_TOKEN, json!({ "id": acme.scim_token })), true),
    ]
}

#[tokio::test]
async fn globex_admin_and_coordinator_get_not_found_for_every_mutation_on_acme_ids() {
    let app = TestApp::spawn().await;
    let acme = seed(&app, ACME).await;
    let globex = seed(&app, GLOBEX).await;
    let before = snapshot(&app).await;
    let sessions = [("admin", app.as_admin(GLOBEX), true), ("coordinator", app.as_coordinator(GLOBEX), false)];
    for (who, session, is_admin) in &sessions {
        for (op, admin_only) in cross_org_mutations(&acme, &globex) {
            if admin_only && !is_admin {
                continue;
            }
            let response = session.gql(op.doc, op.vars).await;
            assert_eq!(
                response.code(),
                Some("NOT_FOUND"),
                "globex {who}: {} with acme ids: {}",
                op.name,
                response.body
            );
            assert!(response.body["data"].is_null(), "globex {who}: {} returned data: {}", op.name, response.body);
        }
    }
    assert_eq!(snapshot(&app).await, before, "acme's data changed after globex's attempts");
}

#[tokio::test]
async fn acme_ids_are_null_or_not_found_for_every_globex_reader() {
    let app = TestApp::spawn().await;
    let acme = seed(&app, ACME).await;
    app.as_admin(GLOBEX).upsert_people(json!([person("G1", "Gus", "IT", 3)])).await;
    let sessions = [
        ("admin", app.as_admin(GLOBEX)),
        ("coordinator", app.as_coordinator(GLOBEX)),
        ("participant", app.as_participant(GLOBEX, "G1")),
    ];
    for (who, session) in &sessions {
        for id in acme.ids() {
            let response = session.gql(NODE, json!({ "id": id })).await;
            assert!(response.body["data"]["node"].is_null(), "globex {who} read acme's {id}: {}", response.body);
            // Only the role check may refuse before the lookup: audit events and SCIM tokens are ADMIN-only.
            let expected = (*who != "admin" && (id == acme.audit || id == acme.scim_token)).then_some("FORBIDDEN");
            assert_eq!(response.code(), expected, "globex {who}: node({id}): {}", response.body);
        }
        let lookups = [
            ("person(id:)", PERSON, json!({ "id": acme.people[0] })),
            ("person(employeeId:)", "{ person(employeeId: \"E1\") { name } }", json!({})),
            ("program(id:)", PROGRAM, json!({ "id": acme.program })),
        ];
        for (name, doc, vars) in lookups {
            let response = session.gql(doc, vars).await;
            // A participant may only read their own profile: any other person is refused before
            // any lookup, so the answer reveals nothing about who exists.
            let expected = if *who == "participant" && name.starts_with("person") { "FORBIDDEN" } else { "NOT_FOUND" };
            assert_eq!(response.code(), Some(expected), "globex {who}: {name}: {}", response.body);
            assert!(response.body["data"].is_null(), "globex {who}: {name} showed data: {}", response.body);
        }
    }
}

#[tokio::test]
async fn globex_lists_hold_only_globex_rows() {
    let app = TestApp::spawn().await;
    let acme = seed(&app, ACME).await;
    let globex = app.as_admin(GLOBEX);
    let people = globex.upsert_people(json!([person("G1", "Gus", "IT", 3)])).await;
    let skills = vec![globex.create_skill("Kotlin", "TECHNOLOGY").await];
    let programs = vec![globex.create_program("Globex program").await];
    let lists = "{ people(first: 100) { nodes { id } } skills(first: 100) { nodes { id } } \
        programs(first: 100) { nodes { id } } auditEvents(first: 100) { nodes { id action } } }";
    let response = globex.gql(lists, json!({})).await;
    let data = response.data();
    assert_eq!(ids_of(&data["people"]), people);
    assert_eq!(ids_of(&data["skills"]), skills);
    assert_eq!(ids_of(&data["programs"]), programs);
    let actions: Vec<&str> = data["auditEvents"]["nodes"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(actions, ["people.upsert", "skill.create", "program.create"]);
    let about = "query($id: ID!) { auditEvents(entityId: $id) { nodes { id } } }";
    let about_acme = globex.gql(about, json!({ "id": acme.program })).await;
    assert_eq!(about_acme.data()["auditEvents"]["nodes"], json!([]), "audit events about acme's program");

    for role in [Role::Coordinator, Role::Analyst] {
        let response = app.as_role(GLOBEX, role).gql("{ people { nodes { id } } }", json!({})).await;
        assert_eq!(ids_of(&response.data()["people"]), people, "globex {role:?}: people");
    }
    let catalogue = "{ skills { nodes { id } } programs { nodes { id } } }";
    for (who, session) in [("LMS", app.as_role(GLOBEX, Role::Lms)), ("participant", app.as_participant(GLOBEX, "G1"))] {
        let response = session.gql(catalogue, json!({})).await;
        assert_eq!(ids_of(&response.data()["skills"]), skills, "globex {who}: skills");
        assert_eq!(ids_of(&response.data()["programs"]), programs, "globex {who}: programs");
    }
}

#[tokio::test]
async fn a_globex_participant_sharing_an_acme_employee_id_reaches_nothing_of_acme() {
    let app = TestApp::spawn().await;
    let acme = seed(&app, ACME).await;
    let globex = seed(&app, GLOBEX).await;
    let before = snapshot(&app).await;
    // Eve is E5 in both organisations; the token is globex's.
    let eve = app.as_participant(GLOBEX, PARTICIPANT);
    let viewer = eve.gql("{ viewer { person { id } } }", json!({})).await;
    assert_eq!(viewer.data()["viewer"]["person"]["id"], json!(globex.people[4]));
    let attempts = [
        (op("enroll into acme's program", ENROLL, json!({ "prog": acme.program })), "NOT_FOUND"),
        (op("withdrawEnrollment of acme's Eve", WITHDRAW, json!({ "id": acme.eves })), "FORBIDDEN"),
        (op("updateEnrollment of acme's Eve", UPDATE_ENROLLMENT, json!({ "id": acme.eves })), "FORBIDDEN"),
        (op("setPersonSkill on acme's Eve", SET_SKILL, json!({ "p": acme.people[4], "s": globex.skill })), "FORBIDDEN"),
        (op("person(id:) of acme's Eve", PERSON, json!({ "id": acme.people[4] })), "FORBIDDEN"),
        (op("program(id:) of acme", PROGRAM, json!({ "id": acme.program })), "NOT_FOUND"),
    ];
    for (op, code) in attempts {
        let response = eve.gql(op.doc, op.vars).await;
        assert_eq!(response.code(), Some(code), "globex participant: {}: {}", op.name, response.body);
    }
    for id in [&acme.people[4], &acme.eves] {
        let response = eve.gql(NODE, json!({ "id": id })).await;
        assert_eq!(response.data()["node"], Value::Null, "globex participant: node({id})");
    }
    assert_eq!(snapshot(&app).await, before, "acme's data changed after globex's participant's attempts");
}

#[tokio::test]
async fn globex_imports_and_creates_with_acme_keys_and_names_in_its_own_org() {
    let app = TestApp::spawn().await;
    let acme = seed(&app, ACME).await;
    let before = snapshot(&app).await;
    let globex = app.as_admin(GLOBEX);
    let batch: Vec<Value> = ["E1", "E2", "E3", "E4", "E5"].map(|id| person(id, &format!("Globex {id}"), "G", 5)).into();
    let upsert = globex.gql(UPSERT, json!({ "p": batch })).await;
    assert_eq!(upsert.data()["upsertPeople"]["created"], 5, "acme's employee ids are new in globex");
    assert_eq!(upsert.data()["upsertPeople"]["updated"], 0, "nothing of acme was updated");
    let globex_people = ids_of(&json!({ "nodes": upsert.data()["upsertPeople"]["people"] }));
    assert!(globex_people.iter().all(|id| !acme.people.contains(id)), "globex got acme's rows: {globex_people:?}");

    let skill = globex.gql(CREATE_SKILL, json!({})).await;
    assert_eq!(skill.data()["createSkill"]["name"], "Rust", "the same name as acme's skill is free in globex");
    globex.gql(CREATE_SKILL, json!({})).await.assert_error("CONFLICT", "Rust");
    globex.gql(CREATE_PROGRAM, json!({})).await.data();

    assert_eq!(snapshot(&app).await, before, "acme's data changed after globex's imports");
    let ada = app.as_admin(ACME).gql("{ person(employeeId: \"E1\") { name } }", json!({})).await;
    assert_eq!(ada.data()["person"]["name"], "Ada");
    let theirs = globex.gql("{ person(employeeId: \"E1\") { id name } }", json!({})).await;
    assert_eq!(theirs.data()["person"], json!({ "id": globex_people[0], "name": "Globex E1" }));
}

// ---------------------------------------------------------------------------------------------
// Part two: the role matrix.
// ---------------------------------------------------------------------------------------------

/// Every query field (and the fields with their own checks), with the roles that may use it.
fn query_matrix(world: &World) -> Vec<(Op, &'static [Role])> {
    let ada = json!({ "id": world.people[0] });
    let program = json!({ "id": world.program });
    vec![
        (op("node(Person)", NODE, ada.clone()), READERS),
        (op("node(Skill)", NODE, json!({ "id": world.skill })), ALL),
        (op("node(Program)", NODE, program.clone()), ALL),
        (op("node(Enrollment)", NODE, json!({ "id": world.mentor })), READERS),
        (op("node(AuditEvent)", NODE, json!({ "id": world.audit })), ADMIN),
        (op("node(ScimToken)", NODE, json!({ "id": world.scim_token })), ADMIN),
        (op("scimTokens", "{ scimTokens { id name active } }", json!({})), ADMIN),
        (op("peopleImportSources", "{ peopleImportSources { name columns { field column } } }", json!({})), ADMIN),
        (op("viewer", "{ viewer { org subject roles person { id } } }", json!({})), ALL),
        (op("people", "{ people { nodes { id name department } } }", json!({})), READERS),
        (op("person(id:)", PERSON, ada.clone()), READERS),
        (op("person(employeeId:)", "{ person(employeeId: \"E1\") { name } }", json!({})), READERS),
        (op("Person.email", "query($id: ID!) { person(id: $id) { email } }", ada.clone()), MANAGERS),
        (
            op("Person.enrollments", "query($id: ID!) { person(id: $id) { enrollments { nodes { id } } } }", ada),
            READERS,
        ),
        (op("skills", "{ skills { nodes { id name } } }", json!({})), ALL),
        (op("programs", "{ programs { nodes { id name status } } }", json!({})), ALL),
        (op("program(id:)", PROGRAM, program.clone()), ALL),
        (op("Program.enrollments", PROGRAM_ENROLLMENTS, program), READERS_AND_PARTICIPANTS),
        (op("auditEvents", "{ auditEvents { nodes { id action } } }", json!({})), ADMIN),
        (op("recordIntegrity", "{ recordIntegrity { problems { kind } } }", json!({})), ADMIN),
        (op("orgSettings", "{ orgSettings { minGroupSize } }", json!({})), ADMIN_AND_ANALYST),
        (op("orgMetrics", "{ orgMetrics { programs retention { rate } } }", json!({})), READERS),
        (
            op(
                "programMetrics",
                "query($id: ID!) { programMetrics(programId: $id) { retention { rate } cadence { meetings } satisfaction { answers } } }",
                json!({ "id": world.program }),
            ),
            READERS,
        ),
    ]
}

/// Every mutation, ordered so that each succeeds for a role allowed to call it, with the
/// roles that may. The participant's calls act on other people's data.
fn mutation_matrix(world: &World) -> Vec<(Op, &'static [Role])> {
    let (ada, ben, dee) = (&world.people[0], &world.people[1], &world.people[3]);
    vec![
        (op("upsertPeople", UPSERT, json!({ "p": [person("E9", "Newcomer", "IT", 2)] })), ADMIN),
        (op("recordDeparture (a notice period)", SCHEDULE_DEPARTURE, json!({ "p": ben })), ADMIN),
        (op("cancelDeparture", CANCEL_DEPARTURE, json!({ "p": ben })), ADMIN),
        (op("updateOrgSettings", "mutation { updateOrgSettings(minGroupSize: 7) { minGroupSize } }", json!({})), ADMIN),
        (op("recordDeparture", RECORD_DEPARTURE, json!({ "p": dee })), ADMIN),
        (
            op(
                "createSkill",
                "mutation { createSkill(input: { name: \"Go\", category: TECHNOLOGY }) { id } }",
                json!({}),
            ),
            MANAGERS,
        ),
        (op("updateSkill", UPDATE_SKILL, json!({ "id": world.skill })), MANAGERS),
        (op("setPersonSkill (someone else)", SET_SKILL, json!({ "p": ada, "s": world.skill })), MANAGERS),
        (op("removePersonSkill (someone else)", REMOVE_SKILL, json!({ "p": ben, "s": world.skill })), MANAGERS),
        (op("setPersonSkills", SET_SKILLS, json!({ "p": ada, "s": world.skill })), ADMIN),
        (op("createProgram", CREATE_PROGRAM, json!({})), MANAGERS),
        (op("updateProgram", UPDATE_PROGRAM, json!({ "id": world.program, "v": world.version })), MANAGERS),
        (op("openProgramEnrollment", OPEN, json!({ "id": world.draft })), MANAGERS),
        (op("startProgram", START, json!({ "id": world.program })), MANAGERS),
        (op("extendProgram", EXTEND, json!({ "id": world.program })), MANAGERS),
        (op("enroll (someone else)", ENROLL, json!({ "prog": world.program, "p": ada })), MANAGERS),
        (op("enrollPeople", ENROLL_PEOPLE, json!({ "prog": world.draft, "p": ben })), MANAGERS),
        (op("acceptEnrollment", ACCEPT, json!({ "id": world.applied })), MANAGERS),
        (op("updateEnrollment (someone else's)", UPDATE_ENROLLMENT, json!({ "id": world.mentor })), MANAGERS),
        (op("withdrawEnrollment (someone else's)", WITHDRAW, json!({ "id": world.mentor })), MANAGERS),
        (op("endProgram", END, json!({ "id": world.draft })), MANAGERS),
        (op("createScimToken", "mutation { createScimToken(name: \"Okta\") { secret } }", json!({})), ADMIN),
        (op("setPeopleImportSource", SET_IMPORT_SOURCE, json!({})), ADMIN),
        (op("rotateScimToken", ROTATE_SCIM_TOKEN, json!({ "id": world.scim_token })), ADMIN),
        (op("revokeScimToken", REVOKE_SCIM_TOKEN, json!({ "id": world.scim_token })), ADMIN),
    ]
}

fn session_for(app: &TestApp, role: Role) -> Session<'_> {
    match role {
        Role::Participant => app.as_participant(ACME, PARTICIPANT),
        _ => app.as_role(ACME, role),
    }
}

#[track_caller]
fn assert_access(role: Role, name: &str, allowed: &[Role], response: &Gql) {
    if allowed.contains(&role) {
        assert_ne!(response.code(), Some("FORBIDDEN"), "{role:?} may use {name}: {}", response.body);
        assert!(response.body.get("errors").is_none(), "{role:?}: {name} should succeed: {}", response.body);
    } else {
        assert_eq!(response.code(), Some("FORBIDDEN"), "{role:?} must be refused {name}: {}", response.body);
    }
}

/// Runs the whole matrix for one role; refused mutations must leave no trace, allowed ones
/// must each write their audit event.
async fn check_role_matrix(role: Role) {
    let app = TestApp::spawn().await;
    let world = seed(&app, ACME).await;
    let session = session_for(&app, role);
    for (op, allowed) in query_matrix(&world) {
        assert_access(role, op.name, allowed, &session.gql(op.doc, op.vars).await);
    }
    let before = snapshot(&app).await;
    let mutations = mutation_matrix(&world);
    let allowed_count = mutations.iter().filter(|(_, allowed)| allowed.contains(&role)).count();
    for (op, allowed) in mutations {
        assert_access(role, op.name, allowed, &session.gql(op.doc, op.vars).await);
    }
    let after = snapshot(&app).await;
    if allowed_count == 0 {
        assert_eq!(after, before, "{role:?}: refused mutations changed acme's data");
    } else {
        let count = |snapshot: &Value| snapshot["auditCount"].as_u64().unwrap_or(0) as usize;
        assert_eq!(count(&after), count(&before) + allowed_count, "{role:?}: one audit event per allowed mutation");
    }
}

#[tokio::test]
async fn admin_may_call_everything() {
    check_role_matrix(Role::Admin).await;
}

#[tokio::test]
async fn coordinator_manages_programs_enrolment_and_skills_but_not_the_directory_or_audit() {
    check_role_matrix(Role::Coordinator).await;
}

#[tokio::test]
async fn analyst_reads_records_and_changes_nothing() {
    check_role_matrix(Role::Analyst).await;
}

#[tokio::test]
async fn lms_reads_the_catalogue_and_programs_only() {
    check_role_matrix(Role::Lms).await;
}

#[tokio::test]
async fn participant_cannot_read_or_change_other_peoples_data() {
    check_role_matrix(Role::Participant).await;
}

// ---------------------------------------------------------------------------------------------
// Part two, continued: field-level rules.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn analysts_read_people_without_emails_and_coordinators_with_them() {
    let app = TestApp::spawn().await;
    seed(&app, ACME).await;
    let query = "{ people { edges { node { name email } } } }";
    let analyst = app.as_role(ACME, Role::Analyst).gql(query, json!({})).await;
    assert_eq!(analyst.code(), Some("FORBIDDEN"), "{}", analyst.body);
    let errors = analyst.body["errors"].as_array().expect("errors");
    for error in errors {
        assert_eq!(error["extensions"]["code"], "FORBIDDEN", "{error}");
        assert_eq!(error["path"].as_array().and_then(|path| path.last()), Some(&json!("email")), "{error}");
    }
    let nodes: Vec<Value> = analyst.body["data"]["people"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| edge["node"].clone())
        .collect();
    let names: Vec<&str> = nodes.iter().map(|node| node["name"].as_str().unwrap_or("")).collect();
    assert_eq!(names, ["Ada", "Ben", "Cy", "Dee", "Eve"], "the other fields are still there");
    assert!(nodes.iter().all(|node| node["email"].is_null()), "no email leaks: {nodes:?}");
    assert_eq!(errors.len(), nodes.len(), "one refusal per email");

    let coordinator = app.as_coordinator(ACME).gql(query, json!({})).await;
    let emails: Vec<&str> = coordinator.data()["people"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| edge["node"]["email"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(emails, ["e1@example.com", "e2@example.com", "e3@example.com", "e4@example.com", "e5@example.com"]);
}

#[tokio::test]
async fn a_participant_reads_their_own_profile_and_nobody_elses() {
    let app = TestApp::spawn().await;
    let world = seed(&app, ACME).await;
    let eve = app.as_participant(ACME, PARTICIPANT);
    let own = eve.gql("{ person(employeeId: \"E5\") { id name email } viewer { person { name } } }", json!({})).await;
    let expected = json!({ "person": { "id": world.people[4], "name": "Eve", "email": "e5@example.com" },
                           "viewer": { "person": { "name": "Eve" } } });
    assert_eq!(own.data(), &expected);
    let by_node = eve
        .gql("query($id: ID!) { node(id: $id) { ... on Person { email } } }", json!({ "id": world.people[4] }))
        .await;
    assert_eq!(by_node.data()["node"]["email"], "e5@example.com");

    for employee in ["E1", "E2"] {
        let other = eve.gql("query($e: String!) { person(employeeId: $e) { name } }", json!({ "e": employee })).await;
        other.assert_error("FORBIDDEN", "their own profile only");
        assert!(other.body["data"].is_null(), "nothing of {employee} is shown: {}", other.body);
    }
    eve.gql(PERSON, json!({ "id": world.people[0] })).await.assert_error("FORBIDDEN", "their own profile only");
}

#[tokio::test]
async fn a_participant_sets_their_own_skills_and_nobody_elses() {
    let app = TestApp::spawn().await;
    let world = seed(&app, ACME).await;
    let eve = app.as_participant(ACME, PARTICIPANT);
    let own = eve.gql(SET_SKILL, json!({ "p": world.people[4], "s": world.skill })).await;
    assert_eq!(own.data()["setPersonSkill"]["level"], 3);
    let other = eve.gql(SET_SKILL, json!({ "p": world.people[0], "s": world.skill })).await;
    other.assert_error("FORBIDDEN", "your own profile");
    let removal = eve.gql(REMOVE_SKILL, json!({ "p": world.people[1], "s": world.skill })).await;
    removal.assert_error("FORBIDDEN", "your own profile");

    let skills = "query($id: ID!) { person(id: $id) { skills { relation level } } }";
    let admin = app.as_admin(ACME);
    let expected = [
        (4, json!([{ "relation": "WANTS", "level": 3 }])),
        (0, json!([])),
        (1, json!([{ "relation": "OFFERS", "level": 4 }])),
    ];
    for (index, skills_now) in expected {
        let response = admin.gql(skills, json!({ "id": world.people[index] })).await;
        assert_eq!(response.data()["person"]["skills"], skills_now, "skills of person {index}");
    }
}

#[tokio::test]
async fn a_participant_sees_only_their_own_enrolment_in_a_program() {
    let app = TestApp::spawn().await;
    let world = seed(&app, ACME).await;
    let vars = json!({ "id": world.program });
    let eve = app.as_participant(ACME, PARTICIPANT).gql(PROGRAM_ENROLLMENTS, vars.clone()).await;
    let expected = json!([{ "id": world.eves, "person": { "employeeId": "E5" } }]);
    assert_eq!(eve.data()["program"]["enrollments"]["nodes"], expected);

    let coordinator = app.as_coordinator(ACME).gql(PROGRAM_ENROLLMENTS, vars).await;
    let all = ids_of(&coordinator.data()["program"]["enrollments"]);
    assert_eq!(all, [world.mentor.clone(), world.eves.clone(), world.applied.clone()], "the coordinator sees everyone");
}

#[tokio::test]
async fn a_participant_changes_withdraws_and_reapplies_for_their_own_enrolment() {
    let app = TestApp::spawn().await;
    let world = seed(&app, ACME).await;
    let eve = app.as_participant(ACME, PARTICIPANT);
    let goals = eve.gql(UPDATE_ENROLLMENT, json!({ "id": world.eves })).await;
    assert_eq!(goals.data()["updateEnrollment"]["goals"], "Learn TikTok");
    let withdrawn = eve.gql(WITHDRAW, json!({ "id": world.eves })).await;
    assert_eq!(withdrawn.data()["withdrawEnrollment"]["status"], "WITHDRAWN");
    let again = eve.gql(ENROLL, json!({ "prog": world.program })).await;
    assert_eq!(again.data()["enroll"], json!({ "id": world.eves, "status": "APPLIED" }), "an own application");
    eve.gql(ACCEPT, json!({ "id": world.eves })).await.assert_error("FORBIDDEN", "COORDINATOR");
}

#[tokio::test]
async fn lms_reads_skills_and_programs_but_not_people_or_enrolments() {
    let app = TestApp::spawn().await;
    let world = seed(&app, ACME).await;
    let lms = app.as_role(ACME, Role::Lms);
    let catalogue = lms.gql("{ skills { nodes { name } } programs { nodes { name } } }", json!({})).await;
    let expected = json!({ "skills": { "nodes": [{ "name": "Rust" }] },
                           "programs": { "nodes": [{ "name": "Reverse 2027" }, { "name": "Draft" }] } });
    assert_eq!(catalogue.data(), &expected);
    let refused = [
        ("people", "{ people { nodes { name } } }", json!({})),
        ("person(employeeId:)", "{ person(employeeId: \"E1\") { name } }", json!({})),
        ("node(Person)", NODE, json!({ "id": world.people[0] })),
        ("Program.enrollments", PROGRAM_ENROLLMENTS, json!({ "id": world.program })),
    ];
    for (name, doc, vars) in refused {
        let response = lms.gql(doc, vars).await;
        assert_eq!(response.code(), Some("FORBIDDEN"), "LMS must not read {name}: {}", response.body);
    }
}

// ---------------------------------------------------------------------------------------------
// Discrepancies: what the role descriptions promise but the resolvers do not (yet) enforce.
// ---------------------------------------------------------------------------------------------

/// A participant sees their own profile and matches only. `Person.manager` has no access
/// check, so from their own profile they can read their manager's (and, link by link, the
/// whole reporting line's) level, department, generation, hire date and skills.
#[tokio::test]
async fn a_participant_cannot_read_their_managers_profile_through_the_manager_link() {
    let app = TestApp::spawn().await;
    seed(&app, ACME).await;
    let eve = app.as_participant(ACME, PARTICIPANT);
    let query = "{ viewer { person { name managerEmployeeId manager { name level hiredOn skills { level } } } } }";
    let response = eve.gql(query, json!({})).await;
    assert_eq!(response.code(), Some("FORBIDDEN"), "Person.manager of someone else: {}", response.body);
    let own = &response.body["data"]["viewer"]["person"];
    assert_eq!((own["name"].as_str(), own["managerEmployeeId"].as_str()), (Some("Eve"), Some("E1")));
    assert!(own["manager"].is_null(), "the manager's profile leaked: {}", response.body);
}

/// A role that may not read people at all must not learn which employee ids exist either:
/// today the lookup runs before the role check, so an unknown id says NOT_FOUND and a known
/// one FORBIDDEN.
#[tokio::test]
async fn roles_without_directory_access_cannot_probe_which_employee_ids_exist() {
    let app = TestApp::spawn().await;
    seed(&app, ACME).await;
    for (who, session) in
        [("LMS", app.as_role(ACME, Role::Lms)), ("participant", app.as_participant(ACME, PARTICIPANT))]
    {
        for employee in ["E1", "NOBODY"] {
            let response =
                session.gql("query($e: String!) { person(employeeId: $e) { name } }", json!({ "e": employee })).await;
            assert_eq!(response.code(), Some("FORBIDDEN"), "{who}: person(employeeId: {employee}): {}", response.body);
        }
    }
}
