//! No N+1: the nested program -> matches -> people, skills, meetings, learnings, feedback query
//! runs the same small number of SQL statements for 50 matches as for 500 (DataLoaders).

use serde_json::json;

use crate::common::TestApp;

#[path = "../../benches/support/mod.rs"]
mod support;

const NESTED: &str = "query($p: ID!) { program(id: $p) { name matches(first: 500) { edges { node {
    status score
    mentor { name skills { level skill { name } } }
    mentee { name skills { level skill { name } } }
    meetings { heldAt minutes format }
    meetingStats { count totalMinutes }
    learnings { confirmed skill { name } learner { name } }
    feedback { satisfaction respondent { name } } } } } } }";

/// Runs the nested query as a coordinator; returns the statements it took and the matches it returned.
async fn statements_for(count: usize) -> (u64, usize) {
    // 500 matches with all their records cost ~73,500: this test is about statements, not limits.
    let app = TestApp::spawn_with(|config| {
        config.max_page_size = 500;
        config.query_limits.max_cost = 100_000;
    })
    .await;
    let program = support::seed_matches(app.store.connection(), count).await;
    let coordinator = app.as_coordinator("acme");
    let before = app.store.statements_run();
    let response = coordinator.gql(NESTED, json!({ "p": program })).await;
    let statements = app.store.statements_run() - before;
    let edges = response.data()["program"]["matches"]["edges"].as_array().expect("edges").clone();
    let first = &edges[0]["node"];
    assert_eq!(first["meetingStats"], json!({ "count": 2, "totalMinutes": 60 }));
    assert_eq!(first["mentor"]["skills"].as_array().map(Vec::len), Some(2));
    assert_eq!(first["learnings"][0]["skill"]["name"], "Skill 0");
    assert_eq!(first["feedback"][0]["satisfaction"], 4);
    (statements, edges.len())
}

#[tokio::test]
async fn the_nested_program_query_runs_the_same_few_statements_for_50_and_500_matches() {
    let (small, small_rows) = statements_for(50).await;
    let (large, large_rows) = statements_for(500).await;
    assert_eq!((small_rows, large_rows), (50, 500));
    assert_eq!(small, large, "statements must not grow with the number of matches");
    assert!(large <= 15, "{large} statements for one nested query");
}
