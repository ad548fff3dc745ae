//! Training records over xAPI 1.0.3: statements follow the records (a change voids and
//! reissues), an LMS pulls them incrementally with `since` and `more` without duplicates or
//! gaps even while writes happen between pages, credentials and errors are what LRS clients
//! expect, and one organisation never reads another's records.
//!
//! When `XAPI_STATEMENTS_DIR` is set, every page pulled is written there for
//! `../shared/tools/xapi-validate` (`.ci/run` does this).

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::factories::person;
use crate::relationships::{CONFIRM, LOG, RECORD, UPDATE, meeting, pairs};

const VERSION: (&str, &str) = ("X-Experience-API-Version", "1.0.3");
const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";

/// An LRS client's Basic credentials, created by an admin of `org`.
async fn lrs_client(app: &TestApp, org: &str) -> (String, String, String) {
    let create = "mutation { createLrsClient(name: \"Cornerstone\") { client { id key active } secret } }";
    let created = app.as_admin(org).gql(create, json!({})).await.data()["createLrsClient"].clone();
    assert_eq!(created["client"]["active"], true);
    let key = created["client"]["key"].as_str().expect("key").to_owned();
    let secret = created["secret"].as_str().expect("secret").to_owned();
    (created["client"]["id"].as_str().expect("id").to_owned(), key, secret)
}

/// One GET of `/xapi/...` with Basic credentials: status, headers, body.
async fn pull(app: &TestApp, path: &str, (key, secret): (&str, &str)) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .basic_auth(key, Some(secret))
        .header(VERSION.0, VERSION.1)
        .send()
        .await
        .expect("GET");
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let body = response.json().await.unwrap_or(Value::Null);
    save_for_validation(&body);
    (status, headers, body)
}

fn save_for_validation(body: &Value) {
    let Ok(dir) = std::env::var("XAPI_STATEMENTS_DIR") else { return };
    let has_statements = body.get("statements").is_some() || body.get("verb").is_some();
    if has_statements {
        std::fs::create_dir_all(&dir).expect("create the statements directory");
        let name = format!("{dir}/{}.json", uuid_like());
        std::fs::write(name, body.to_string()).expect("write statements");
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Every statement of a walk from `first` through its `more` links, and the last
/// Consistent-Through header.
async fn walk(app: &TestApp, first: &str, credentials: (&str, &str)) -> (Vec<Value>, String) {
    let (mut statements, mut next) = (Vec::new(), first.to_owned());
    loop {
        let (status, headers, body) = pull(app, &next, credentials).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(headers["x-experience-api-version"], "1.0.3");
        let through = headers["x-experience-api-consistent-through"].to_str().expect("text").to_owned();
        statements.extend(body["statements"].as_array().expect("statements").iter().cloned());
        match body["more"].as_str() {
            Some("") | None => return (statements, through),
            Some(more) => next = more.to_owned(),
        }
    }
}

fn verbs(statements: &[Value]) -> Vec<String> {
    let mut verbs: Vec<String> = statements
        .iter()
        .map(|statement| statement["verb"]["id"].as_str().expect("verb").rsplit('/').next().expect("name").to_owned())
        .collect();
    verbs.sort();
    verbs
}

fn ids(statements: &[Value]) -> Vec<String> {
    statements.iter().map(|statement| statement["id"].as_str().expect("id").to_owned()).collect()
}

fn since(through: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(through.as_bytes()).collect();
    format!("/xapi/statements?ascending=true&limit=2&since={encoded}")
}

#[tokio::test]
async fn an_lms_pulls_every_statement_once_as_records_are_made_changed_and_deleted() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 2).await;
    let (_, key, secret) = lrs_client(&app, "acme").await;
    let credentials = (key.as_str(), secret.as_str());

    let (first, through) = walk(&app, "/xapi/statements?ascending=true&limit=3", credentials).await;
    assert_eq!(verbs(&first), ["registered"; 4], "four accepted enrolments");
    let mut seen: HashSet<String> = ids(&first).into_iter().collect();
    assert_eq!(seen.len(), 4);
    let statement = &first[0];
    assert_eq!(statement["version"], "1.0.3");
    assert!(statement["stored"].is_string() && statement["authority"]["account"]["name"].is_string());
    assert!(statement["actor"]["account"]["name"].as_str().expect("name").starts_with(['M', 'E']));

    // A meeting, a confirmed learning and a completion.
    let mentor = app.as_participant("acme", "M0");
    let mentee = app.as_participant("acme", "E0");
    let logged = mentor.gql(LOG, json!({ "m": world.matches[0], "i": meeting("Reels", 45) })).await;
    let held = logged.data()["logMeeting"].clone();
    let skill = app.as_admin("acme").create_skill("Short video", "TECHNOLOGY").await;
    let record = json!({ "i": { "matchId": world.matches[0], "learner": "MENTEE", "skillId": skill } });
    let learning = mentee.gql(RECORD, record).await.data()["recordLearning"]["id"].clone();
    let (unconfirmed, through) = walk(&app, &since(&through), credentials).await;
    assert_eq!(verbs(&unconfirmed), ["attended", "attended"], "an unconfirmed learning says nothing yet");
    mentor.gql(CONFIRM, json!({ "id": learning })).await.data();
    let complete = "mutation($id: ID!) { completeMatch(id: $id) { status } }";
    app.as_coordinator("acme").gql(complete, json!({ "id": world.matches[0] })).await.data();
    let (made, through) = walk(&app, &since(&through), credentials).await;
    assert_eq!(verbs(&made), ["achieved", "completed", "completed"]);
    let completed = made
        .iter()
        .find(|statement| statement["actor"]["account"]["name"] == "E0" && statement["verb"]["id"] == COMPLETED)
        .expect("the mentee's completion");
    assert_eq!(completed["context"]["instructor"]["account"]["name"], "M0");
    let extensions = completed["result"]["extensions"].as_object().expect("extensions");
    assert!(extensions.iter().any(|(name, value)| name.ends_with("/meetings") && value == 1));
    assert!(completed["result"]["duration"].as_str().expect("duration").starts_with('P'));
    for statement in unconfirmed.iter().chain(&made) {
        assert!(seen.insert(statement["id"].as_str().expect("id").to_owned()), "no statement twice");
        assert!(!statement.to_string().contains("Reels"), "agendas never leave the service");
    }

    // Changing the meeting voids what it changed (its attendance and the completions that
    // count its minutes) and reissues them; nothing else moves.
    let changed = json!({ "id": held["id"], "v": held["version"], "i": meeting("Reels", 60) });
    mentor.gql(UPDATE, changed).await.data();
    let (after_change, through) = walk(&app, &since(&through), credentials).await;
    assert_eq!(
        verbs(&after_change),
        ["attended", "attended", "completed", "completed", "voided", "voided", "voided", "voided"]
    );
    let voided: HashSet<&str> = after_change
        .iter()
        .filter(|statement| statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided")
        .map(|statement| statement["object"]["id"].as_str().expect("target"))
        .collect();
    assert!(voided.iter().all(|target| seen.contains(*target)), "only statements the LMS saw are voided");
    let (_, _, gone) =
        pull(&app, &format!("/xapi/statements?statementId={}", voided.iter().next().expect("one")), credentials).await;
    assert_eq!(gone["message"].as_str().map(|message| message.contains("no statement")), Some(true));
    let target = voided.iter().next().expect("one");
    let (status, _, found) = pull(&app, &format!("/xapi/statements?voidedStatementId={target}"), credentials).await;
    assert_eq!((status, found["id"].as_str()), (200, Some(*target)));

    // Writes between pages: the walk keeps the log as its first page saw it, the next sync
    // brings the rest, and together they hold every statement once.
    let (status, _, page) = pull(&app, "/xapi/statements?limit=1", credentials).await;
    assert_eq!(status, 200);
    let newest = page["statements"][0]["id"].as_str().expect("id").to_owned();
    let more = page["more"].as_str().expect("more").to_owned();
    mentor.gql(LOG, json!({ "m": world.matches[1].clone(), "i": meeting("Between pages", 30) })).await;
    let other_mentor = app.as_participant("acme", "M1");
    other_mentor.gql(LOG, json!({ "m": world.matches[1], "i": meeting("Between pages", 30) })).await.data();
    let (rest, _) = walk(&app, &more, credentials).await;
    let mut walked = vec![newest];
    walked.extend(ids(&rest));
    assert_eq!(walked.len(), walked.iter().collect::<HashSet<_>>().len(), "no statement twice in one walk");
    let (all_now, _) = walk(&app, "/xapi/statements", credentials).await;
    assert_eq!(walked.len() + 2, all_now.len(), "the meeting logged between pages is the only difference");
    let (late, _) = walk(&app, &since(&through), credentials).await;
    assert_eq!(verbs(&late), ["attended", "attended"], "the next sync brings what came between pages");

    // Deleting the meeting voids its attendance (and the completions counting it).
    let current = "query($id: ID!) { node(id: $id) { ... on Meeting { version } } }";
    let version = mentor.gql(current, json!({ "id": held["id"] })).await.data()["node"]["version"].clone();
    let delete = "mutation($id: ID!, $v: Int!) { deleteMeeting(id: $id, expectedVersion: $v) }";
    mentor.gql(delete, json!({ "id": held["id"], "v": version })).await.data();
    let (everything, _) = walk(&app, "/xapi/statements?ascending=true", credentials).await;
    let attended_live =
        everything.iter().filter(|statement| statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attended");
    assert_eq!(attended_live.count(), 2, "only the second pair's meeting is still attended");
    assert!(
        everything.iter().filter(|statement| statement["verb"]["id"] == COMPLETED).all(|statement| statement["result"]
            ["extensions"]
            .as_object()
            .expect("extensions")
            .iter()
            .any(|(name, value)| name.ends_with("/meetings") && value == 0)),
        "the completions were reissued without the deleted meeting"
    );
}

#[tokio::test]
async fn lrs_clients_and_tokens_are_checked_and_errors_say_why() {
    let app = TestApp::spawn().await;
    pairs(&app, 1).await;
    let (id, key, secret) = lrs_client(&app, "acme").await;
    let url = format!("{}/xapi/statements", app.address);
    let about = app.client.get(format!("{}/xapi/about", app.address)).send().await.expect("about");
    assert_eq!(about.headers()["x-experience-api-version"], "1.0.3");
    assert_eq!(about.json::<Value>().await.expect("json")["version"], json!(["1.0.3"]));

    let unversioned = app.client.get(&url).basic_auth(&key, Some(&secret)).send().await.expect("GET");
    assert_eq!(unversioned.status(), 400);
    assert!(unversioned.json::<Value>().await.expect("json")["message"].as_str().expect("message").contains("1.0.3"));
    let anonymous = app.client.get(&url).header(VERSION.0, VERSION.1).send().await.expect("GET");
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers()["www-authenticate"].to_str().expect("text").starts_with("Basic"));
    assert_eq!(pull(&app, "/xapi/statements", (&key, "wrong")).await.0, 401);
    assert_eq!(pull(&app, "/xapi/statements", (&key, &secret)).await.0, 200);
    let (status, _, body) = pull(&app, "/xapi/statements?since=yesterday", (&key, &secret)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("BAD_USER_INPUT")));
    assert_eq!(pull(&app, "/xapi/statements?colour=red", (&key, &secret)).await.0, 400);
    let missing = "/xapi/statements?statementId=6f1d2c3a-8b4e-4f5a-9c7d-0e1f2a3b4c5d";
    assert_eq!(pull(&app, missing, (&key, &secret)).await.0, 404);

    let bearer = |token: String| {
        let request = app.client.get(&url).bearer_auth(token).header(VERSION.0, VERSION.1);
        async move { request.send().await.expect("GET").status().as_u16() }
    };
    assert_eq!(bearer(app.token("acme", &["LMS"])).await, 200);
    assert_eq!(bearer(app.token("acme", &["PARTICIPANT"])).await, 403);
    assert_eq!(bearer("not-a-token".into()).await, 401);

    let listed = app.as_admin("acme").gql("{ lrsClients { id key active } }", json!({})).await;
    assert_eq!(listed.data()["lrsClients"], json!([{ "id": id, "key": key, "active": true }]));
    app.as_coordinator("acme").gql("{ lrsClients { id } }", json!({})).await.assert_error("FORBIDDEN", "ADMIN");
    let revoke = "mutation($id: ID!) { revokeLrsClient(id: $id) { active } }";
    assert_eq!(app.as_admin("acme").gql(revoke, json!({ "id": id })).await.data()["revokeLrsClient"]["active"], false);
    assert_eq!(pull(&app, "/xapi/statements", (&key, &secret)).await.0, 401, "revoked at once");
    app.as_admin("acme").gql(revoke, json!({ "id": id })).await.assert_error("BAD_USER_INPUT", "already revoked");
    let blank = "mutation { createLrsClient(name: \"  \") { secret } }";
    app.as_admin("acme").gql(blank, json!({})).await.assert_error("BAD_USER_INPUT", "name");
}

#[tokio::test]
async fn one_organisation_never_reads_anothers_training_records() {
    let app = TestApp::spawn().await;
    pairs(&app, 1).await;
    let globex = app.as_admin("globex");
    let people = globex.upsert_people(json!([person("G1", "Gina", "Sales", 3), person("G2", "Gus", "Legal", 9)])).await;
    let program = globex.create_program("Globex program").await;
    globex.open_enrollment(&program).await;
    globex.enroll(&program, &people[0], "MENTOR").await;
    let (acme_client, acme_key, acme_secret) = lrs_client(&app, "acme").await;
    let (_, globex_key, globex_secret) = lrs_client(&app, "globex").await;

    let (acme, _) = walk(&app, "/xapi/statements", (&acme_key, &acme_secret)).await;
    let (theirs, _) = walk(&app, "/xapi/statements", (&globex_key, &globex_secret)).await;
    assert_eq!((acme.len(), theirs.len()), (2, 1));
    let names = |statements: &[Value]| -> Vec<String> {
        statements.iter().map(|s| s["actor"]["account"]["name"].as_str().expect("name").to_owned()).collect()
    };
    assert_eq!(names(&theirs), ["G1"]);
    assert!(names(&acme).iter().all(|name| !name.starts_with('G')));
    let foreign = format!("/xapi/statements?statementId={}", theirs[0]["id"].as_str().expect("id"));
    assert_eq!(pull(&app, &foreign, (&acme_key, &acme_secret)).await.0, 404);
    let foreign_token = app.token("globex", &["LMS"]);
    let request =
        app.client.get(format!("{}{foreign}", app.address)).bearer_auth(&foreign_token).header(VERSION.0, VERSION.1);
    assert_eq!(request.send().await.expect("GET").status(), 200, "globex's own token reads it");

    let records = "{ trainingRecords { statements } }";
    let seen = globex.gql(records, json!({})).await.data()["trainingRecords"]["statements"].clone();
    assert_eq!(seen.as_array().expect("statements").len(), 1);
    assert_eq!(seen[0]["actor"]["account"]["name"], "G1");
    assert_eq!(
        globex.gql("{ lrsClients { key } }", json!({})).await.data()["lrsClients"],
        json!([{ "key": globex_key }])
    );
    let node = "query($id: ID!) { node(id: $id) { id } }";
    assert_eq!(globex.gql(node, json!({ "id": acme_client })).await.data()["node"], Value::Null);
    let revoke = "mutation($id: ID!) { revokeLrsClient(id: $id) { active } }";
    globex.gql(revoke, json!({ "id": acme_client })).await.assert_error("NOT_FOUND", "LRS client");
    assert_eq!(pull(&app, "/xapi/statements", (&acme_key, &acme_secret)).await.0, 200, "acme's client still works");
}

#[tokio::test]
async fn front_ends_page_training_records_and_participants_read_only_their_own() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 2).await;
    app.as_participant("acme", "M0")
        .gql(LOG, json!({ "m": world.matches[0], "i": meeting("Prompting", 30) }))
        .await
        .data();
    let page = "query($after: String, $person: ID) { trainingRecords(first: 4, after: $after, person: $person, ascending: true) { statements endCursor hasNextPage consistentThrough } }";
    let lms = app.as_role("acme", reverse_mentoring::auth::Role::Lms);
    let first = lms.gql(page, json!({})).await.data()["trainingRecords"].clone();
    assert_eq!((first["statements"].as_array().expect("page").len(), &first["hasNextPage"]), (4, &json!(true)));
    let second = lms.gql(page, json!({ "after": first["endCursor"] })).await.data()["trainingRecords"].clone();
    assert_eq!((second["statements"].as_array().expect("page").len(), &second["hasNextPage"]), (2, &json!(false)));
    let mut all = ids(first["statements"].as_array().expect("page"));
    all.extend(ids(second["statements"].as_array().expect("page")));
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 6, "four registrations and two attendances, once each");

    let own = app.as_participant("acme", "E0").gql(page, json!({})).await.data()["trainingRecords"].clone();
    let own = own["statements"].as_array().expect("own").clone();
    assert_eq!(verbs(&own), ["attended", "registered"]);
    assert!(own.iter().all(|statement| statement["actor"]["account"]["name"] == "E0"));
    let mentor =
        app.as_admin("acme").gql("{ people(first: 10) { edges { node { id employeeId } } } }", json!({})).await;
    let m0 = mentor.data()["people"]["edges"]
        .as_array()
        .expect("people")
        .iter()
        .find(|edge| edge["node"]["employeeId"] == "M0")
        .expect("M0")["node"]["id"]
        .clone();
    let peek = app.as_participant("acme", "E0").gql(page, json!({ "person": m0 })).await;
    peek.assert_error("FORBIDDEN", "their own");
    app.as_role("acme", reverse_mentoring::auth::Role::Analyst)
        .gql(page, json!({}))
        .await
        .assert_error("FORBIDDEN", "LMS, ADMIN");
    lms.gql("{ trainingRecords(first: 0) { hasNextPage } }", json!({})).await.assert_error("BAD_USER_INPUT", "first");
    lms.gql("{ trainingRecords(after: \"x\") { hasNextPage } }", json!({}))
        .await
        .assert_error("BAD_USER_INPUT", "cursor");
}

#[tokio::test]
async fn an_admin_derives_the_records_made_before_the_log_existed_once() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 1).await;
    // Written straight to the database, as a deployment that predates the log holds it.
    let held_at = chrono::Utc::now() - chrono::Duration::days(20);
    app.insert_meeting("acme", crate::common::row_number(&world.matches[0]), held_at, 40).await;
    let (_, key, secret) = lrs_client(&app, "acme").await;
    let (before, _) = walk(&app, "/xapi/statements", (&key, &secret)).await;
    assert_eq!(verbs(&before), ["registered", "registered"]);

    let derive = "mutation($p: ID!) { deriveTrainingRecords(programId: $p) }";
    let admin = app.as_admin("acme");
    assert_eq!(admin.gql(derive, json!({ "p": world.program })).await.data()["deriveTrainingRecords"], 2);
    assert_eq!(admin.gql(derive, json!({ "p": world.program })).await.data()["deriveTrainingRecords"], 0, "idempotent");
    let (after, _) = walk(&app, "/xapi/statements", (&key, &secret)).await;
    assert_eq!(verbs(&after), ["attended", "attended", "registered", "registered"]);
    assert!(after.iter().any(|statement| statement["result"]["duration"] == "PT40M"));

    app.as_admin("globex").gql(derive, json!({ "p": world.program })).await.assert_error("NOT_FOUND", "program");
    app.as_coordinator("acme").gql(derive, json!({ "p": world.program })).await.assert_error("FORBIDDEN", "ADMIN");
}

#[tokio::test]
async fn completions_export_in_the_lms_external_training_layout() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 2).await;
    let mentor = app.as_participant("acme", "M0");
    mentor.gql(LOG, json!({ "m": world.matches[0], "i": meeting("=cmd|' /C calc'!A0", 45) })).await.data();
    mentor.gql(LOG, json!({ "m": world.matches[0], "i": meeting("Second", 45) })).await.data();
    let complete = "mutation($id: ID!) { completeMatch(id: $id) { endedOn } }";
    let ended = app.as_coordinator("acme").gql(complete, json!({ "id": world.matches[0] })).await;
    let ended = ended.data()["completeMatch"]["endedOn"].as_str().expect("day").to_owned();
    let export = |token: String, query: &str| {
        let request =
            app.client.get(format!("{}/exports/training/completions.csv{query}", app.address)).bearer_auth(token);
        async move {
            let response = request.send().await.expect("GET");
            (response.status().as_u16(), response.text().await.expect("body"))
        }
    };
    let (status, csv) = export(app.token("acme", &["LMS"]), "").await;
    assert_eq!(status, 200);
    assert_eq!(
        csv,
        format!(
            "employee_id,title,completion_date,hours\r\n\
             M0,Reverse mentoring: Pairs (mentor),{ended},1.50\r\n\
             E0,Reverse mentoring: Pairs (mentee),{ended},1.50\r\n"
        ),
        "only the completed relationship, one row per person, and no agenda"
    );
    let (_, none) = export(app.token("acme", &["ADMIN"]), "?from=2099-01-01").await;
    assert_eq!(none, "employee_id,title,completion_date,hours\r\n");
    let (status, body) = export(app.token("acme", &["LMS"]), "?to=soon").await;
    assert_eq!(status, 400);
    assert!(body.contains("not a date"));
    assert_eq!(export(app.token("acme", &["ANALYST"]), "").await.0, 403);
    let (status, theirs) = export(app.token("globex", &["LMS"]), "").await;
    assert_eq!(
        (status, theirs.as_str()),
        (200, "employee_id,title,completion_date,hours\r\n"),
        "another organisation sees none"
    );
}

#[tokio::test]
async fn an_organisation_may_name_people_by_mailbox_from_then_on() {
    let app = TestApp::spawn().await;
    let world = pairs(&app, 1).await;
    let (_, key, secret) = lrs_client(&app, "acme").await;
    let admin = app.as_admin("acme");
    let set = "mutation { updateOrgSettings(trainingRecordActor: MBOX) { minGroupSize trainingRecordActor } }";
    let settings = admin.gql(set, json!({})).await.data()["updateOrgSettings"].clone();
    assert_eq!(settings, json!({ "minGroupSize": 5, "trainingRecordActor": "MBOX" }));
    app.as_coordinator("acme").gql(set, json!({})).await.assert_error("FORBIDDEN", "ADMIN");

    // Issued statements keep their actor until they are derived again.
    let (before, _) = walk(&app, "/xapi/statements", (&key, &secret)).await;
    assert!(before.iter().all(|statement| statement["actor"]["account"].is_object()));
    let derive = "mutation($p: ID!) { deriveTrainingRecords(programId: $p) }";
    assert_eq!(
        admin.gql(derive, json!({ "p": world.program })).await.data()["deriveTrainingRecords"],
        4,
        "2 voided, 2 new"
    );
    let (after, _) = walk(&app, "/xapi/statements", (&key, &secret)).await;
    let registered: Vec<&Value> =
        after.iter().filter(|s| s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/registered").collect();
    assert_eq!(registered.len(), 2);
    assert!(
        registered
            .iter()
            .all(|statement| statement["actor"]["mbox"].as_str().is_some_and(|m| m.starts_with("mailto:")))
    );

    let agent: String = form_urlencoded::byte_serialize(br#"{"mbox":"mailto:m0@example.com"}"#).collect();
    let (mine, _) = walk(&app, &format!("/xapi/statements?agent={agent}"), (&key, &secret)).await;
    assert_eq!(verbs(&mine), ["registered"]);
    let account: String =
        form_urlencoded::byte_serialize(br#"{"account":{"homePage":"http://localhost:8080/xapi","name":"M0"}}"#)
            .collect();
    let (old, _) = walk(&app, &format!("/xapi/statements?agent={account}"), (&key, &secret)).await;
    assert_eq!(verbs(&old), ["voided"], "the old statement is voided under the actor it had");
    let own = app.as_participant("acme", "M0").gql("{ trainingRecords { statements } }", json!({})).await;
    let own = own.data()["trainingRecords"]["statements"].as_array().expect("own").clone();
    assert_eq!(verbs(&own), ["registered"], "a participant's own records follow the chosen form");
}
