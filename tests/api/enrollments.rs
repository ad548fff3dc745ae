//! Enrolments: coordinators enrol people, participants apply for themselves, anyone may withdraw their own.

use serde_json::json;

use crate::common::TestApp;
use crate::common::factories::person;

const ENROLL: &str =
    "mutation($i: EnrollInput!) { enroll(input: $i) { id role status capacity goals person { employeeId } } }";

#[tokio::test]
async fn a_coordinator_enrols_mentors_with_capacity_and_mentees_without() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let people =
        admin.upsert_people(json!([person("E1", "Jun", "Sales", 2), person("E2", "Sen", "Finance", 12)])).await;
    let coordinator = app.as_coordinator("acme");
    let program = coordinator.create_program("Enrolment").await;
    let mentor = coordinator
        .gql(ENROLL, json!({ "i": { "programId": program, "personId": people[0], "role": "MENTOR", "capacity": 3, "goals": "Learn the business" } }))
        .await;
    let expected = json!({ "role": "MENTOR", "status": "ACCEPTED", "capacity": 3, "goals": "Learn the business", "person": { "employeeId": "E1" } });
    let mut got = mentor.data()["enroll"].clone();
    got.as_object_mut().expect("object").remove("id");
    assert_eq!(got, expected);
    let mentee = json!({ "i": { "programId": program, "personId": people[1], "role": "MENTEE", "capacity": 2 } });
    coordinator.gql(ENROLL, mentee).await.assert_error("BAD_USER_INPUT", "capacity applies to mentors only");
    let twice = json!({ "i": { "programId": program, "personId": people[0], "role": "MENTEE" } });
    coordinator.gql(ENROLL, twice).await.assert_error("CONFLICT", "already enrolled");
    let too_many = json!({ "i": { "programId": program, "personId": people[1], "role": "MENTOR", "capacity": 11 } });
    coordinator.gql(ENROLL, too_many).await.assert_error("BAD_USER_INPUT", "capacity must be between 1 and 10");
    let listed = coordinator
        .gql(
            "query($id: ID!) { program(id: $id) { enrollments(role: MENTOR) { edges { node { person { name } } } } } }",
            json!({ "id": program }),
        )
        .await;
    assert_eq!(listed.data()["program"]["enrollments"]["edges"], json!([{ "node": { "person": { "name": "Jun" } } }]));
}

const ENROLL_PEOPLE: &str = "mutation($p: ID!, $e: [EnrollPersonInput!]!) { enrollPeople(programId: $p, enrollments: $e) { role status capacity person { employeeId } } }";

#[tokio::test]
async fn a_cohort_is_enrolled_in_one_call_all_or_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let people = admin
        .upsert_people(json!([
            person("E1", "Jun", "Sales", 2),
            person("E2", "Sen", "Finance", 12),
            person("E3", "Ola", "IT", 11),
            person("E4", "Lee", "IT", 9)
        ]))
        .await;
    admin
        .gql(
            "mutation($p: ID!) { recordDeparture(personId: $p, leftOn: \"2026-01-31\") { id } }",
            json!({ "p": people[3] }),
        )
        .await
        .data();
    let coordinator = app.as_coordinator("acme");
    let program = coordinator.create_program("Cohort").await;
    let entry = |person: &str, role: &str| json!({ "personId": person, "role": role });
    let good = entry(&people[0], "MENTOR");
    for (second, code, message) in [
        (entry(&people[3], "MENTEE"), "BAD_USER_INPUT", "enrollments[1]: Lee has left the company"),
        (entry(&people[0], "MENTEE"), "CONFLICT", "enrollments[1]: Jun is already enrolled"),
        (
            json!({ "personId": people[1], "role": "MENTOR", "capacity": 11 }),
            "BAD_USER_INPUT",
            "enrollments[1]: capacity",
        ),
        (entry(&program, "MENTEE"), "BAD_USER_INPUT", "enrollments[1].personId"),
    ] {
        let response = coordinator.gql(ENROLL_PEOPLE, json!({ "p": program, "e": [good, second] })).await;
        response.assert_error(code, message);
    }
    coordinator
        .gql(ENROLL_PEOPLE, json!({ "p": program, "e": [] }))
        .await
        .assert_error("BAD_USER_INPUT", "between 1 and 1000");
    let listed = "query($id: ID!) { program(id: $id) { enrollments { edges { node { id } } } } }";
    assert_eq!(
        coordinator.gql(listed, json!({ "id": program })).await.data()["program"]["enrollments"]["edges"],
        json!([])
    );

    let cohort = json!([
        { "personId": people[0], "role": "MENTOR", "capacity": 2 },
        entry(&people[1], "MENTEE"),
        entry(&people[2], "MENTEE"),
    ]);
    let enrolled = coordinator.gql(ENROLL_PEOPLE, json!({ "p": program, "e": cohort })).await;
    assert_eq!(
        enrolled.data()["enrollPeople"],
        json!([
            { "role": "MENTOR", "status": "ACCEPTED", "capacity": 2, "person": { "employeeId": "E1" } },
            { "role": "MENTEE", "status": "ACCEPTED", "capacity": null, "person": { "employeeId": "E2" } },
            { "role": "MENTEE", "status": "ACCEPTED", "capacity": null, "person": { "employeeId": "E3" } }
        ])
    );
    let participant = app.as_participant("acme", "E1");
    participant
        .gql(ENROLL_PEOPLE, json!({ "p": program, "e": [entry(&people[1], "MENTOR")] }))
        .await
        .assert_error("FORBIDDEN", "");
}

#[tokio::test]
async fn a_participant_applies_is_accepted_and_withdraws() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let people =
        admin.upsert_people(json!([person("E1", "Jun", "Sales", 2), person("E2", "Sen", "Finance", 12)])).await;
    let coordinator = app.as_coordinator("acme");
    let program = coordinator.create_program("Self-service").await;
    let participant = app.as_participant("acme", "E1");
    let apply = json!({ "i": { "programId": program, "role": "MENTOR" } });
    participant
        .gql(ENROLL, apply.clone())
        .await
        .assert_error("BAD_USER_INPUT", "is DRAFT and does not take applications");
    coordinator.open_enrollment(&program).await;
    let applied = participant.gql(ENROLL, apply).await;
    assert_eq!(applied.data()["enroll"]["status"], "APPLIED");
    let id = applied.data()["enroll"]["id"].clone();
    let for_someone_else = json!({ "i": { "programId": program, "personId": people[1], "role": "MENTEE" } });
    participant.gql(ENROLL, for_someone_else).await.assert_error("FORBIDDEN", "only enrol themselves");
    let accept = "mutation($id: ID!) { acceptEnrollment(id: $id) { status version } }";
    participant.gql(accept, json!({ "id": id })).await.assert_error("FORBIDDEN", "COORDINATOR");
    assert_eq!(
        coordinator.gql(accept, json!({ "id": id })).await.data()["acceptEnrollment"],
        json!({ "status": "ACCEPTED", "version": 2 })
    );
    let update =
        "mutation($id: ID!) { updateEnrollment(id: $id, capacity: 2, goals: \"Two mentees\") { capacity goals } }";
    assert_eq!(
        participant.gql(update, json!({ "id": id })).await.data()["updateEnrollment"],
        json!({ "capacity": 2, "goals": "Two mentees" })
    );
    let withdraw = "mutation($id: ID!) { withdrawEnrollment(id: $id) { status } }";
    assert_eq!(
        participant.gql(withdraw, json!({ "id": id })).await.data()["withdrawEnrollment"]["status"],
        "WITHDRAWN"
    );
    coordinator
        .gql(accept, json!({ "id": id }))
        .await
        .assert_error("BAD_USER_INPUT", "a withdrawn enrolment cannot become ACCEPTED");
    let again = participant.gql(ENROLL, json!({ "i": { "programId": program, "role": "MENTOR" } })).await;
    assert_eq!(
        (&again.data()["enroll"]["id"], &again.data()["enroll"]["status"]),
        (&id, &json!("APPLIED")),
        "the same enrolment comes back"
    );
}

#[tokio::test]
async fn people_who_left_and_ended_programs_take_no_enrolments() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let people = admin.upsert_people(json!([person("E1", "Jun", "Sales", 2), person("E2", "Gone", "Sales", 3)])).await;
    let depart = "mutation($id: ID!) { recordDeparture(personId: $id, leftOn: \"2026-06-30\") { employmentStatus } }";
    admin.gql(depart, json!({ "id": people[1] })).await.data();
    let program = admin.create_program("Closed").await;
    let gone = json!({ "i": { "programId": program, "personId": people[1], "role": "MENTEE" } });
    admin.gql(ENROLL, gone).await.assert_error("BAD_USER_INPUT", "Gone has left the company");
    admin
        .gql("mutation($id: ID!) { endProgram(id: $id, reason: CANCELLED) { status } }", json!({ "id": program }))
        .await
        .data();
    let late = json!({ "i": { "programId": program, "personId": people[0], "role": "MENTEE" } });
    admin.gql(ENROLL, late).await.assert_error("BAD_USER_INPUT", "is ENDED");
    let wrong_kind = json!({ "i": { "programId": people[0], "personId": people[0], "role": "MENTEE" } });
    admin
        .gql(ENROLL, wrong_kind)
        .await
        .assert_error("BAD_USER_INPUT", "programId: expected a Program id, got a Person id");
}
