//! Programs: objectives and rules, versioned edits, the lifecycle and its refusals, the audit trail.

use serde_json::json;

use crate::common::TestApp;

const CREATE: &str = "mutation($i: CreateProgramInput!) { createProgram(input: $i) {
    id status kind version relationshipMonths objectives { kind target dueOn windowMonths }
    matchingRules { mode objective seniority reportingLineDepth differentDepartment minScore responseWindowDays } } }";
const UPDATE: &str = "mutation($i: UpdateProgramInput!) { updateProgram(input: $i) { name version matchingRules { differentDepartment objective } } }";

#[tokio::test]
async fn a_program_is_created_in_draft_with_objectives_and_rules() {
    let app = TestApp::spawn().await;
    let input = json!({
        "name": "Digital fluency", "kind": "REVERSE", "startsOn": "2027-01-11", "endsOn": "2027-07-09",
        "relationshipMonths": 6,
        "matchingRules": { "differentDepartment": true, "objective": "SCORE", "minScore": 300 },
        "objectives": [
            { "kind": "RELATIONSHIPS_FORMED", "target": 30, "dueOn": "2027-02-01" },
            { "kind": "PARTICIPANT_RETENTION", "target": 0.9, "windowMonths": 12 }
        ]
    });
    let response = app.as_coordinator("acme").gql(CREATE, json!({ "i": input })).await;
    let program = &response.data()["createProgram"];
    assert_eq!(program["status"], "DRAFT");
    assert_eq!(program["version"], 1);
    assert_eq!(
        program["objectives"][1],
        json!({ "kind": "PARTICIPANT_RETENTION", "target": 0.9, "dueOn": null, "windowMonths": 12 })
    );
    let expected_rules = json!({ "mode": "COORDINATOR", "objective": "SCORE", "seniority": "MENTOR_MORE_JUNIOR_OR_YOUNGER",
        "reportingLineDepth": 3, "differentDepartment": true, "minScore": 300, "responseWindowDays": 7 });
    assert_eq!(program["matchingRules"], expected_rules);
}

#[tokio::test]
async fn bad_program_input_is_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    let coordinator = app.as_coordinator("acme");
    let base = json!({ "name": "P", "startsOn": "2027-01-01", "endsOn": "2027-06-30" });
    let cases = [
        (json!({ "name": " " }), "name must not be empty"),
        (json!({ "description": "d".repeat(5001) }), "at most 5000"),
        (json!({ "endsOn": "2026-12-31" }), "endsOn 2026-12-31 is before startsOn 2027-01-01"),
        (json!({ "relationshipMonths": 0 }), "relationshipMonths must be between 1 and 36"),
        (json!({ "matchingRules": { "responseWindowDays": 0 } }), "response window must be between 1 and 90"),
        (json!({ "matchingRules": { "wantsCoveredWeight": 0, "teachBackWeight": 0 } }), "cannot both be 0"),
        (json!({ "objectives": [{ "kind": "AVERAGE_SATISFACTION", "target": 7 }] }), "between 1 and 5"),
        (json!({ "objectives": [{ "kind": "RELATIONSHIPS_FORMED", "target": 10 }] }), "needs dueOn"),
        (json!({ "startsOn": "2027-02-30" }), "NaiveDate"),
    ];
    for (change, words) in cases {
        let mut input = base.clone();
        input.as_object_mut().expect("object").extend(change.as_object().expect("object").clone());
        coordinator.gql(CREATE, json!({ "i": input })).await.assert_error("BAD_USER_INPUT", words);
    }
    let stored = coordinator.gql("{ programs { edges { node { id } } } }", json!({})).await;
    assert_eq!(stored.data()["programs"]["edges"], json!([]));
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let coordinator = app.as_coordinator("acme");
    let id = coordinator.create_program("Digital fluency").await;
    let update = json!({ "i": { "id": id, "expectedVersion": 1, "name": "Digital fluency 2027", "matchingRules": { "differentDepartment": true } } });
    let response = coordinator.gql(UPDATE, update.clone()).await;
    assert_eq!(
        response.data()["updateProgram"],
        json!({ "name": "Digital fluency 2027", "version": 2,
        "matchingRules": { "differentDepartment": true, "objective": "PARTICIPATION" } })
    );
    let stale = json!({ "i": { "id": id, "expectedVersion": 1, "name": "Overwritten" } });
    coordinator.gql(UPDATE, stale).await.assert_error("CONFLICT", "you sent version 1, it is now at 2");
    let read = coordinator.gql("query($id: ID!) { program(id: $id) { name version } }", json!({ "id": id })).await;
    assert_eq!(read.data()["program"], json!({ "name": "Digital fluency 2027", "version": 2 }));
}

#[tokio::test]
async fn concurrent_edits_of_one_version_let_exactly_one_win() {
    let app = TestApp::spawn().await;
    let coordinator = app.as_coordinator("acme");
    let id = coordinator.create_program("Race").await;
    let edits = (0..6).map(|n| {
        let coordinator = &coordinator;
        let id = id.clone();
        async move {
            coordinator
                .gql(UPDATE, json!({ "i": { "id": id, "expectedVersion": 1, "name": format!("Edit {n}") } }))
                .await
        }
    });
    let results = futures::future::join_all(edits).await;
    let winners = results.iter().filter(|response| response.body.get("errors").is_none()).count();
    let conflicts = results.iter().filter(|response| response.code() == Some("CONFLICT")).count();
    assert_eq!((winners, conflicts), (1, 5), "{results:?}");
    assert_eq!(coordinator.program_version(&id).await, 2);
}

#[tokio::test]
async fn the_lifecycle_moves_forward_and_refuses_illegal_steps_with_the_reason() {
    let app = TestApp::spawn().await;
    let coordinator = app.as_coordinator("acme");
    let id = coordinator.create_program("Lifecycle").await;
    let step = |mutation: &str| format!("mutation($id: ID!) {{ {mutation}(id: $id) {{ status version }} }}");
    let start = coordinator.gql(&step("startProgram"), json!({ "id": id })).await;
    start.assert_error("BAD_USER_INPUT", "cannot go from DRAFT to ACTIVE: open enrolment first");
    assert_eq!(start.body["errors"][0]["extensions"]["reason"], "ILLEGAL_TRANSITION");
    let opened = coordinator.gql(&step("openProgramEnrollment"), json!({ "id": id })).await;
    assert_eq!(opened.data()["openProgramEnrollment"], json!({ "status": "ENROLLING", "version": 2 }));
    coordinator.gql(&step("startProgram"), json!({ "id": id })).await.data();

    let extend = "mutation($id: ID!, $on: NaiveDate!, $v: Int) { extendProgram(id: $id, endsOn: $on, expectedVersion: $v) { endsOn version } }";
    coordinator
        .gql(extend, json!({ "id": id, "on": "2027-06-30" }))
        .await
        .assert_error("BAD_USER_INPUT", "must be after the current end 2027-12-31");
    coordinator.gql(extend, json!({ "id": id, "on": "2028-03-31", "v": 1 })).await.assert_error("CONFLICT", "version");
    let extended = coordinator.gql(extend, json!({ "id": id, "on": "2028-03-31", "v": 3 })).await;
    assert_eq!(extended.data()["extendProgram"], json!({ "endsOn": "2028-03-31", "version": 4 }));

    let end = "mutation($id: ID!, $r: EndReason!) { endProgram(id: $id, reason: $r, note: \"ran its course\") { status endReason endNote endedOn } }";
    let ended = coordinator.gql(end, json!({ "id": id, "r": "COMPLETED" })).await;
    let ended = &ended.data()["endProgram"];
    assert_eq!(
        (&ended["status"], &ended["endReason"], &ended["endNote"]),
        (&json!("ENDED"), &json!("COMPLETED"), &json!("ran its course"))
    );
    assert!(ended["endedOn"].is_string());
    coordinator
        .gql(&step("startProgram"), json!({ "id": id }))
        .await
        .assert_error("BAD_USER_INPUT", "an ended program cannot change");
    coordinator.gql(end, json!({ "id": id, "r": "CANCELLED" })).await.assert_error("BAD_USER_INPUT", "already ended");
    coordinator
        .gql(UPDATE, json!({ "i": { "id": id, "expectedVersion": 5, "name": "x" } }))
        .await
        .assert_error("BAD_USER_INPUT", "cannot be edited");
}

#[tokio::test]
async fn pulling_the_plug_cancels_a_program_that_never_ran_but_it_cannot_complete() {
    let app = TestApp::spawn().await;
    let coordinator = app.as_coordinator("acme");
    let id = coordinator.create_program("Short-lived").await;
    let end = "mutation($id: ID!, $r: EndReason!) { endProgram(id: $id, reason: $r, note: \"budget cut\") { status endReason } }";
    coordinator
        .gql(end, json!({ "id": id, "r": "COMPLETED" }))
        .await
        .assert_error("BAD_USER_INPUT", "only an ACTIVE program can complete");
    let cancelled = coordinator.gql(end, json!({ "id": id, "r": "CANCELLED" })).await;
    assert_eq!(cancelled.data()["endProgram"], json!({ "status": "ENDED", "endReason": "CANCELLED" }));
}

#[tokio::test]
async fn every_program_change_is_in_the_audit_trail() {
    let app = TestApp::spawn().await;
    let coordinator = app.as_coordinator("acme");
    let id = coordinator.create_program("Audited").await;
    coordinator.gql(UPDATE, json!({ "i": { "id": id, "expectedVersion": 1, "name": "Audited 2" } })).await.data();
    coordinator.open_enrollment(&id).await;
    let trail = app
        .as_admin("acme")
        .gql(
            "query($id: ID) { auditEvents(entityId: $id) { edges { node { actor action entityId details } } } }",
            json!({ "id": id }),
        )
        .await;
    let events = trail.data()["auditEvents"]["edges"].as_array().expect("edges").clone();
    let actions: Vec<&str> = events.iter().map(|edge| edge["node"]["action"].as_str().unwrap_or("")).collect();
    assert_eq!(actions, ["program.create", "program.update", "program.status"]);
    assert!(
        events.iter().all(|edge| edge["node"]["actor"] == "coordinator-user" && edge["node"]["entityId"] == json!(id))
    );
    assert_eq!(events[2]["node"]["details"], json!({ "from": "DRAFT", "to": "ENROLLING" }));
}

#[tokio::test]
async fn node_resolves_every_kind_of_object() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let program = admin.create_program("Nodes").await;
    let skill = admin.create_skill("Figma", "DIGITAL_TOOLS").await;
    let people = admin.upsert_people(json!([crate::common::factories::person("E1", "Ada", "Sales", 2)])).await;
    let enrollment = admin.enroll(&program, &people[0], "MENTOR").await;
    let query = "query($id: ID!) { node(id: $id) { __typename id } }";
    for (id, typename) in
        [(&program, "Program"), (&skill, "Skill"), (&people[0], "Person"), (&enrollment, "Enrollment")]
    {
        let response = admin.gql(query, json!({ "id": id })).await;
        assert_eq!(response.data()["node"], json!({ "__typename": typename, "id": id }));
    }
    let missing = admin.gql(query, json!({ "id": "UHJvZ3JhbTo5OTk5" })).await; // Program:9999
    assert_eq!(missing.data()["node"], json!(null));
    admin.gql(query, json!({ "id": "%%%" })).await.assert_error("BAD_USER_INPUT", "not an id");
}
