//! People imports from HRIS files over HTTP: the report, dry runs, all-or-nothing, managers
//! that arrive later, cycles, full snapshots, a source's column names, roles and tenancy.

use chrono::Utc;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::factories::person;

/// POSTs a file to `/imports/people` with a query string; returns status and body.
async fn import(app: &TestApp, token: &str, query: &str, file: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/imports/people{query}", app.address))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(file.to_owned())
        .send()
        .await
        .expect("POST /imports/people");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

async fn directory(app: &TestApp, org: &str) -> Value {
    let query = "{ people(first: 100) { nodes { employeeId name email department level managerEmployeeId hiredOn \
                 employmentStatus leftOn } } }";
    app.as_admin(org).gql(query, json!({})).await.data()["people"]["nodes"].clone()
}

fn today() -> String {
    Utc::now().date_naive().to_string()
}

/// A Workday-style export: BOM, semicolons, quoted cells with the delimiter and a quote, E3's
/// manager (E4) further down the file.
const FILE: &str = "\u{feff}Employee ID;Name;E-mail;Department;Level;Manager Employee ID;hiredOn;Notes\r\n\
E1;Ada;e1@example.com;\"R&D; Platform\";9;;2020-01-15;kept\r\n\
E2;Ben;e2@example.com;IT;3;E1;2020-01-15;\r\n\
E3;\"Cy \"\"the kid\"\" Doe\";cy@example.com;IT;2;E4;2025-09-01;new\r\n\
\r\n\
E4;Dee;dee@example.com;IT;6;E1;2019-03-01;new\r\n";

#[tokio::test]
async fn a_dry_run_reports_exactly_what_the_real_run_then_writes() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let mut ben = person("E2", "Ben", "IT", 3);
    ben["managerEmployeeId"] = json!("E1");
    admin.upsert_people(json!([person("E1", "Ada", "Board", 12), ben])).await;
    let before = directory(&app, "acme").await;
    let audit_before = admin.audit_count().await;

    let (status, dry) = import(&app, &admin.token, "?dryRun=true", FILE).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(
        (&dry["dryRun"], &dry["written"], &dry["rowsRead"], &dry["created"], &dry["unchanged"]),
        (&json!(true), &json!(false), &json!(4), &json!(2), &json!(1))
    );
    assert_eq!(dry["changed"], json!([{ "line": 2, "employeeId": "E1", "fields": ["department", "level"] }]));
    assert_eq!((dry["rejected"].clone(), dry["departures"].clone()), (json!([]), json!([])));
    assert_eq!(directory(&app, "acme").await, before, "a dry run writes nothing");
    assert_eq!(admin.audit_count().await, audit_before);

    let (status, real) = import(&app, &admin.token, "", FILE).await;
    assert_eq!(status, 200, "{real}");
    let strip = |report: &Value| {
        let mut report = report.clone();
        report.as_object_mut().unwrap().retain(|key, _| key != "dryRun" && key != "written");
        report
    };
    assert_eq!(strip(&real), strip(&dry), "the same report");
    assert_eq!(real["written"], true);
    let people = directory(&app, "acme").await;
    let cy = people.as_array().unwrap().iter().find(|p| p["employeeId"] == "E3").unwrap();
    assert_eq!(
        (&cy["name"], &cy["managerEmployeeId"], &cy["level"]),
        (&json!("Cy \"the kid\" Doe"), &json!("E4"), &json!(2))
    );
    let ada = people.as_array().unwrap().iter().find(|p| p["employeeId"] == "E1").unwrap();
    assert_eq!(ada["department"], "R&D; Platform");
    assert_eq!(admin.audit_count().await, audit_before + 1, "one audit event for the import");

    // The same file again changes nothing.
    let (_, again) = import(&app, &admin.token, "", FILE).await;
    assert_eq!(
        (again["created"].clone(), again["unchanged"].clone(), again["changed"].clone()),
        (json!(0), json!(4), json!([]))
    );
    // A file with only some columns leaves the others as they are; a leftOn departs.
    let (status, partial) = import(&app, &admin.token, "", "employee_id,left_on\nE2,2026-01-31\n").await;
    assert_eq!(status, 200, "{partial}");
    assert_eq!(partial["departures"], json!([{ "employeeId": "E2", "leftOn": "2026-01-31", "reason": "FILE" }]));
    let people = directory(&app, "acme").await;
    let ben = people.as_array().unwrap().iter().find(|p| p["employeeId"] == "E2").unwrap();
    assert_eq!(
        (&ben["name"], &ben["department"], &ben["employmentStatus"]),
        (&json!("Ben"), &json!("IT"), &json!("LEFT"))
    );
}

#[tokio::test]
async fn one_refused_row_writes_nothing_and_every_refusal_names_its_line() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    admin.upsert_people(json!([person("E1", "Ada", "Board", 12)])).await;
    let before = directory(&app, "acme").await;
    let file = "employeeId,name,level,managerEmployeeId,hiredOn,generation\n\
E2,Ben,3,E1,2020-01-15,GEN_Z\n\
E3,Cy,twenty,E1,2020-01-15,\n\
E4,Dee,4,E99,2020-01-15,\n\
E2,Ben again,3,E1,2020-01-15,\n\
E5,Eve,4,E6,2020-01-15,\n\
E6,Fay,4,E5,2020-01-15,\n\
E7,,4,E1,2020-01-15,\n\
E8,Gus,4,E1,31/12/2020,\n";
    let (status, report) = import(&app, &admin.token, "", file).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["written"], false);
    let rejected: Vec<(u64, String, String)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["line"].as_u64().unwrap(),
                row["employeeId"].as_str().unwrap().to_owned(),
                row["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = [
        (3, "E3", "level 'twenty' is not a whole number"),
        (4, "E4", "manager E99 is neither in the file nor in the directory"),
        (5, "E2", "employee E2 is also on line 2"),
        (6, "E5", "the manager chain E5 -> E6 -> E5 is a cycle"),
        (7, "E6", "the manager chain E5 -> E6 -> E5 is a cycle"),
        (8, "E7", "name must not be empty"),
        (9, "E8", "hiredOn '31/12/2020' is not a date"),
    ];
    assert_eq!(rejected.len(), expect.len(), "{rejected:?}");
    for ((line, id, reason), (want_line, want_id, words)) in rejected.iter().zip(expect) {
        assert_eq!((*line, id.as_str()), (want_line, want_id), "{reason}");
        assert!(reason.contains(words), "line {line}: {reason}");
    }
    assert_eq!(directory(&app, "acme").await, before, "nothing is written");

    for (file, words) in [
        ("name,level\nAda,3\n", "no employee id column"),
        ("", "needs a header row"),
        ("employeeId,employee_id\nE1,E1\n", "twice"),
    ] {
        let (status, body) = import(&app, &admin.token, "", file).await;
        assert_eq!((status, body["errors"][0]["extensions"]["code"].as_str()), (400, Some("BAD_USER_INPUT")), "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains(words), "{body}");
    }
}

#[tokio::test]
async fn a_full_snapshot_departs_the_people_it_leaves_out_and_a_dry_run_lists_them_first() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    admin
        .upsert_people(json!([
            person("E1", "Ada", "Board", 12),
            person("E2", "Ben", "IT", 3),
            person("E3", "Cy", "IT", 2)
        ]))
        .await;
    let file = "employeeId,name,level\nE1,Ada,12\nE2,Ben,3\n";
    let (status, dry) = import(&app, &admin.token, "?fullSnapshot=true&dryRun=true", file).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(
        dry["departures"],
        json!([{ "employeeId": "E3", "leftOn": today(), "reason": "MISSING_FROM_SNAPSHOT" }])
    );
    let cy = |people: Value| {
        people.as_array().unwrap().iter().find(|p| p["employeeId"] == "E3").unwrap()["employmentStatus"].clone()
    };
    assert_eq!(cy(directory(&app, "acme").await), "ACTIVE");
    let (_, real) = import(&app, &admin.token, "?fullSnapshot=true", file).await;
    assert_eq!(real["departures"], dry["departures"]);
    assert_eq!(cy(directory(&app, "acme").await), "LEFT");
    // Without the option, people missing from a file are left alone.
    let (_, partial) = import(&app, &admin.token, "", "employeeId,name,level\nE1,Ada,12\n").await;
    assert_eq!(partial["departures"], json!([]));
}

#[tokio::test]
async fn a_source_names_its_columns_and_an_unknown_source_is_not_found() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let set = "mutation($c: [PeopleImportColumnInput!]!) { setPeopleImportSource(name: \"workday\", columns: $c) { name columns { field column } } }";
    let columns = json!([{ "field": "EMPLOYEE_ID", "column": "Worker ID" }, { "field": "NAME", "column": "Legal Name" },
                         { "field": "HIRED_ON", "column": "Hire Date" }, { "field": "LEVEL", "column": "Job Level" }]);
    let saved = admin.gql(set, json!({ "c": columns })).await;
    assert_eq!(
        saved.data()["setPeopleImportSource"]["columns"][0],
        json!({ "field": "EMPLOYEE_ID", "column": "Worker ID" })
    );
    let listed = admin.gql("{ peopleImportSources { name } }", json!({})).await;
    assert_eq!(listed.data()["peopleImportSources"], json!([{ "name": "workday" }]));
    let file = "Worker ID,Legal Name,Hire Date,Job Level\nW-1,Ada,2021-04-01,7\n";
    let (status, report) = import(&app, &admin.token, "?source=workday", file).await;
    assert_eq!((status, report["created"].clone()), (200, json!(1)), "{report}");
    let ada = &directory(&app, "acme").await[0];
    assert_eq!((&ada["employeeId"], &ada["hiredOn"], &ada["level"]), (&json!("W-1"), &json!("2021-04-01"), &json!(7)));
    let (status, body) = import(&app, &admin.token, "?source=bamboo", file).await;
    assert_eq!((status, body["errors"][0]["extensions"]["code"].as_str()), (404, Some("NOT_FOUND")));
}

#[tokio::test]
async fn only_admins_import_and_each_organisation_imports_into_its_own_directory() {
    let app = TestApp::spawn().await;
    app.as_admin("acme").upsert_people(json!([person("E1", "Ada", "Board", 12)])).await;
    let acme_before = directory(&app, "acme").await;
    let file = "employeeId,name,level\nE1,Ada of Globex,4\n";
    let (status, body) = import(&app, &app.as_coordinator("acme").token, "", file).await;
    assert_eq!((status, body["errors"][0]["extensions"]["code"].as_str()), (403, Some("FORBIDDEN")));
    let (status, _) = import(&app, "not-a-token", "", file).await;
    assert_eq!(status, 401);
    let (status, report) = import(&app, &app.as_admin("globex").token, "?fullSnapshot=true", file).await;
    assert_eq!(
        (status, report["created"].clone(), report["departures"].clone()),
        (200, json!(1), json!([])),
        "{report}"
    );
    assert_eq!(directory(&app, "acme").await, acme_before, "acme's E1 is untouched by globex's snapshot");
    assert_eq!(directory(&app, "globex").await[0]["name"], "Ada of Globex");
    // Another organisation's source is not found.
    let set = "mutation { setPeopleImportSource(name: \"workday\", columns: [{ field: NAME, column: \"Legal Name\" }]) { name } }";
    app.as_admin("acme").gql(set, json!({})).await.data();
    let (status, _) = import(&app, &app.as_admin("globex").token, "?source=workday", file).await;
    assert_eq!(status, 404);
}

/// POSTs a history document; returns status and body.
async fn import_history(app: &TestApp, token: &str, program: &str, query: &str, document: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/imports/programs/{program}/history{query}", app.address))
        .bearer_auth(token)
        .json(document)
        .send()
        .await
        .expect("POST history");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

/// A program of 2025 with mentors M1, M2 and mentees E1, E2 (E2 left on 2025-09-30).
async fn earlier_program(app: &TestApp) -> String {
    let admin = app.as_admin("acme");
    let mut gone = person("E2", "Mentee 2", "Finance", 11);
    gone["leftOn"] = json!("2025-09-30");
    admin
        .upsert_people(json!([
            person("M1", "Mentor 1", "IT", 2),
            person("M2", "Mentor 2", "IT", 3),
            person("E1", "Mentee 1", "Finance", 12),
            gone
        ]))
        .await;
    admin.create_skill("TikTok", "SOCIAL_MEDIA").await;
    let create = "mutation { createProgram(input: { name: \"Reverse 2025\", startsOn: \"2025-01-01\", endsOn: \"2025-12-31\" }) { id } }";
    admin.gql(create, json!({})).await.data()["createProgram"]["id"].as_str().unwrap().to_owned()
}

fn history() -> Value {
    json!({ "relationships": [
        { "mentor": "M1", "mentee": "E1", "startedOn": "2025-01-15", "endedOn": "2025-12-15", "ending": "COMPLETED",
          "meetings": [{ "heldOn": "2025-02-01", "minutes": 45, "format": "VIDEO" }, { "heldOn": "2025-03-01", "minutes": 30 }],
          "learnings": [{ "learner": "MENTEE", "skill": "tiktok", "recordedOn": "2025-03-01", "confirmedOn": "2025-03-05" }],
          "feedback": [{ "respondent": "MENTOR", "submittedOn": "2025-06-30", "satisfaction": 5, "confidence": 4 }] },
        { "mentor": "M2", "mentee": "E2", "startedOn": "2025-02-01", "endedOn": "2025-09-30", "ending": "ENDED_EARLY",
          "endReason": "LEFT_COMPANY", "meetings": [{ "heldOn": "2025-04-10", "minutes": 60, "format": "IN_PERSON" }] }
    ]})
}

#[tokio::test]
async fn an_earlier_programs_history_comes_in_with_the_same_rules_and_feeds_the_metrics() {
    let app = TestApp::spawn().await;
    let program = earlier_program(&app).await;
    let admin = app.as_admin("acme");
    let (status, dry) = import_history(&app, &admin.token, &program, "?dryRun=true", &history()).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(
        (
            &dry["relationships"],
            &dry["enrollmentsCreated"],
            &dry["meetings"],
            &dry["learnings"],
            &dry["feedback"],
            &dry["written"]
        ),
        (&json!(2), &json!(4), &json!(3), &json!(1), &json!(1), &json!(false))
    );
    let matches = "query($p: ID!) { node(id: $p) { ... on Program { matches(first: 10) { nodes { status source startedOn endedOn endReason } } } } }";
    assert_eq!(
        admin.gql(matches, json!({ "p": program })).await.data()["node"]["matches"]["nodes"],
        json!([]),
        "a dry run writes nothing"
    );

    let (status, real) = import_history(&app, &admin.token, &program, "", &history()).await;
    assert_eq!((status, real["written"].clone(), real["meetings"].clone()), (200, json!(true), json!(3)), "{real}");
    let nodes = admin.gql(matches, json!({ "p": program })).await.data()["node"]["matches"]["nodes"].clone();
    assert_eq!(
        nodes[1],
        json!({ "status": "ENDED_EARLY", "source": "IMPORTED", "startedOn": "2025-02-01", "endedOn": "2025-09-30", "endReason": "LEFT_COMPANY" })
    );
    // Four people: above the smallest group the organisation lets a figure describe.
    admin.gql("mutation { updateOrgSettings(minGroupSize: 3) { minGroupSize } }", json!({})).await.data();
    let metrics = "query($p: ID!) { programMetrics(programId: $p, asOf: \"2026-01-31\") { cadence { meetings } skillsLearned { confirmed } } }";
    let figures =
        app.as_role("acme", reverse_mentoring::auth::Role::Analyst).gql(metrics, json!({ "p": program })).await;
    assert_eq!(figures.data()["programMetrics"]["cadence"]["meetings"], 3, "imported meetings count in the metrics");
    let audit = admin.gql("{ auditEvents(first: 100) { nodes { action } } }", json!({})).await;
    assert!(
        audit.data()["auditEvents"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|event| event["action"] == "program.history.import")
    );
}

#[tokio::test]
async fn history_that_breaks_a_rule_is_refused_whole_with_the_path_of_each_record() {
    let app = TestApp::spawn().await;
    let program = earlier_program(&app).await;
    let admin = app.as_admin("acme");
    let document = json!({ "relationships": [
        { "mentor": "M1", "mentee": "E1", "startedOn": "2025-01-15", "endedOn": "2025-06-30", "ending": "COMPLETED",
          "meetings": [{ "heldOn": "2025-07-15", "minutes": 45 }],
          "learnings": [{ "learner": "MENTEE", "skill": "Quantum", "recordedOn": "2025-03-01" }],
          "feedback": [{ "respondent": "MENTOR", "submittedOn": "2025-06-30", "satisfaction": 9, "confidence": 4 }] },
        { "mentor": "M2", "mentee": "E2", "startedOn": "2025-02-01" },
        { "mentor": "E1", "mentee": "M2", "startedOn": "2025-02-01", "endedOn": "2025-03-01", "ending": "COMPLETED" },
        { "mentor": "M1", "mentee": "X9", "startedOn": "2025-02-01" },
        { "mentor": "M2", "mentee": "E1", "startedOn": "2019-02-01", "endedOn": "2019-03-01", "ending": "COMPLETED" },
        { "mentor": "M2", "mentee": "E2", "startedOn": "2025-02-01", "endedOn": "2025-09-30", "ending": "ENDED_EARLY",
          "endReason": "LEFT_COMPANY",
          "feedback": [{ "respondent": "MENTEE", "submittedOn": "2025-10-10", "satisfaction": 4, "confidence": 4 }] }
    ]});
    let (status, report) = import_history(&app, &admin.token, &program, "", &document).await;
    assert_eq!((status, report["written"].clone()), (422, json!(false)), "{report}");
    let rejected: Vec<(String, String)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["path"].as_str().unwrap().to_owned(), row["reason"].as_str().unwrap().to_owned()))
        .collect();
    let expect = [
        ("relationships[0].meetings[0]", "after the relationship ended on 2025-06-30"),
        ("relationships[0].learnings[0]", "no skill 'Quantum' in the catalogue"),
        ("relationships[0].feedback[0]", "satisfaction must be between 1 and 5"),
        ("relationships[1]", "the mentee left on 2025-09-30"),
        ("relationships[2]", "E1 is a mentee in this program; one side per person"),
        ("relationships[3]", "employee X9 is not in the directory"),
        ("relationships[4]", "before the mentor was hired on 2020-01-15"),
        ("relationships[5].feedback[0]", "submittedOn 2025-10-10 is after the mentee's last day 2025-09-30"),
    ];
    assert_eq!(rejected.len(), expect.len(), "{rejected:?}");
    for ((path, reason), (want_path, words)) in rejected.iter().zip(expect) {
        assert_eq!(path, want_path, "{reason}");
        assert!(reason.contains(words), "{path}: {reason}");
    }
    let matches = "query($p: ID!) { node(id: $p) { ... on Program { matches(first: 10) { nodes { id } } enrollments(first: 10) { nodes { id } } } } }";
    let program_now = admin.gql(matches, json!({ "p": program })).await.data()["node"].clone();
    assert_eq!(
        (program_now["matches"]["nodes"].clone(), program_now["enrollments"]["nodes"].clone()),
        (json!([]), json!([]))
    );
}

#[tokio::test]
async fn only_admins_import_history_and_only_into_their_own_programs() {
    let app = TestApp::spawn().await;
    let program = earlier_program(&app).await;
    let (status, body) = import_history(&app, &app.as_coordinator("acme").token, &program, "", &history()).await;
    assert_eq!((status, body["errors"][0]["extensions"]["code"].as_str()), (403, Some("FORBIDDEN")));
    let (status, body) = import_history(&app, &app.as_admin("globex").token, &program, "", &history()).await;
    assert_eq!((status, body["errors"][0]["extensions"]["code"].as_str()), (404, Some("NOT_FOUND")));
    let (status, body) =
        import_history(&app, &app.as_admin("acme").token, &program, "", &json!({ "relationship": [] })).await;
    assert_eq!((status, body["errors"][0]["extensions"]["code"].as_str()), (400, Some("BAD_USER_INPUT")));
}

/// POSTs CSV files as multipart parts; returns status and body.
async fn import_history_files(app: &TestApp, token: &str, program: &str, parts: &[(&str, &str)]) -> (u16, Value) {
    let boundary = "history-boundary-7f3a";
    let mut body = String::new();
    for (name, file) in parts {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let response = reqwest::Client::new()
        .post(format!("{}/imports/programs/{program}/history", app.address))
        .bearer_auth(token)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .expect("POST history files");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

#[tokio::test]
async fn history_comes_in_as_csv_files_too_and_refusals_name_the_file_and_line() {
    let app = TestApp::spawn().await;
    let program = earlier_program(&app).await;
    let admin = app.as_admin("acme");
    let relationships = "key;mentor;mentee;startedOn;endedOn;ending;endReason\nR1;M1;E1;2025-01-15;2025-12-15;COMPLETED;\n\
R2;M2;E2;2025-02-01;2025-09-30;ENDED_EARLY;LEFT_COMPANY\n";
    let meetings =
        "relationship,heldOn,minutes,format\nR1,2025-02-01,45,VIDEO\nR1,2025-03-01,30,\nR2,2025-04-10,60,IN_PERSON\n";
    let learnings = "relationship,learner,skill,recordedOn,confirmedOn\nR1,MENTEE,TikTok,2025-03-01,2025-03-05\n";
    let feedback = "relationship,respondent,submittedOn,satisfaction,confidence\nR1,MENTOR,2025-06-30,5,4\n";
    let parts =
        [("relationships", relationships), ("meetings", meetings), ("learnings", learnings), ("feedback", feedback)];
    let (status, report) = import_history_files(&app, &admin.token, &program, &parts).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (&report["relationships"], &report["meetings"], &report["learnings"], &report["feedback"], &report["written"]),
        (&json!(2), &json!(3), &json!(1), &json!(1), &json!(true))
    );

    let other = earlier_program_named(&app, "Reverse 2024").await;
    let late = "relationship,heldOn,minutes\nR1,2026-02-01,45\nR9,2025-02-01,45\n";
    let (status, report) =
        import_history_files(&app, &admin.token, &other, &[("relationships", relationships), ("meetings", late)]).await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(
        report["rejected"],
        json!([{ "path": "meetings line 3", "reason": "relationship 'R9' is not a key of the relationships file" }])
    );
    let late = "relationship,heldOn,minutes\nR1,2026-01-01,45\n";
    let (_, report) =
        import_history_files(&app, &admin.token, &other, &[("relationships", relationships), ("meetings", late)]).await;
    assert_eq!(report["rejected"][0]["path"], "meetings line 2", "{report}");
    assert!(
        report["rejected"][0]["reason"].as_str().unwrap().contains("after the relationship ended on 2025-12-15"),
        "{report}"
    );
    let (status, body) = import_history_files(&app, &admin.token, &other, &[("meetings", meetings)]).await;
    assert_eq!((status, body["errors"][0]["message"].as_str()), (400, Some("the relationships part is missing")));
}

/// Another program of the same organisation (its people already exist).
async fn earlier_program_named(app: &TestApp, name: &str) -> String {
    let create = format!(
        "mutation {{ createProgram(input: {{ name: \"{name}\", startsOn: \"2024-01-01\", endsOn: \"2024-12-31\" }}) {{ id }} }}"
    );
    app.as_admin("acme").gql(&create, json!({})).await.data()["createProgram"]["id"].as_str().unwrap().to_owned()
}
