//! `seed-demo` fills an organisation a newcomer can query at once, and only once.

use serde_json::json;

use crate::common::TestApp;

#[tokio::test]
async fn the_demo_organisation_has_people_programs_and_running_relationships() {
    let app = TestApp::spawn().await;
    let seeded = reverse_mentoring::demo::seed(&app.store, "acme").await.expect("seed").expect("first run seeds");
    assert_eq!((seeded.people, seeded.skills, seeded.programs), (200, 20, 2));
    assert!(seeded.matches >= 6, "the running program has pairs: {seeded:?}");
    let again = reverse_mentoring::demo::seed(&app.store, "acme").await.expect("second run");
    assert!(again.is_none(), "a second run changes nothing");

    let coordinator = app.as_coordinator("acme");
    let programs = coordinator
        .gql("{ programs { edges { node { status matches(status: ACTIVE) { edges { node { meetingStats { count } learnings { confirmed } } } } } } } }", json!({}))
        .await;
    let edges = programs.data()["programs"]["edges"].as_array().expect("programs").clone();
    let statuses: Vec<&str> = edges.iter().filter_map(|edge| edge["node"]["status"].as_str()).collect();
    assert_eq!(statuses, ["ENROLLING", "ACTIVE"]);
    let running = edges[1]["node"]["matches"]["edges"].as_array().expect("matches");
    assert_eq!(running.len(), seeded.matches);
    assert!(running.iter().all(|edge| edge["node"]["meetingStats"]["count"] == 1));
    let finance = coordinator
        .gql("{ people(first: 100, filter: { department: \"Finance\" }) { edges { cursor } } }", json!({}))
        .await;
    assert_eq!(finance.data()["people"]["edges"].as_array().map(Vec::len), Some(25));
}
