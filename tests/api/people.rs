//! The directory: bulk imports that are all-or-nothing and idempotent, departures,
//! filters and keyset pagination, and who may see contact details.

use base64::Engine;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::factories::person;

const UPSERT: &str = "mutation($p: [PersonInput!]!) { upsertPeople(people: $p) { created updated unchanged people { id employeeId version } } }";
const COUNT: &str = "{ people(first: 100) { edges { node { employeeId } } } }";

fn batch(size: usize) -> Value {
    let people: Vec<Value> = (0..size)
        .map(|n| person(&format!("E{n:04}"), &format!("Person {n}"), ["Sales", "Finance"][n % 2], 1 + (n % 15) as i32))
        .collect();
    Value::Array(people)
}

#[tokio::test]
async fn importing_the_same_batch_twice_changes_nothing_the_second_time() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let first = admin.gql(UPSERT, json!({ "p": batch(1000) })).await;
    let first = &first.data()["upsertPeople"];
    assert_eq!(
        (first["created"].as_i64(), first["updated"].as_i64(), first["unchanged"].as_i64()),
        (Some(1000), Some(0), Some(0))
    );
    let events = admin.audit_count().await;

    let second = admin.gql(UPSERT, json!({ "p": batch(1000) })).await;
    let second = &second.data()["upsertPeople"];
    assert_eq!(
        (second["created"].as_i64(), second["updated"].as_i64(), second["unchanged"].as_i64()),
        (Some(0), Some(0), Some(1000))
    );
    assert_eq!(second["people"], first["people"], "same ids and versions");
    assert_eq!(admin.audit_count().await, events, "an import that changed nothing leaves no audit event");
}

#[tokio::test]
async fn a_changed_entry_is_updated_and_its_version_bumped() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    admin.upsert_people(json!([person("E1", "Ada", "Sales", 3), person("E2", "Ben", "Sales", 9)])).await;
    let response = admin
        .gql(UPSERT, json!({ "p": [person("E1", "Ada Lovelace", "Sales", 4), person("E2", "Ben", "Sales", 9)] }))
        .await;
    let payload = &response.data()["upsertPeople"];
    assert_eq!(
        (payload["created"].as_i64(), payload["updated"].as_i64(), payload["unchanged"].as_i64()),
        (Some(0), Some(1), Some(1))
    );
    assert_eq!(payload["people"][0]["version"], 2);
    let read = admin.gql("{ person(employeeId: \"E1\") { name level version } }", json!({})).await;
    assert_eq!(read.data()["person"], json!({ "name": "Ada Lovelace", "level": 4, "version": 2 }));
}

#[tokio::test]
async fn a_batch_with_one_bad_row_stores_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    admin.upsert_people(json!([person("E0000", "Original", "Sales", 3)])).await;
    let mut people = batch(600);
    people[0]["name"] = json!("Renamed");
    people[500]["name"] = json!("   ");
    admin
        .gql(UPSERT, json!({ "p": people }))
        .await
        .assert_error("BAD_USER_INPUT", "people[500]: name must not be empty");

    let stored = admin.gql("{ people { edges { node { name } } } }", json!({})).await;
    assert_eq!(stored.data()["people"]["edges"], json!([{ "node": { "name": "Original" } }]), "nothing half written");
}

#[tokio::test]
async fn bad_batches_are_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    admin.gql(UPSERT, json!({ "p": batch(1001) })).await.assert_error("BAD_USER_INPUT", "between 1 and 1000");
    admin.gql(UPSERT, json!({ "p": [] })).await.assert_error("BAD_USER_INPUT", "between 1 and 1000");
    let twice = json!([person("E1", "Ada", "Sales", 3), person("E1", "Ada", "Sales", 3)]);
    admin
        .gql(UPSERT, json!({ "p": twice }))
        .await
        .assert_error("BAD_USER_INPUT", "people[1]: employee E1 appears twice");
    let cases = [
        (json!({ "name": "x".repeat(201) }), "at most 200"),
        (json!({ "level": 16 }), "level must be between 1 and 15"),
        (json!({ "email": "not-an-address" }), "not an e-mail"),
        (json!({ "employeeId": "E 1" }), "must not contain spaces"),
        (json!({ "managerEmployeeId": "E1" }), "own manager"),
        (json!({ "leftOn": "2019-01-01" }), "before hiredOn"),
    ];
    for (change, words) in cases {
        let mut entry = person("E1", "Ada", "Sales", 3);
        entry.as_object_mut().expect("object").extend(change.as_object().expect("object").clone());
        admin.gql(UPSERT, json!({ "p": [entry] })).await.assert_error("BAD_USER_INPUT", words);
    }
    let stored = admin.gql(COUNT, json!({})).await;
    assert_eq!(stored.data()["people"]["edges"], json!([]));
}

#[tokio::test]
async fn a_departure_marks_the_person_as_left() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let ids = admin.upsert_people(json!([person("E1", "Ada", "Sales", 3)])).await;
    let depart = "mutation($id: ID!, $on: NaiveDate!) { recordDeparture(personId: $id, leftOn: $on) { employmentStatus leftOn version } }";
    let response = admin.gql(depart, json!({ "id": ids[0], "on": "2026-10-31" })).await;
    assert_eq!(
        response.data()["recordDeparture"],
        json!({ "employmentStatus": "LEFT", "leftOn": "2026-10-31", "version": 2 })
    );
    admin
        .gql(depart, json!({ "id": ids[0], "on": "2019-01-01" }))
        .await
        .assert_error("BAD_USER_INPUT", "before hiredOn");
    admin.gql(depart, json!({ "id": "bm9wZQ", "on": "2026-10-31" })).await.assert_error("BAD_USER_INPUT", "not an id");
    let unknown = "UGVyc29uOjk5OTk"; // Person:9999
    admin.gql(depart, json!({ "id": unknown, "on": "2026-10-31" })).await.assert_error("NOT_FOUND", "person not found");
    let left =
        admin.gql("{ people(filter: { employmentStatus: LEFT }) { edges { node { employeeId } } } }", json!({})).await;
    assert_eq!(left.data()["people"]["edges"], json!([{ "node": { "employeeId": "E1" } }]));
}

#[tokio::test]
async fn filters_combine_and_pages_follow_their_cursors() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let mut people = batch(50);
    people[7]["name"] = json!("Zoë O'Brien-Smith");
    people[7]["generation"] = json!("GEN_Z");
    admin.gql(UPSERT, json!({ "p": people })).await.data();
    let query =
        "query($f: PeopleFilterInput, $first: Int, $after: String) { people(filter: $f, first: $first, after: $after) {
        edges { node { employeeId } } pageInfo { hasNextPage hasPreviousPage endCursor } } }";
    let search = admin.gql(query, json!({ "f": { "nameContains": "o'brien" } })).await;
    assert_eq!(search.data()["people"]["edges"], json!([{ "node": { "employeeId": "E0007" } }]), "case-insensitive");
    let percent = admin.gql(query, json!({ "f": { "nameContains": "%" } })).await;
    assert_eq!(percent.data()["people"]["edges"], json!([]), "LIKE wildcards are literal");
    let combined = admin.gql(query, json!({ "f": { "department": "Finance", "level": 2 } })).await;
    assert_eq!(
        combined.data()["people"]["edges"],
        json!([{ "node": { "employeeId": "E0001" } }, { "node": { "employeeId": "E0031" } }])
    );
    let generation = admin.gql(query, json!({ "f": { "generation": "GEN_Z" } })).await;
    assert_eq!(generation.data()["people"]["edges"].as_array().map(Vec::len), Some(1));

    let (mut seen, mut after, mut pages) = (Vec::new(), Value::Null, 0);
    loop {
        let page = admin.gql(query, json!({ "first": 20, "after": after })).await;
        let connection = &page.data()["people"];
        seen.extend(
            connection["edges"].as_array().expect("edges").iter().map(|edge| edge["node"]["employeeId"].clone()),
        );
        assert_eq!(connection["pageInfo"]["hasPreviousPage"], json!(pages > 0));
        pages += 1;
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    assert_eq!((pages, seen.len()), (3, 50));
    let expected: Vec<Value> = (0..50).map(|n| json!(format!("E{n:04}"))).collect();
    assert_eq!(seen, expected, "every person once, in order");
}

#[tokio::test]
async fn page_sizes_and_cursors_are_checked() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    admin
        .gql("{ people(first: 101) { edges { cursor } } }", json!({}))
        .await
        .assert_error("BAD_USER_INPUT", "between 0 and 100");
    admin.gql("{ people(first: -1) { edges { cursor } } }", json!({})).await.assert_error("BAD_USER_INPUT", "first");
    admin
        .gql("{ people(first: 2, last: 2) { edges { cursor } } }", json!({}))
        .await
        .assert_error("BAD_USER_INPUT", "either first or last");
    admin
        .gql("{ people(after: \"zzz\") { edges { cursor } } }", json!({}))
        .await
        .assert_error("BAD_USER_INPUT", "not a cursor");
}

#[tokio::test]
async fn the_last_page_is_read_backwards_from_a_cursor() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    admin.gql(UPSERT, json!({ "p": batch(5) })).await.data();
    let response = admin
        .gql(
            "{ people(last: 2) { edges { node { employeeId } } pageInfo { hasPreviousPage startCursor } } }",
            json!({}),
        )
        .await;
    let connection = &response.data()["people"];
    assert_eq!(
        connection["edges"],
        json!([{ "node": { "employeeId": "E0003" } }, { "node": { "employeeId": "E0004" } }])
    );
    assert_eq!(connection["pageInfo"]["hasPreviousPage"], true);
    let before = connection["pageInfo"]["startCursor"].clone();
    let earlier = admin
        .gql(
            "query($b: String) { people(last: 5, before: $b) { edges { node { employeeId } } } }",
            json!({ "b": before }),
        )
        .await;
    assert_eq!(earlier.data()["people"]["edges"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn skills_are_offered_and_wanted_with_levels() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let ids = admin.upsert_people(json!([person("E1", "Ada", "Sales", 2)])).await;
    let ai = admin.create_skill("Generative AI", "TECHNOLOGY").await;
    let pnl = admin.create_skill("Reading a P&L", "BUSINESS").await;
    let set = "mutation($p: ID!, $s: ID!, $r: SkillRelation!, $l: Int!) { setPersonSkill(personId: $p, skillId: $s, relation: $r, level: $l) { relation level skill { name } } }";
    admin.gql(set, json!({ "p": ids[0], "s": ai, "r": "OFFERS", "l": 5 })).await.data();
    admin.gql(set, json!({ "p": ids[0], "s": pnl, "r": "WANTS", "l": 4 })).await.data();
    admin
        .gql(set, json!({ "p": ids[0], "s": pnl, "r": "WANTS", "l": 6 }))
        .await
        .assert_error("BAD_USER_INPUT", "priority must be between 1 and 5");
    admin
        .gql(set, json!({ "p": ids[0], "s": ids[0], "r": "WANTS", "l": 3 }))
        .await
        .assert_error("BAD_USER_INPUT", "expected a Skill id");
    let read = admin.gql("query($id: ID!) { node(id: $id) { ... on Person { wants: skills(relation: WANTS) { level skill { name } } } } }", json!({ "id": ids[0] })).await;
    assert_eq!(read.data()["node"]["wants"], json!([{ "level": 4, "skill": { "name": "Reading a P&L" } }]));
    let remove = "mutation($p: ID!, $s: ID!) { removePersonSkill(personId: $p, skillId: $s, relation: OFFERS) }";
    assert_eq!(admin.gql(remove, json!({ "p": ids[0], "s": ai })).await.data()["removePersonSkill"], true);
    assert_eq!(admin.gql(remove, json!({ "p": ids[0], "s": ai })).await.data()["removePersonSkill"], false);
}

const SET_SKILLS: &str =
    "mutation($s: [PersonSkillInput!]!) { setPersonSkills(skills: $s) { created updated unchanged } }";

#[tokio::test]
async fn skills_load_in_batches_that_are_idempotent() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let ids = admin.upsert_people(json!([person("E1", "Ada", "Sales", 2), person("E2", "Ben", "IT", 9)])).await;
    let ai = admin.create_skill("Generative AI", "TECHNOLOGY").await;
    let pnl = admin.create_skill("Reading a P&L", "BUSINESS").await;
    let entry = |person: &str, skill: &str, relation: &str, level: i32| json!({ "personId": person, "skillId": skill, "relation": relation, "level": level });
    let batch = json!([
        entry(&ids[0], &ai, "OFFERS", 5),
        entry(&ids[0], &pnl, "WANTS", 4),
        entry(&ids[1], &pnl, "OFFERS", 3),
        entry(&ids[1], &ai, "WANTS", 5),
    ]);
    let first = admin.gql(SET_SKILLS, json!({ "s": batch })).await;
    assert_eq!(first.data()["setPersonSkills"], json!({ "created": 4, "updated": 0, "unchanged": 0 }));
    let again = admin.gql(SET_SKILLS, json!({ "s": batch })).await;
    assert_eq!(again.data()["setPersonSkills"], json!({ "created": 0, "updated": 0, "unchanged": 4 }));
    let events = admin.audit_count().await;
    let changed = json!([entry(&ids[0], &ai, "OFFERS", 2), entry(&ids[1], &pnl, "OFFERS", 3)]);
    let changed = admin.gql(SET_SKILLS, json!({ "s": changed })).await;
    assert_eq!(changed.data()["setPersonSkills"], json!({ "created": 0, "updated": 1, "unchanged": 1 }));
    assert_eq!(admin.audit_count().await, events + 1, "one audit event per skill that changed");
    let read = "query($id: ID!) { node(id: $id) { ... on Person { skills { relation level skill { name } } } } }";
    let ada = admin.gql(read, json!({ "id": ids[0] })).await;
    let mut skills: Vec<String> = ada.data()["node"]["skills"]
        .as_array()
        .expect("skills")
        .iter()
        .map(|skill| format!("{} {} {}", skill["relation"], skill["level"], skill["skill"]["name"]))
        .collect();
    skills.sort();
    assert_eq!(skills, ["\"OFFERS\" 2 \"Generative AI\"", "\"WANTS\" 4 \"Reading a P&L\""]);
}

#[tokio::test]
async fn a_skill_batch_with_one_bad_entry_stores_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let ids = admin.upsert_people(json!([person("E1", "Ada", "Sales", 2)])).await;
    let ai = admin.create_skill("Generative AI", "TECHNOLOGY").await;
    let good = json!({ "personId": ids[0], "skillId": ai, "relation": "OFFERS", "level": 5 });
    let events = admin.audit_count().await;
    let missing_skill = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("Skill:999999");
    for (second, code, message) in [
        (
            json!({ "personId": ids[0], "skillId": ai, "relation": "WANTS", "level": 6 }),
            "BAD_USER_INPUT",
            "skills[1]: priority",
        ),
        (
            json!({ "personId": ids[0], "skillId": ai, "relation": "OFFERS", "level": 3 }),
            "BAD_USER_INPUT",
            "skills[1]: the same person",
        ),
        (
            json!({ "personId": ids[0], "skillId": missing_skill, "relation": "WANTS", "level": 3 }),
            "NOT_FOUND",
            "skills[1]: skill not found",
        ),
        (
            json!({ "personId": ids[0], "skillId": ids[0], "relation": "WANTS", "level": 3 }),
            "BAD_USER_INPUT",
            "skills[1].skillId",
        ),
    ] {
        admin.gql(SET_SKILLS, json!({ "s": [good, second] })).await.assert_error(code, message);
    }
    admin.gql(SET_SKILLS, json!({ "s": [] })).await.assert_error("BAD_USER_INPUT", "between 1 and 1000");
    let read = "query($id: ID!) { node(id: $id) { ... on Person { skills { level } } } }";
    assert_eq!(admin.gql(read, json!({ "id": ids[0] })).await.data()["node"]["skills"], json!([]));
    assert_eq!(admin.audit_count().await, events, "nothing was written");
}

#[tokio::test]
async fn managers_resolve_through_their_employee_id_even_when_imported_later() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let mut report = person("E2", "Ben", "Sales", 3);
    report["managerEmployeeId"] = json!("E1");
    admin.upsert_people(json!([report])).await;
    let query = "{ people { edges { node { employeeId manager { employeeId } } } } }";
    let before = admin.gql(query, json!({})).await;
    assert_eq!(before.data()["people"]["edges"], json!([{ "node": { "employeeId": "E2", "manager": null } }]));
    admin.upsert_people(json!([person("E1", "Ada", "Sales", 9)])).await;
    let after = admin.gql(query, json!({})).await;
    let expected = json!([{ "node": { "employeeId": "E2", "manager": { "employeeId": "E1" } } },
                          { "node": { "employeeId": "E1", "manager": null } }]);
    assert_eq!(after.data()["people"]["edges"], expected);
}
