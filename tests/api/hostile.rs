//! Hostile input: documents that would cost far more than they weigh are refused before they
//! run, at the limit and one past it, and strings that cannot be stored are refused everywhere.

use serde_json::{Value, json};

use crate::common::{Gql, Session, TestApp};

/// A chain of `levels` fragments, each spreading the next twice (2^levels spreads, under 1 KB).
fn fragment_fan_out(levels: usize) -> String {
    let mut query = String::from("{ ...F0 }");
    for level in 0..levels {
        query.push_str(&format!(" fragment F{level} on Query {{ ...F{next} ...F{next} }}", next = level + 1));
    }
    query.push_str(&format!(" fragment F{levels} on Query {{ __typename }}"));
    query
}

#[track_caller]
fn refused_before_running(response: &Gql, words: &str) {
    assert_eq!(response.status, 400, "{}", response.body);
    response.assert_error("BAD_USER_INPUT", words);
    assert!(response.body.get("data").is_none(), "nothing ran: {}", response.body);
}

#[tokio::test]
async fn a_fragment_fan_out_is_refused_at_once_and_the_service_stays_up() {
    let app = TestApp::spawn().await;
    let participant = app.as_participant("acme", "E1");
    // Five levels expand to 63 spreads and 32 root fields; eight to 511 spreads, past 500.
    let fine = participant.gql(&fragment_fan_out(5), json!({})).await;
    assert_eq!(fine.data()["__typename"], "Query");
    let attack = participant.gql(&fragment_fan_out(24), json!({})).await;
    refused_before_running(&attack, "the query is over the limit of 500 fragment spreads after expansion");
    refused_before_running(&participant.gql(&fragment_fan_out(8), json!({})).await, "(it has 511)");
    assert_eq!(app.get("/healthz").await.0, 200);
}

#[tokio::test]
async fn aliases_root_fields_and_page_sizes_are_priced_before_running() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let people = |count: usize, first: usize| -> String {
        let fields: String =
            (0..count).map(|n| format!("a{n}: people(first: {first}) {{ edges {{ node {{ name }} }} }} ")).collect();
        format!("{{ {fields} }}")
    };
    assert!(admin.gql(&people(50, 100), json!({})).await.data()["a49"]["edges"].is_array(), "50 roots, cost 15,050");
    refused_before_running(&admin.gql(&people(51, 100), json!({})).await, "limit of 50 root fields (it has 51)");
    refused_before_running(&admin.gql(&people(4_999, 100), json!({})).await, "limit of 10000 tokens");
    let aliases =
        |count: usize| format!("{{ viewer {{ {} }} }}", (0..count).map(|n| format!("a{n}: org ")).collect::<String>());
    assert_eq!(admin.gql(&aliases(100), json!({})).await.data()["viewer"]["a99"], "acme");
    refused_before_running(&admin.gql(&aliases(101), json!({})).await, "limit of 100 aliases (it has 101)");
    let nested =
        "{ programs(first: 100) { nodes { enrollments(first: 100) { nodes { person { name email level } } } } } }";
    refused_before_running(&admin.gql(nested, json!({})).await, "limit of 50000 query cost");
    let default_page = "{ programs { nodes { enrollments { nodes { person { name email level } } } } } }";
    assert!(admin.gql(default_page, json!({})).await.data()["programs"]["nodes"].is_array(), "20 x 20 rows");
}

async fn skill_count(session: &Session<'_>) -> usize {
    let response = session.gql("{ skills(first: 100) { nodes { id } } }", json!({})).await;
    response.data()["skills"]["nodes"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn at_most_ten_mutations_run_per_request() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let mutations = |count: usize, offset: usize| -> String {
        let fields: String = (0..count)
            .map(|n| {
                format!(
                    "s{n}: createSkill(input: {{ name: \"Skill {}\", category: TECHNOLOGY }}) {{ id }} ",
                    n + offset
                )
            })
            .collect();
        format!("mutation {{ {fields} }}")
    };
    assert!(admin.gql(&mutations(10, 0), json!({})).await.data()["s9"]["id"].is_string());
    refused_before_running(
        &admin.gql(&mutations(11, 100), json!({})).await,
        "limit of 10 mutations per request (it has 11)",
    );
    refused_before_running(&admin.gql(&mutations(1_000, 200), json!({})).await, "limit of 10000 tokens");
    assert_eq!(skill_count(&admin).await, 10, "the refused requests created nothing");
}

#[tokio::test]
async fn strings_with_nul_or_control_characters_are_refused_naming_the_field_on_both_backends() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let create = "mutation($i: CreateSkillInput!) { createSkill(input: $i) { id } }";
    let cases: [(&str, Value, &str); 5] = [
        (
            create,
            json!({ "i": { "name": "a\u{0}b", "category": "TECHNOLOGY" } }),
            "variables.i.name contains the control character U+0000",
        ),
        (
            "mutation { createSkill(input: { name: \"a\\u0000b\", category: TECHNOLOGY }) { id } }",
            json!({}),
            "createSkill(input:).name contains the control character U+0000",
        ),
        ("query($e: String!) { person(employeeId: $e) { name } }", json!({ "e": "E1\u{0}" }), "variables.e"),
        (
            "{ people(filter: { nameContains: \"a\\u0000b\" }) { nodes { name } } }",
            json!({}),
            "people(filter:).nameContains",
        ),
        (
            "mutation($p: [PersonInput!]!) { upsertPeople(people: $p) { created } }",
            json!({ "p": [{ "employeeId": "E1", "name": "Ada\u{1b}[31m", "level": 3 }] }),
            "variables.p[0].name contains the control character U+001B",
        ),
    ];
    for (query, variables, words) in cases {
        refused_before_running(&admin.gql(query, variables).await, words);
    }
    assert_eq!(skill_count(&admin).await, 0, "nothing was stored");
    let fine = admin.gql(create, json!({ "i": { "name": "Tabs\tand newlines are text", "category": "OTHER" } })).await;
    assert!(fine.data()["createSkill"]["id"].is_string());
}

#[tokio::test]
async fn a_token_or_an_organisation_over_its_budget_gets_429_with_retry_after() {
    let app = TestApp::spawn_with(|config| {
        config.rate_limit_per_token = 3;
        config.rate_limit_per_org = 5;
    })
    .await;
    let (ada, ben, globex) = (app.as_admin("acme"), app.as_coordinator("acme"), app.as_admin("globex"));
    for _ in 0..3 {
        ada.gql("{ viewer { org } }", json!({})).await.data();
    }
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&ada.token)
        .json(&json!({ "query": "{ viewer { org } }" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"].to_str().expect("text").parse().expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED", "{body}");
    for _ in 0..2 {
        ben.gql("{ viewer { org } }", json!({})).await.data();
    }
    assert_eq!(ben.gql("{ viewer { org } }", json!({})).await.status, 429, "acme's 5 requests a minute are spent");
    assert_eq!(globex.gql("{ viewer { org } }", json!({})).await.data()["viewer"]["org"], "globex");
    assert_eq!(app.get("/healthz").await.0, 200, "health checks are never limited");
}

#[tokio::test]
async fn out_of_range_ints_and_wholly_skipped_selections_are_refused_even_where_nothing_runs() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let skipped_page =
        |first: &str| format!("{{ skills(first: {first}) @skip(if: true) {{ nodes {{ id }} }} viewer {{ org }} }}");
    assert_eq!(admin.gql(&skipped_page("100"), json!({})).await.data()["viewer"]["org"], "acme");
    refused_before_running(
        &admin.gql(&skipped_page("2147483648"), json!({})).await,
        "skills(first:) must be a 32-bit Int",
    );
    let program =
        "mutation { createProgram(input: { name: \"P\", startsOn: \"2027-01-01\", endsOn: \"2027-12-31\" }) { id } }";
    let id = admin.gql(program, json!({})).await.data()["createProgram"]["id"].clone();
    let skipped = "query($id: ID!) { program(id: $id) { ... @skip(if: true) { name } } }";
    refused_before_running(&admin.gql(skipped, json!({ "id": id })).await, "every selection under program is skipped");
    let one_left = "query($id: ID!) { program(id: $id) { ... @skip(if: true) { name } status } }";
    assert_eq!(admin.gql(one_left, json!({ "id": id })).await.data()["program"], json!({ "status": "DRAFT" }));
}

#[tokio::test]
async fn on_postgresql_no_statement_outlives_the_request_deadline() {
    let app = TestApp::spawn_with(|config| config.request_timeout = std::time::Duration::from_secs(1)).await;
    use sea_orm::ConnectionTrait;
    let db = app.store.connection();
    if db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return; // SQLite runs in-process: its statements end with the request's future.
    }
    let error = db.execute_unprepared("SELECT pg_sleep(5)").await.expect_err("cancelled by statement_timeout");
    assert!(error.to_string().contains("statement timeout"), "{error}");
}
