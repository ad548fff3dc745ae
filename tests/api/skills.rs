//! The skills catalogue: unique names per organisation, categories, external URIs.

use serde_json::json;

use crate::common::TestApp;

const UPDATE: &str = "mutation($i: UpdateSkillInput!) { updateSkill(input: $i) { name category externalUri version } }";
const CREATE: &str = "mutation($i: CreateSkillInput!) { createSkill(input: $i) { id name category externalUri } }";

#[tokio::test]
async fn a_skill_is_renamed_recategorised_and_linked_to_esco() {
    let app = TestApp::spawn().await;
    let coordinator = app.as_coordinator("acme");
    let id = coordinator.create_skill("TikTok", "TECHNOLOGY").await;
    let esco = "http://data.europa.eu/esco/skill/0f1e4a1b";
    let response = coordinator
        .gql(UPDATE, json!({ "i": { "id": id, "name": "TikTok for business", "category": "SOCIAL_MEDIA", "externalUri": esco } }))
        .await;
    let expected =
        json!({ "name": "TikTok for business", "category": "SOCIAL_MEDIA", "externalUri": esco, "version": 2 });
    assert_eq!(response.data()["updateSkill"], expected);
    let cleared = coordinator.gql(UPDATE, json!({ "i": { "id": id, "externalUri": "" } })).await;
    assert_eq!(cleared.data()["updateSkill"]["externalUri"], json!(null));
    let social = coordinator.gql("{ skills(category: SOCIAL_MEDIA) { edges { node { name } } } }", json!({})).await;
    assert_eq!(social.data()["skills"]["edges"], json!([{ "node": { "name": "TikTok for business" } }]));
}

#[tokio::test]
async fn names_are_unique_regardless_of_case_and_spacing() {
    let app = TestApp::spawn().await;
    let coordinator = app.as_coordinator("acme");
    coordinator.create_skill("Prompt engineering", "TECHNOLOGY").await;
    let other = coordinator.create_skill("Negotiation", "BUSINESS").await;
    let duplicate = json!({ "i": { "name": "  prompt   ENGINEERING ", "category": "TECHNOLOGY" } });
    coordinator.gql(CREATE, duplicate).await.assert_error("CONFLICT", "already has a skill named 'Prompt engineering'");
    let rename = json!({ "i": { "id": other, "name": "PROMPT engineering" } });
    coordinator.gql(UPDATE, rename).await.assert_error("CONFLICT", "already has a skill");
}

#[tokio::test]
async fn bad_skill_input_is_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    let coordinator = app.as_coordinator("acme");
    let cases = [
        (json!({ "name": "", "category": "OTHER" }), "BAD_USER_INPUT", "name must not be empty"),
        (json!({ "name": "x".repeat(121), "category": "OTHER" }), "BAD_USER_INPUT", "at most 120"),
        (json!({ "name": "Ok", "category": "OTHER", "externalUri": "esco skill" }), "BAD_USER_INPUT", "absolute"),
        // An unknown enum value fails validation before any resolver runs; it still carries a code.
        (json!({ "name": "Ok", "category": "NOT_A_CATEGORY" }), "BAD_USER_INPUT", "NOT_A_CATEGORY"),
    ];
    for (input, code, words) in cases {
        coordinator.gql(CREATE, json!({ "i": input })).await.assert_error(code, words);
    }
    let unknown = json!({ "i": { "id": "U2tpbGw6OTk5", "name": "X" } }); // Skill:999
    coordinator.gql(UPDATE, unknown).await.assert_error("NOT_FOUND", "skill not found");
    let empty = coordinator.gql("{ skills { edges { node { name } } } }", json!({})).await;
    assert_eq!(empty.data()["skills"]["edges"], json!([]), "nothing was stored");
}
