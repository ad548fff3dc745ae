//! Two service processes on one PostgreSQL database, started together (their migrations take
//! turns) and written through at once: every acknowledged write is in the final state, every
//! refused one got CONFLICT, and a mentor's capacity is never exceeded.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::factories::person;
use crate::common::process::ServiceProcess;

/// Outcome of one optimistic write: the version it produced, or the error code.
type Outcome = (String, Result<i64, String>);

/// What the writers contend for: how to read its version, and how to write a value to it.
struct Contended<'a> {
    /// Who writes: a participant by employee id, or an admin.
    writer: Option<&'a str>,
    read: &'a str,
    version_read: &'a dyn Fn(&Value) -> i64,
    mutation: &'a str,
    version_written: &'a dyn Fn(&Value) -> i64,
    variables: &'a dyn Fn(i64, &str) -> Value,
}

/// Sixteen writers, half through each replica, each reading the version and writing a value of
/// its own three times.
async fn contend(replicas: [&TestApp; 2], target: &Contended<'_>) -> Vec<Outcome> {
    let writers = (0..16).map(|writer| {
        let app = replicas[writer % 2];
        async move {
            let session = match target.writer {
                Some(employee) => app.as_participant("acme", employee),
                None => app.as_admin("acme"),
            };
            let mut outcomes = Vec::new();
            for attempt in 0..3 {
                let version = (target.version_read)(session.gql(target.read, json!({})).await.data());
                let value = format!("writer {writer} attempt {attempt}");
                let answer = session.gql(target.mutation, (target.variables)(version, &value)).await;
                let outcome = match answer.code() {
                    None => Ok((target.version_written)(answer.data())),
                    Some(code) => Err(code.to_owned()),
                };
                outcomes.push((value, outcome));
            }
            outcomes
        }
    });
    futures::future::join_all(writers).await.into_iter().flatten().collect()
}

/// Every refusal is CONFLICT, the acknowledged versions follow each other from `start`, and
/// the final state holds the value of the last acknowledged write.
fn check(outcomes: &[Outcome], start: i64, final_version: i64, final_value: &str) {
    let refused: Vec<&String> = outcomes.iter().filter_map(|(_, outcome)| outcome.as_ref().err()).collect();
    assert!(refused.iter().all(|code| *code == "CONFLICT"), "{refused:?}");
    let mut acknowledged: Vec<(i64, &str)> =
        outcomes.iter().filter_map(|(value, outcome)| outcome.as_ref().ok().map(|v| (*v, value.as_str()))).collect();
    acknowledged.sort();
    assert!(!acknowledged.is_empty() && !refused.is_empty(), "writes raced: {outcomes:?}");
    let versions: Vec<i64> = acknowledged.iter().map(|(version, _)| *version).collect();
    let expected: Vec<i64> = (start + 1..=start + versions.len() as i64).collect();
    assert_eq!(versions, expected, "each acknowledged write made one version");
    assert_eq!(final_version, start + versions.len() as i64);
    assert_eq!(final_value, acknowledged.last().expect("one").1, "the last acknowledged write stands");
}

#[tokio::test]
async fn two_replicas_on_one_database_lose_no_acknowledged_write() {
    let (url, sqlite_file) = crate::common::fresh_database().await;
    if let Some(file) = sqlite_file {
        let _ = std::fs::remove_file(file);
        eprintln!("SKIPPED the two-replica test: it needs PostgreSQL (TEST_DATABASE_URL)");
        return;
    }
    // Started together on an empty database: both migrate at once.
    let settings = [("DATABASE_URL", url.as_str()), ("RATE_LIMIT_PER_TOKEN", "0"), ("RATE_LIMIT_PER_ORG", "0")];
    let mut first = ServiceProcess::start(&settings);
    let mut second = ServiceProcess::start(&settings);
    first.ready().await;
    second.ready().await;
    let (first_address, second_address) = (first.address.clone(), second.address.clone());
    let a = TestApp::running_at(first_address, &url).await;
    let b = TestApp::running_at(second_address, &url).await;

    // A self-service program: mentor J1 with 3 slots, eight mentees.
    let admin = a.as_admin("acme");
    let mut people = vec![person("J1", "Jo", "Engineering", 2)];
    people.extend((1..=8).map(|n| person(&format!("S{n}"), &format!("Senior {n}"), "Finance", 12)));
    let ids = admin.upsert_people(json!(people)).await;
    let create = "mutation($i: CreateProgramInput!) { createProgram(input: $i) { id } }";
    let rules = json!({ "mode": "SELF_SERVICE", "seniority": "NONE", "reportingLineDepth": 0 });
    let input =
        json!({ "name": "Two replicas", "startsOn": "2026-01-01", "endsOn": "2027-12-31", "matchingRules": rules });
    let program =
        admin.gql(create, json!({ "i": input })).await.data()["createProgram"]["id"].as_str().expect("id").to_owned();
    admin.open_enrollment(&program).await;
    let enroll = "mutation($i: EnrollInput!) { enroll(input: $i) { id } }";
    let mut enrollments = Vec::new();
    for (index, person) in ids.iter().enumerate() {
        let (role, capacity) = if index == 0 { ("MENTOR", json!(3)) } else { ("MENTEE", Value::Null) };
        let input = json!({ "programId": program, "personId": person, "role": role, "capacity": capacity });
        enrollments.push(
            admin.gql(enroll, json!({ "i": input })).await.data()["enroll"]["id"].as_str().expect("id").to_owned(),
        );
    }
    let request = "mutation($p: ID!, $m: ID!) { requestMentor(programId: $p, mentorEnrollmentId: $m) { id } }";
    let mut requests = Vec::new();
    for n in 1..=8 {
        let replica = if n % 2 == 0 { &a } else { &b };
        let mentee = replica.as_participant("acme", &format!("S{n}"));
        let asked = mentee.gql(request, json!({ "p": program, "m": enrollments[0] })).await;
        requests.push(asked.data()["requestMentor"]["id"].as_str().expect("id").to_owned());
    }

    // The mentor accepts all eight at once, through both replicas.
    let accept = "mutation($id: ID!) { acceptMatchRequest(id: $id) { status } }";
    let (mentor_a, mentor_b) = (a.as_participant("acme", "J1"), b.as_participant("acme", "J1"));
    let answers = futures::future::join_all(requests.iter().enumerate().map(|(index, id)| {
        let mentor = if index % 2 == 0 { &mentor_a } else { &mentor_b };
        mentor.gql(accept, json!({ "id": id }))
    }))
    .await;
    let accepted = answers.iter().filter(|answer| answer.code().is_none()).count();
    let full = answers.iter().filter(|answer| answer.code() == Some("CONFLICT")).count();
    assert_eq!((accepted, full), (3, 5), "{answers:?}");
    let matches = "query($p: ID!) { program(id: $p) { matches(status: ACTIVE) { edges { node { id mentor { employeeId } } } } } }";
    let running = admin.gql(matches, json!({ "p": program })).await;
    let running = running.data()["program"]["matches"]["edges"].as_array().expect("edges").clone();
    assert_eq!(running.len(), 3, "capacity 3 holds across replicas: {running:?}");

    // The program's description, written by sixteen writers through both replicas.
    let read_program = format!("{{ program(id: \"{program}\") {{ version description }} }}");
    let start = admin.gql(&read_program, json!({})).await.data()["program"]["version"].as_i64().expect("version");
    let target = Contended {
        writer: None,
        read: &read_program,
        version_read: &|data| data["program"]["version"].as_i64().expect("version"),
        mutation: "mutation($i: UpdateProgramInput!) { updateProgram(input: $i) { version } }",
        version_written: &|data| data["updateProgram"]["version"].as_i64().expect("version"),
        variables: &|version, value| json!({ "i": { "id": program, "expectedVersion": version, "description": value } }),
    };
    let outcomes = contend([&a, &b], &target).await;
    let after = admin.gql(&read_program, json!({})).await;
    let after = &after.data()["program"];
    check(&outcomes, start, after["version"].as_i64().expect("version"), after["description"].as_str().expect("text"));

    // A meeting of one of the new relationships, rewritten the same way.
    let match_id = running[0]["node"]["id"].as_str().expect("match id").to_owned();
    let held_at = (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339();
    let log = "mutation($m: ID!, $i: MeetingInput!) { logMeeting(matchId: $m, input: $i) { id version } }";
    let input = json!({ "heldAt": held_at, "minutes": 30, "format": "VIDEO", "agenda": "first" });
    let logged = a.as_participant("acme", "J1").gql(log, json!({ "m": match_id, "i": input })).await;
    let meeting = logged.data()["logMeeting"]["id"].as_str().expect("meeting id").to_owned();
    let read_meeting = format!("{{ node(id: \"{meeting}\") {{ ... on Meeting {{ version agenda }} }} }}");
    // Meeting notes are the pair's own: the mentor writes them.
    let target = Contended {
        writer: Some("J1"),
        read: &read_meeting,
        version_read: &|data| data["node"]["version"].as_i64().expect("version"),
        mutation: "mutation($id: ID!, $v: Int!, $i: MeetingInput!) { updateMeeting(id: $id, expectedVersion: $v, input: $i) { version } }",
        version_written: &|data| data["updateMeeting"]["version"].as_i64().expect("version"),
        variables: &|version, value| {
            let input = json!({ "heldAt": held_at, "minutes": 30, "format": "VIDEO", "agenda": value });
            json!({ "id": meeting, "v": version, "i": input })
        },
    };
    let outcomes = contend([&a, &b], &target).await;
    let after = a.as_participant("acme", "J1").gql(&read_meeting, json!({})).await;
    let after = &after.data()["node"];
    check(&outcomes, 1, after["version"].as_i64().expect("version"), after["agenda"].as_str().expect("text"));
}
