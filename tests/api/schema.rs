//! `schema.graphql` is generated from the code; this fails when the two drift apart.

#[test]
fn schema_graphql_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let generated = reverse_mentoring::graphql::sdl();
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|value| value == "1") {
        std::fs::write(path, &generated).expect("write schema.graphql");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema.graphql is out of date: run `cargo run -- print-schema > schema.graphql` (or UPDATE_SCHEMA=1 cargo test schema) and commit it"
    );
}
