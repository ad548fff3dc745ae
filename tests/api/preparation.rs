//! Preparation courses gate matching: a required course not completed keeps a person out of
//! proposals, suggestions, requests and manual pairs (unless an ADMIN overrides), the
//! participant sees it in their due list, and the LMS reports completions through GraphQL or
//! as xAPI statements. One organisation's courses and completions never touch another's.

use serde_json::{Value, json};

use crate::common::TestApp;
use crate::matching::world;

const COURSE: &str = "https://lms.example.com/courses/rm-101";
const ADD: &str = "mutation($i: PreparationCourseInput!) { addPreparationCourse(input: $i) { id title audience requiredBeforeMatching } }";
const PROPOSE: &str = "mutation($p: ID!) { proposeMatches(programId: $p, dryRun: true) { matchedCount
    proposals { mentor { employeeId } mentee { employeeId } }
    unmatched { mentee { employeeId } reason message } } }";
const REPORT: &str = "mutation($c: [CourseCompletionInput!]!) { recordCourseCompletions(completions: $c) { created updated unchanged } }";
const PAIR: &str = "mutation($i: PairManuallyInput!) { pairManually(input: $i) { status } }";

fn completion(employee_id: &str) -> Value {
    json!({ "employeeId": employee_id, "activityIri": COURSE, "completedAt": "2026-11-30T10:00:00.123456789Z", "score": 0.9 })
}

fn statement(employee_id: &str, verb: &str, activity: &str) -> Value {
    json!({ "actor": { "objectType": "Agent", "account": { "homePage": "https://lms.example.com", "name": employee_id } },
            "verb": { "id": format!("http://adlnet.gov/expapi/verbs/{verb}") },
            "object": { "objectType": "Activity", "id": activity },
            "timestamp": "2026-11-30T11:00:00Z" })
}

async fn add_courses(app: &TestApp, program: &str) -> String {
    let coordinator = app.as_coordinator("acme");
    let required =
        json!({ "programId": program, "activityIri": COURSE, "title": "Reverse mentoring 101", "audience": "BOTH" });
    let added = coordinator.gql(ADD, json!({ "i": required })).await.data()["addPreparationCourse"].clone();
    assert_eq!(added["requiredBeforeMatching"], true, "required unless said otherwise");
    let optional = json!({ "programId": program, "activityIri": "https://lms.example.com/courses/coaching",
                           "title": "Coaching basics", "audience": "MENTOR", "requiredBeforeMatching": false });
    coordinator.gql(ADD, json!({ "i": optional })).await.data();
    coordinator.gql(ADD, json!({ "i": required })).await.assert_error("CONFLICT", "already lists");
    let bad = json!({ "programId": program, "activityIri": "courses/1", "title": "x", "audience": "BOTH" });
    coordinator.gql(ADD, json!({ "i": bad })).await.assert_error("BAD_USER_INPUT", "absolute IRI");
    added["id"].as_str().expect("id").to_owned()
}

fn employees(list: &Value, side: &str) -> Vec<String> {
    let mut ids: Vec<String> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|item| item[side]["employeeId"].as_str().expect("employee").to_owned())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn people_without_a_required_course_are_not_matched_until_the_lms_reports_it() {
    let app = TestApp::spawn().await;
    let world = world(&app, json!({ "seniority": "NONE", "reportingLineDepth": 0 }), 1).await;
    add_courses(&app, &world.program).await;
    let coordinator = app.as_coordinator("acme");

    let before = coordinator.gql(PROPOSE, json!({ "p": world.program })).await.data()["proposeMatches"].clone();
    assert_eq!(before["matchedCount"], 0);
    assert_eq!(employees(&before["unmatched"], "mentee"), ["S1", "S2", "S3", "S4"]);
    for unmatched in before["unmatched"].as_array().expect("unmatched") {
        assert_eq!(unmatched["reason"], "PREPARATION_NOT_COMPLETED");
        assert_eq!(unmatched["message"], format!("preparation not completed: 'Reverse mentoring 101' ({COURSE})"));
    }

    let lms = app.as_role("acme", reverse_mentoring::auth::Role::Lms);
    let reported = lms.gql(REPORT, json!({ "c": [completion("J1"), completion("S1")] })).await;
    assert_eq!(reported.data()["recordCourseCompletions"], json!({ "created": 2, "updated": 0, "unchanged": 0 }));
    let again = lms.gql(REPORT, json!({ "c": [completion("J1"), completion("S1")] })).await;
    assert_eq!(
        again.data()["recordCourseCompletions"],
        json!({ "created": 0, "updated": 0, "unchanged": 2 }),
        "idempotent"
    );
    lms.gql(REPORT, json!({ "c": [completion("J2"), completion("NOPE")] }))
        .await
        .assert_error("BAD_USER_INPUT", "no employee NOPE");
    let elsewhere = json!([{ "employeeId": "J2", "activityIri": "https://lms.example.com/other", "completedAt": "2026-11-30T10:00:00Z" }]);
    lms.gql(REPORT, json!({ "c": elsewhere })).await.assert_error("BAD_USER_INPUT", "not a preparation course");
    app.as_role("acme", reverse_mentoring::auth::Role::Participant)
        .gql(REPORT, json!({ "c": [] }))
        .await
        .assert_error("FORBIDDEN", "LMS");

    // The LMS can also post statements; completed and passed count, the rest are acknowledged.
    let create = "mutation { createLrsClient(name: \"LMS\") { client { key } secret } }";
    let client = app.as_admin("acme").gql(create, json!({})).await.data()["createLrsClient"].clone();
    let (key, secret) = (client["client"]["key"].as_str().expect("key"), client["secret"].as_str().expect("secret"));
    let posted = json!([
        statement("J2", "passed", COURSE),
        statement("S2", "completed", COURSE),
        statement("S3", "attempted", COURSE),
        statement("S4", "completed", "https://lms.example.com/other")
    ]);
    let post = |body: Value| {
        app.client
            .post(format!("{}/xapi/statements", app.address))
            .basic_auth(key, Some(secret))
            .header("X-Experience-API-Version", "1.0.3")
            .json(&body)
            .send()
    };
    let answer = post(posted).await.expect("POST");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json::<Value>().await.expect("ids").as_array().expect("ids").len(), 4);
    let refused = post(json!([{ "verb": { "id": "x:y" } }])).await.expect("POST");
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.expect("body").contains("statements[0]"));

    let after = coordinator.gql(PROPOSE, json!({ "p": world.program })).await.data()["proposeMatches"].clone();
    assert_eq!(employees(&after["proposals"], "mentee"), ["S1", "S2"]);
    assert_eq!(employees(&after["proposals"], "mentor"), ["J1", "J2"]);
    assert_eq!(employees(&after["unmatched"], "mentee"), ["S3", "S4"]);

    // A manual pair is refused with the course named, unless an ADMIN overrides.
    let pair = json!({ "programId": world.program, "mentorEnrollmentId": world.enrollments["J3"],
                       "menteeEnrollmentId": world.enrollments["S3"] });
    coordinator
        .gql(PAIR, json!({ "i": pair }))
        .await
        .assert_error("PREPARATION_NOT_COMPLETED", "Reverse mentoring 101");
    let mut overriding = pair.clone();
    overriding["overridePreparation"] = json!(true);
    coordinator.gql(PAIR, json!({ "i": overriding })).await.assert_error("FORBIDDEN", "not prepared");
    let paired = app.as_admin("acme").gql(PAIR, json!({ "i": overriding })).await;
    assert_eq!(paired.data()["pairManually"]["status"], "ACTIVE");

    // The participant sees what is missing, with the link.
    let due = "{ viewer { due { kind message course { title activityIri } } } }";
    let s4 = app.as_participant("acme", "S4").gql(due, json!({})).await.data()["viewer"]["due"].clone();
    assert_eq!(
        s4,
        json!([{ "kind": "PREPARATION_COURSE",
        "message": format!("complete 'Reverse mentoring 101', which your program requires before matching: {COURSE}"),
        "course": { "title": "Reverse mentoring 101", "activityIri": COURSE } }])
    );
    let s1 = app.as_participant("acme", "S1").gql(due, json!({})).await.data()["viewer"]["due"].clone();
    assert_eq!(s1, json!([]));

    let courses = "query($p: ID!) { node(id: $p) { ... on Program { preparationCourses { title audience } } } }";
    let listed =
        coordinator.gql(courses, json!({ "p": world.program })).await.data()["node"]["preparationCourses"].clone();
    assert_eq!(
        listed,
        json!([{ "title": "Reverse mentoring 101", "audience": "BOTH" }, { "title": "Coaching basics", "audience": "MENTOR" }])
    );
}

#[tokio::test]
async fn suggestions_and_requests_leave_out_people_who_are_not_prepared() {
    let app = TestApp::spawn().await;
    let rules = json!({ "mode": "SELF_SERVICE", "seniority": "NONE", "reportingLineDepth": 0 });
    let world = world(&app, rules, 1).await;
    add_courses(&app, &world.program).await;
    let suggest = "query($p: ID!) { suggestedMentors(programId: $p, first: 5) { mentor { employeeId } } }";
    let s1 = app.as_participant("acme", "S1");
    s1.gql(suggest, json!({ "p": world.program }))
        .await
        .assert_error("PREPARATION_NOT_COMPLETED", "Reverse mentoring 101");
    let lms = app.as_role("acme", reverse_mentoring::auth::Role::Lms);
    lms.gql(REPORT, json!({ "c": [completion("S1"), completion("J1")] })).await.data();
    let suggested = s1.gql(suggest, json!({ "p": world.program })).await.data()["suggestedMentors"].clone();
    assert_eq!(suggested, json!([{ "mentor": { "employeeId": "J1" } }]), "unprepared mentors are never suggested");
    let request = "mutation($p: ID!, $m: ID!) { requestMentor(programId: $p, mentorEnrollmentId: $m) { status } }";
    s1.gql(request, json!({ "p": world.program, "m": world.enrollments["J2"] }))
        .await
        .assert_error("PREPARATION_NOT_COMPLETED", "Reverse mentoring 101");
    let asked = s1.gql(request, json!({ "p": world.program, "m": world.enrollments["J1"] })).await;
    assert_eq!(asked.data()["requestMentor"]["status"], "PENDING");
}

#[tokio::test]
async fn one_organisations_courses_and_completions_never_touch_anothers() {
    let app = TestApp::spawn().await;
    let world = world(&app, json!({ "seniority": "NONE", "reportingLineDepth": 0 }), 1).await;
    let course = add_courses(&app, &world.program).await;
    let globex = app.as_admin("globex");
    let node = "query($id: ID!) { node(id: $id) { id } }";
    assert_eq!(globex.gql(node, json!({ "id": course })).await.data()["node"], Value::Null);
    let remove = "mutation($id: ID!) { removePreparationCourse(id: $id) { id } }";
    globex.gql(remove, json!({ "id": course })).await.assert_error("NOT_FOUND", "preparation course");
    let foreign = json!({ "programId": world.program, "activityIri": COURSE, "title": "x", "audience": "BOTH" });
    globex.gql(ADD, json!({ "i": foreign })).await.assert_error("NOT_FOUND", "program");
    globex.gql(REPORT, json!({ "c": [completion("J1")] })).await.assert_error("BAD_USER_INPUT", "no employee J1");
    let token = app.token("globex", &["LMS"]);
    let posted = app
        .client
        .post(format!("{}/xapi/statements", app.address))
        .bearer_auth(token)
        .header("X-Experience-API-Version", "1.0.3")
        .json(&json!([statement("J1", "completed", COURSE), statement("S1", "completed", COURSE)]))
        .send()
        .await
        .expect("POST");
    assert_eq!(posted.status(), 200, "acknowledged, and not placed in acme");
    let propose = app.as_coordinator("acme").gql(PROPOSE, json!({ "p": world.program })).await;
    assert_eq!(propose.data()["proposeMatches"]["matchedCount"], 0, "acme's people are still not prepared");
    let own = app.as_admin("acme").gql(remove, json!({ "id": course })).await;
    assert_eq!(own.data()["removePreparationCourse"]["id"], course);
    let propose = app.as_coordinator("acme").gql(PROPOSE, json!({ "p": world.program })).await;
    assert_eq!(propose.data()["proposeMatches"]["matchedCount"], 3, "without the course, everyone is eligible");
}
