//! No N+1: the nested program -> matches -> people, skills, meetings, learnings, feedback query
//! runs the same small number of SQL statements for 50 matches as for 500 (DataLoaders), whether
//! the matches are selected as `edges { node }` or as `nodes`.

use serde_json::json;

use crate::common::TestApp;

#[path = "../../benches/support/mod.rs"]
mod support;

/// What the dashboard asks of each match.
const MATCH: &str = "status score
    mentor { name skills { level skill { name } } }
    mentee { name skills { level skill { name } } }
    meetings { heldAt minutes format }
    meetingStats { count totalMinutes }
    learnings { confirmed skill { name } learner { name } }
    feedback { satisfaction respondent { name } }";

/// The dashboard query, its matches selected as `edges { node }` or as `nodes`.
fn nested(shape: Shape) -> String {
    let selection = match shape {
        Shape::Edges => format!("edges {{ node {{ {MATCH} }} }}"),
        Shape::Nodes => format!("nodes {{ {MATCH} }}"),
    };
    format!("query($p: ID!) {{ program(id: $p) {{ name matches(first: 500) {{ {selection} }} }} }}")
}

#[derive(Clone, Copy)]
enum Shape {
    Edges,
    Nodes,
}

/// Runs the nested query as a coordinator seven times on one database connection (PostgreSQL
/// may re-plan a prepared statement generically after five runs); returns the statements the
/// first run took, the same for every run, and the matches it returned.
async fn statements_for(count: usize, shape: Shape) -> (u64, usize) {
    // The service's default limits: a dashboard of 500 matches with all their records fits them.
    let app = TestApp::spawn_with(|config| config.max_connections = 1).await;
    let program = support::seed_matches(app.store.connection(), count).await;
    let coordinator = app.as_coordinator("acme");
    let mut runs = Vec::new();
    for _ in 0..7 {
        let before = app.store.statements_run();
        let response = coordinator.gql(&nested(shape), json!({ "p": program })).await;
        runs.push((app.store.statements_run() - before, response.data()["program"]["matches"].clone()));
    }
    assert!(runs.iter().all(|run| run == &runs[0]), "every run takes the same statements and answers the same");
    let (statements, matches) = runs.swap_remove(0);
    let nodes: Vec<serde_json::Value> = match shape {
        Shape::Edges => matches["edges"].as_array().expect("edges").iter().map(|edge| edge["node"].clone()).collect(),
        Shape::Nodes => matches["nodes"].as_array().expect("nodes").clone(),
    };
    let first = &nodes[0];
    assert_eq!(first["meetingStats"], json!({ "count": 2, "totalMinutes": 60 }));
    assert_eq!(first["mentor"]["skills"].as_array().map(Vec::len), Some(2));
    assert_eq!(first["learnings"][0]["skill"]["name"], "Skill 0");
    assert_eq!(first["feedback"][0]["satisfaction"], 4);
    (statements, nodes.len())
}

#[tokio::test]
async fn the_nested_program_query_runs_the_same_few_statements_for_50_and_500_matches() {
    let (small, small_rows) = statements_for(50, Shape::Edges).await;
    let (large, large_rows) = statements_for(500, Shape::Edges).await;
    assert_eq!((small_rows, large_rows), (50, 500));
    assert_eq!(small, large, "statements must not grow with the number of matches");
    assert!(large <= 15, "{large} statements for one nested query");
}

#[tokio::test]
async fn nodes_are_fetched_up_front_like_edges() {
    let (edges, _) = statements_for(500, Shape::Edges).await;
    let (nodes, rows) = statements_for(500, Shape::Nodes).await;
    assert_eq!(rows, 500);
    assert_eq!(nodes, edges, "`nodes` runs the statements `edges {{ node }}` runs");
}

#[tokio::test]
async fn a_program_page_reads_500_matches_in_one_request_with_default_limits() {
    let app = TestApp::spawn().await;
    let program = support::seed_matches(app.store.connection(), 500).await;
    let coordinator = app.as_coordinator("acme");
    let page = "query($p: ID!, $n: Int!) { program(id: $p) { matches(first: $n) { nodes { status mentor { name } } pageInfo { hasNextPage } } } }";
    let whole = coordinator.gql(page, json!({ "p": program, "n": 500 })).await;
    let matches = &whole.data()["program"]["matches"];
    assert_eq!(matches["nodes"].as_array().map(Vec::len), Some(500));
    assert_eq!(matches["pageInfo"]["hasNextPage"], false);
    coordinator.gql(page, json!({ "p": program, "n": 501 })).await.assert_error("BAD_USER_INPUT", "between 0 and 500");
    let people = "{ people(first: 101) { nodes { name } } }";
    coordinator.gql(people, json!({})).await.assert_error("BAD_USER_INPUT", "between 0 and 100");
    // Both people of each match through one fragment, skills and all: two spreads and a list
    // of skills per person, not a connection of them.
    let cards =
        "query($p: ID!) { program(id: $p) { matches(first: 500) { nodes { mentor { ...Card } mentee { ...Card } } } } }
        fragment Card on Person { name department skills { relation level skill { name } } }";
    let cards = coordinator.gql(cards, json!({ "p": program })).await;
    let nodes = cards.data()["program"]["matches"]["nodes"].as_array().cloned().expect("nodes");
    assert_eq!(nodes.len(), 500);
    assert_eq!(nodes[0]["mentee"]["skills"].as_array().map(Vec::len), Some(2));
}
