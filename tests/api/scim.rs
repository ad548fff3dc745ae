//! Directory sync over SCIM 2.0, as Entra ID and Okta drive it: each test sends the requests
//! those clients send, with a SCIM secret an admin created, and reads the effect back through
//! SCIM and through GraphQL.

use chrono::Utc;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::factories::person;

const CORE: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PROFILE: &str = "urn:reverse-mentoring:params:scim:schemas:extension:profile:2.0:User";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const CREATE_TOKEN: &str = "mutation($n: String!) { createScimToken(name: $n) { secret token { id name active } } }";

/// A SCIM client of one organisation.
struct Scim<'a> {
    app: &'a TestApp,
    secret: String,
    client: reqwest::Client,
}

/// A SCIM answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or("")
    }

    #[track_caller]
    fn assert_error(&self, status: u16, scim_type: Option<&str>, words: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.body["schemas"], json!(["urn:ietf:params:scim:api:messages:2.0:Error"]), "{}", self.body);
        assert_eq!(self.body["status"], json!(status.to_string()));
        assert_eq!(self.body["scimType"].as_str(), scim_type, "{}", self.body);
        assert!(
            self.body["detail"].as_str().unwrap_or("").contains(words),
            "detail should mention {words:?}: {}",
            self.body
        );
        assert!(self.header("content-type").starts_with("application/scim+json"));
    }
}

impl<'a> Scim<'a> {
    /// A new SCIM secret of `org`, created by its admin.
    async fn of(app: &'a TestApp, org: &str, name: &str) -> Scim<'a> {
        let created = app.as_admin(org).gql(CREATE_TOKEN, json!({ "n": name })).await;
        let secret = created.data()["createScimToken"]["secret"].as_str().expect("secret").to_owned();
        Scim::with_secret(app, &secret)
    }

    fn with_secret(app: &'a TestApp, secret: &str) -> Scim<'a> {
        Scim { app, secret: secret.to_owned(), client: reqwest::Client::new() }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>, headers: &[(&str, &str)]) -> Answer {
        let mut request =
            self.client.request(method, format!("{}/scim/v2{path}", self.app.address)).bearer_auth(&self.secret);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/scim+json").body(body.to_string());
        }
        let response = request.send().await.expect("SCIM request");
        let (status, headers) = (response.status().as_u16(), response.headers().clone());
        let text = response.text().await.expect("body");
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("JSON body") };
        Answer { status, headers, body }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(reqwest::Method::GET, path, None, &[]).await
    }

    async fn post(&self, body: Value) -> Answer {
        self.send(reqwest::Method::POST, "/Users", Some(body), &[]).await
    }

    async fn put(&self, id: &str, body: Value) -> Answer {
        self.send(reqwest::Method::PUT, &format!("/Users/{id}"), Some(body), &[]).await
    }

    async fn patch(&self, id: &str, operations: Value) -> Answer {
        let body = json!({ "schemas": [PATCH_OP], "Operations": operations });
        self.send(reqwest::Method::PATCH, &format!("/Users/{id}"), Some(body), &[]).await
    }

    async fn delete(&self, id: &str) -> Answer {
        self.send(reqwest::Method::DELETE, &format!("/Users/{id}"), None, &[]).await
    }

    /// The users a filter finds (asserting a 200 list).
    async fn find(&self, filter: &str) -> Vec<Value> {
        let answer = self.get(&format!("/Users?filter={}", urlencode(filter))).await;
        assert_eq!(answer.status, 200, "{filter}: {}", answer.body);
        answer.body["Resources"].as_array().expect("Resources").clone()
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// What Entra ID sends to create a user (its default attribute mappings).
fn entra_user(user_name: &str, employee_number: &str) -> Value {
    json!({
        "schemas": [CORE, ENTERPRISE],
        "externalId": user_name.split('@').next(),
        "userName": user_name,
        "active": true,
        "displayName": format!("{user_name} display"),
        "emails": [{ "primary": true, "type": "work", "value": user_name }],
        "name": { "formatted": "ignored when displayName is given", "familyName": "F", "givenName": "G" },
        "title": "Engineer",
        "preferredLanguage": "en-GB",
        "phoneNumbers": [{ "type": "mobile", "value": "+44 20 0000 0000" }],
        ENTERPRISE: { "employeeNumber": employee_number, "department": "Engineering" },
        PROFILE: { "level": 3, "generation": "GEN_Z", "hiredOn": "2023-09-01" }
    })
}

fn today() -> String {
    Utc::now().date_naive().to_string()
}

async fn person_by_employee_id(app: &TestApp, org: &str, employee_id: &str) -> Value {
    let query = "query($e: String!) { person(employeeId: $e) { id name email department jobTitle level \
                 managerEmployeeId generation hiredOn employmentStatus leftOn } }";
    app.as_admin(org).gql(query, json!({ "e": employee_id })).await.data()["person"].clone()
}

#[tokio::test]
async fn only_an_admins_scim_secret_opens_scim_and_it_opens_nothing_else() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app, "acme", "Entra ID").await;
    assert_eq!(scim.get("/Users").await.status, 200);
    Scim::with_secret(&app, "scim_not-a-secret").get("/Users").await.assert_error(401, None, "unknown");
    let admin_jwt = app.token("acme", &["ADMIN"]);
    Scim::with_secret(&app, &admin_jwt).get("/Users").await.assert_error(401, None, "unknown");
    let (status, body) = app.post_graphql(Some(&scim.secret), "{ viewer { org } }", json!({})).await;
    assert_eq!((status, body["errors"][0]["extensions"]["code"].as_str()), (401, Some("UNAUTHENTICATED")));
    app.as_coordinator("acme")
        .gql(CREATE_TOKEN, json!({ "n": "x" }))
        .await
        .assert_error("FORBIDDEN", "needs one of the roles ADMIN");
    let unauthenticated = reqwest::get(format!("{}/scim/v2/Users", app.address)).await.expect("GET");
    assert_eq!(unauthenticated.status().as_u16(), 401);
    assert_eq!(unauthenticated.headers()["www-authenticate"], "Bearer realm=\"scim\"");
}

#[tokio::test]
async fn discovery_describes_exactly_what_is_stored() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app, "acme", "Okta").await;
    let config = scim.get("/ServiceProviderConfig").await;
    assert_eq!((config.status, config.header("content-type")), (200, "application/scim+json"));
    assert_eq!(
        (
            config.body["patch"]["supported"].clone(),
            config.body["etag"]["supported"].clone(),
            config.body["bulk"]["supported"].clone()
        ),
        (json!(true), json!(true), json!(false))
    );
    let types = scim.get("/ResourceTypes").await.body;
    assert_eq!(types["Resources"][0]["schemaExtensions"][1]["schema"], PROFILE);
    let schemas = scim.get("/Schemas").await.body;
    let ids: Vec<&str> = schemas["Resources"].as_array().unwrap().iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids, [CORE, ENTERPRISE, PROFILE]);
    let core = scim.get(&format!("/Schemas/{CORE}")).await.body;
    let names: Vec<&str> = core["attributes"].as_array().unwrap().iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(names, ["userName", "externalId", "displayName", "emails", "title", "active"]);
    scim.get("/Schemas/urn:nope").await.assert_error(404, None, "no schema");
    scim.get("/Groups").await.assert_error(404, None, "no such SCIM endpoint");
}

#[tokio::test]
async fn entra_probes_creates_patches_and_every_change_is_audited_with_the_client_as_actor() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app, "acme", "Entra ID").await;
    // Entra's probe for a user that does not exist: an empty list, never a 404.
    let probe = scim.get(&format!("/Users?filter={}", urlencode("userName eq \"ada@acme.test\""))).await;
    assert_eq!(probe.status, 200);
    assert_eq!(probe.body["totalResults"], 0);
    assert_eq!(probe.body["Resources"], json!([]));

    let boss = scim.post(entra_user("grace@acme.test", "B1")).await;
    assert_eq!(boss.status, 201, "{}", boss.body);
    let created = scim.post(entra_user("ada@acme.test", "E1")).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().expect("id").to_owned();
    assert!(created.header("location").ends_with(&format!("/scim/v2/Users/{id}")));
    assert_eq!(created.header("etag"), "W/\"1\"");
    assert_eq!(created.body["meta"]["version"], "W/\"1\"");
    assert!(created.body.get("phoneNumbers").is_none(), "what is not stored is not echoed");
    let ada = person_by_employee_id(&app, "acme", "E1").await;
    assert_eq!(
        (
            &ada["name"],
            &ada["email"],
            &ada["department"],
            &ada["jobTitle"],
            &ada["level"],
            &ada["generation"],
            &ada["hiredOn"]
        ),
        (
            &json!("ada@acme.test display"),
            &json!("ada@acme.test"),
            &json!("Engineering"),
            &json!("Engineer"),
            &json!(3),
            &json!("GEN_Z"),
            &json!("2023-09-01")
        )
    );
    assert_eq!(ada["id"], json!(id), "the SCIM id is the person's GraphQL id");

    // Entra's PATCH: capitalised ops, a manager by bare id on a URN path, a path-less replace.
    let boss_id = boss.body["id"].as_str().unwrap();
    let patched = scim
        .patch(
            &id,
            json!([
                { "op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": boss_id },
                { "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ada.lovelace@acme.test" },
                { "op": "Replace", "value": { "displayName": "Ada Lovelace", "title": "Staff Engineer" } }
            ]),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let manager = &patched.body[ENTERPRISE]["manager"];
    assert_eq!(manager["value"], json!(boss_id));
    assert!(manager["$ref"].as_str().unwrap().ends_with(&format!("/scim/v2/Users/{boss_id}")));
    assert_eq!(patched.body["emails"][0]["value"], "ada.lovelace@acme.test");
    assert_eq!(patched.body["meta"]["version"], "W/\"2\"");
    let ada = person_by_employee_id(&app, "acme", "E1").await;
    assert_eq!((&ada["name"], &ada["managerEmployeeId"]), (&json!("Ada Lovelace"), &json!("B1")));
    // The HRIS changes the manager's key: the employee id is renamed and her report follows.
    let renamed = scim
        .patch(boss_id, json!([{ "op": "Replace", "path": format!("{ENTERPRISE}:employeeNumber"), "value": "B100" }]))
        .await;
    assert_eq!(renamed.body[ENTERPRISE]["employeeNumber"], "B100", "{}", renamed.body);
    assert_eq!(person_by_employee_id(&app, "acme", "E1").await["managerEmployeeId"], "B100");
    // The probe by the changed e-mail finds her; userName stays what Entra set.
    let found = scim.find("emails[type eq \"work\"].value eq \"ADA.LOVELACE@acme.test\"").await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["userName"], "ada@acme.test");

    let audit = app.as_admin("acme").gql("{ auditEvents(first: 100) { nodes { action actor } } }", json!({})).await;
    let scim_events: Vec<(String, String)> = audit.data()["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"].as_str().unwrap().starts_with("person.scim"))
        .map(|event| (event["action"].as_str().unwrap().to_owned(), event["actor"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(scim_events.len(), 4, "{scim_events:?}");
    assert!(scim_events.iter().all(|(_, actor)| actor.starts_with("scim:Entra ID (")), "{scim_events:?}");
}

#[tokio::test]
async fn a_deactivation_ends_the_running_relationship_today_and_sets_left_on() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let ids = admin
        .upsert_people(json!([person("M0", "Mentor", "Engineering", 2), person("E0", "Mentee", "Finance", 12)]))
        .await;
    let create = "mutation { createProgram(input: { name: \"Pairs\", startsOn: \"2026-01-01\", endsOn: \"2027-12-31\" }) { id } }";
    let program = admin.gql(create, json!({})).await.data()["createProgram"]["id"].as_str().unwrap().to_owned();
    admin.open_enrollment(&program).await;
    let mentor = admin.enroll(&program, &ids[0], "MENTOR").await;
    let mentee = admin.enroll(&program, &ids[1], "MENTEE").await;
    let pair = "mutation($i: PairManuallyInput!) { pairManually(input: $i) { id } }";
    let input = json!({ "programId": program, "mentorEnrollmentId": mentor, "menteeEnrollmentId": mentee });
    let matched =
        admin.gql(pair, json!({ "i": input })).await.data()["pairManually"]["id"].as_str().unwrap().to_owned();
    app.backdate_relationships("acme", 60).await;

    // People entered before directory sync are resources too: Entra's probe finds the mentor by
    // e-mail (her userName until the directory sets one), and Entra deactivates her.
    let scim = Scim::of(&app, "acme", "Entra ID").await;
    let found = scim.find("userName eq \"m0@example.com\"").await;
    assert_eq!(found.len(), 1);
    let id = found[0]["id"].as_str().unwrap().to_owned();
    let off = scim.patch(&id, json!([{ "op": "Replace", "path": "active", "value": "False" }])).await;
    assert_eq!((off.status, &off.body["active"]), (200, &json!(false)), "{}", off.body);

    let mentor = person_by_employee_id(&app, "acme", "M0").await;
    assert_eq!((&mentor["employmentStatus"], &mentor["leftOn"]), (&json!("LEFT"), &json!(today())));
    let relationship = admin
        .gql(
            "query($id: ID!) { node(id: $id) { ... on Match { status endReason endedOn } } }",
            json!({ "id": matched }),
        )
        .await;
    assert_eq!(
        relationship.data()["node"],
        json!({ "status": "ENDED_EARLY", "endReason": "LEFT_COMPANY", "endedOn": today() })
    );
    let departures = admin.gql("{ auditEvents(first: 100) { nodes { action details } } }", json!({})).await;
    let sources: Vec<Value> = departures.data()["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == "person.departure")
        .map(|event| event["details"]["source"].clone())
        .collect();
    assert_eq!(sources, [json!("SCIM provisioning")]);
    // Okta-style reactivation brings her back; the ended relationship stays ended.
    let on = scim.patch(&id, json!([{ "op": "replace", "value": { "active": true } }])).await;
    assert_eq!(on.body["active"], true, "{}", on.body);
    let mentor = person_by_employee_id(&app, "acme", "M0").await;
    assert_eq!((&mentor["employmentStatus"], &mentor["leftOn"]), (&json!("ACTIVE"), &Value::Null));
}

#[tokio::test]
async fn okta_puts_the_whole_profile_and_what_it_leaves_out_stays() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app, "acme", "Okta").await;
    let created = scim.post(entra_user("ben@acme.test", "E2")).await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let put = scim
        .put(
            &id,
            json!({ "schemas": [CORE], "id": id, "userName": "ben@acme.test", "displayName": "Ben B.", "active": true,
                    "emails": [{ "value": "ben.b@acme.test", "type": "work", "primary": true }],
                    PROFILE: { "level": 5 } }),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let ben = person_by_employee_id(&app, "acme", "E2").await;
    assert_eq!(
        (&ben["name"], &ben["email"], &ben["level"], &ben["department"], &ben["jobTitle"]),
        (&json!("Ben B."), &json!("ben.b@acme.test"), &json!(5), &json!("Engineering"), &json!("Engineer"))
    );
    // Okta deactivates with PUT too.
    let mut off = put.body.clone();
    off["active"] = json!(false);
    assert_eq!(scim.put(&id, off).await.body["active"], false);
    assert_eq!(person_by_employee_id(&app, "acme", "E2").await["employmentStatus"], "LEFT");
    // A user with nothing but a userName: it is their employee id too.
    let bare = scim.post(json!({ "schemas": [CORE], "userName": "cy@acme.test" })).await;
    assert_eq!(bare.status, 201, "{}", bare.body);
    assert_eq!(bare.body[ENTERPRISE]["employeeNumber"], "cy@acme.test");
    assert_eq!(bare.body[PROFILE]["level"], 1, "the default level until the directory or an admin sets one");
}

#[tokio::test]
async fn filters_pages_and_projections() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app, "acme", "Okta").await;
    for (user, number) in [("a@acme.test", "E1"), ("b@acme.test", "E2"), ("c@acme.test", "E3")] {
        assert_eq!(scim.post(entra_user(user, number)).await.status, 201);
    }
    assert_eq!(scim.find("userName eq \"B@ACME.TEST\"").await.len(), 1, "userName ignores case");
    assert_eq!(scim.find("externalId eq \"b\"").await.len(), 1);
    assert_eq!(scim.find("externalId eq \"B\"").await.len(), 0, "externalId is case-exact");
    assert_eq!(scim.find(&format!("{ENTERPRISE}:employeeNumber eq \"E3\"")).await[0]["userName"], "c@acme.test");
    assert_eq!(scim.find("userName sw \"a\" or userName ew \"c@acme.test\"").await.len(), 2);
    assert_eq!(scim.find("userName co \"@acme\" and not (externalId eq \"a\")").await.len(), 2);
    assert_eq!(scim.find("active eq true and title pr").await.len(), 3);
    assert_eq!(
        scim.find(&format!("{PROFILE}:level ge 3 and meta.lastModified gt \"2020-01-01T00:00:00Z\"")).await.len(),
        3
    );
    assert_eq!(scim.find("userName co \"%\"").await.len(), 0, "LIKE wildcards are literal");
    let b = scim.find("userName eq \"b@acme.test\"").await[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(scim.find(&format!("id eq \"{b}\"")).await[0]["userName"], "b@acme.test");
    assert_eq!(scim.find("id eq \"not-an-id\"").await.len(), 0);

    let search = json!({ "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                         "filter": "userName sw \"b\"", "attributes": ["userName"], "startIndex": 1, "count": 5 });
    for path in ["/Users/.search", "/.search"] {
        let searched = scim.send(reqwest::Method::POST, path, Some(search.clone()), &[]).await;
        assert_eq!(searched.status, 200, "{}", searched.body);
        assert_eq!(searched.body["Resources"][0]["userName"], "b@acme.test");
        assert_eq!(searched.body["Resources"][0].as_object().unwrap().len(), 3, "id, schemas and userName");
    }
    let page = scim.get("/Users?startIndex=2&count=1").await.body;
    assert_eq!(
        (page["totalResults"].clone(), page["startIndex"].clone(), page["itemsPerPage"].clone()),
        (json!(3), json!(2), json!(1))
    );
    assert_eq!(page["Resources"][0]["userName"], "b@acme.test");
    let counted = scim.get("/Users?count=0").await.body;
    assert_eq!((counted["totalResults"].clone(), counted["Resources"].clone()), (json!(3), json!([])));
    let narrow = scim.get("/Users?attributes=userName&count=1").await.body;
    let keys: Vec<&String> = narrow["Resources"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "schemas", "userName"]);
    let without = scim.get(&format!("/Users?excludedAttributes=emails,{ENTERPRISE}&count=1")).await.body;
    assert!(without["Resources"][0].get("emails").is_none() && without["Resources"][0].get(ENTERPRISE).is_none());
    assert!(without["Resources"][0].get("userName").is_some());

    for (filter, words) in [
        ("userName eq", "expected a value"),
        ("nickName eq \"x\"", "cannot filter on nickName"),
        ("userName eq \"x\" junk", "unexpected text"),
        ("active eq \"yes\"", "true or false"),
    ] {
        scim.get(&format!("/Users?filter={}", urlencode(filter))).await.assert_error(400, Some("invalidFilter"), words);
    }
    scim.get("/Users?count=many").await.assert_error(400, Some("invalidValue"), "count must be an integer");
}

#[tokio::test]
async fn etags_refuse_lost_updates() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app, "acme", "Okta").await;
    let created = scim.post(entra_user("a@acme.test", "E1")).await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let replace =
        json!({ "schemas": [PATCH_OP], "Operations": [{ "op": "replace", "path": "title", "value": "CTO" }] });
    let stale = scim
        .send(reqwest::Method::PATCH, &format!("/Users/{id}"), Some(replace.clone()), &[("if-match", "W/\"7\"")])
        .await;
    stale.assert_error(412, None, "changed since version 7");
    let fresh =
        scim.send(reqwest::Method::PATCH, &format!("/Users/{id}"), Some(replace), &[("if-match", "W/\"1\"")]).await;
    assert_eq!((fresh.status, fresh.header("etag")), (200, "W/\"2\""));
    let unchanged =
        scim.send(reqwest::Method::GET, &format!("/Users/{id}"), None, &[("if-none-match", "W/\"2\"")]).await;
    assert_eq!(unchanged.status, 304);
    let delete = scim.send(reqwest::Method::DELETE, &format!("/Users/{id}"), None, &[("if-match", "W/\"1\"")]).await;
    delete.assert_error(412, None, "changed since version 1");
}

#[tokio::test]
async fn bad_requests_get_scim_errors_and_change_nothing() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app, "acme", "Entra ID").await;
    let created = scim.post(entra_user("a@acme.test", "E1")).await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    scim.post(entra_user("b@acme.test", "E2")).await;
    let audit_before = app.as_admin("acme").audit_count().await;

    scim.post(entra_user("A@acme.test", "E3")).await.assert_error(409, Some("uniqueness"), "already taken");
    scim.post(entra_user("new@acme.test", "E2")).await.assert_error(409, Some("uniqueness"), "employee id E2");
    // Without externalId or employeeNumber, userName is the employee id, which has no spaces.
    let mut no_id = entra_user("x y", "E4");
    no_id.as_object_mut().unwrap().remove("externalId");
    no_id[ENTERPRISE].as_object_mut().unwrap().remove("employeeNumber");
    scim.post(no_id).await.assert_error(400, Some("invalidValue"), "must not contain spaces");
    let mut bad_level = entra_user("y@acme.test", "E5");
    bad_level[PROFILE]["level"] = json!(99);
    scim.post(bad_level).await.assert_error(400, Some("invalidValue"), "level must be between 1 and 15");
    scim.send(reqwest::Method::POST, "/Users", None, &[]).await.assert_error(400, Some("invalidSyntax"), "not JSON");

    // A PATCH whose last operation fails changes nothing, not even its first operation.
    let failing = scim
        .patch(&id, json!([{ "op": "replace", "path": "title", "value": "CEO" }, { "op": "replace", "path": "userName", "value": "b@acme.test" }]))
        .await;
    failing.assert_error(409, Some("uniqueness"), "already taken");
    scim.patch(&id, json!([{ "op": "replace", "path": format!("{ENTERPRISE}:employeeNumber"), "value": "E2" }]))
        .await
        .assert_error(409, Some("uniqueness"), "employee id E2 belongs to another person");
    scim.patch(&id, json!([{ "op": "replace", "path": "id", "value": "x" }])).await.assert_error(
        400,
        Some("mutability"),
        "read-only",
    );
    scim.patch(&id, json!([{ "op": "remove" }])).await.assert_error(400, Some("noTarget"), "path");
    scim.patch(&id, json!([{ "op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": "bm9wZQ" }]))
        .await
        .assert_error(400, Some("invalidValue"), "manager");
    assert_eq!(scim.get(&format!("/Users/{id}")).await.body["title"], "Engineer");
    assert_eq!(app.as_admin("acme").audit_count().await, audit_before, "refused requests write nothing");

    scim.get("/Users/bm9wZQ").await.assert_error(404, None, "no such user");
    scim.patch("bm9wZQ", json!([{ "op": "replace", "path": "title", "value": "x" }])).await.assert_error(
        404,
        None,
        "no such user",
    );
}

#[tokio::test]
async fn a_deleted_user_is_gone_from_scim_while_their_history_stays_and_can_be_provisioned_again() {
    let app = TestApp::spawn().await;
    let scim = Scim::of(&app, "acme", "Entra ID").await;
    let id = scim.post(entra_user("a@acme.test", "E1")).await.body["id"].as_str().unwrap().to_owned();
    assert_eq!(scim.delete(&id).await.status, 204);
    scim.get(&format!("/Users/{id}")).await.assert_error(404, None, "no such user");
    scim.delete(&id).await.assert_error(404, None, "no such user");
    assert_eq!(scim.find("userName eq \"a@acme.test\"").await.len(), 0);
    let kept = person_by_employee_id(&app, "acme", "E1").await;
    assert_eq!((&kept["employmentStatus"], &kept["leftOn"]), (&json!("LEFT"), &json!(today())));
    // The person comes back: the same person, with their history, employed again.
    let again = scim.post(entra_user("a@acme.test", "E1")).await;
    assert_eq!((again.status, again.body["id"].as_str()), (201, Some(id.as_str())), "{}", again.body);
    assert_eq!(person_by_employee_id(&app, "acme", "E1").await["employmentStatus"], "ACTIVE");
}

#[tokio::test]
async fn a_rotated_secret_overlaps_and_a_revoked_one_stops_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.as_admin("acme");
    let first = admin.gql(CREATE_TOKEN, json!({ "n": "Entra ID" })).await;
    let (old_secret, old_id) = (
        first.data()["createScimToken"]["secret"].as_str().unwrap().to_owned(),
        first.data()["createScimToken"]["token"]["id"].as_str().unwrap().to_owned(),
    );
    let rotate = "mutation($id: ID!, $h: Int) { rotateScimToken(id: $id, overlapHours: $h) { secret token { id name expiresAt } } }";
    let rotated = admin.gql(rotate, json!({ "id": old_id, "h": 2 })).await;
    let new_secret = rotated.data()["rotateScimToken"]["secret"].as_str().unwrap().to_owned();
    assert_eq!(rotated.data()["rotateScimToken"]["token"]["name"], "Entra ID");
    assert_ne!(new_secret, old_secret);
    for secret in [&old_secret, &new_secret] {
        assert_eq!(Scim::with_secret(&app, secret).get("/Users").await.status, 200, "both work during the overlap");
    }
    let tokens = admin.gql("{ scimTokens { name active expiresAt } }", json!({})).await;
    let listed = &tokens.data()["scimTokens"];
    assert_eq!((listed[0]["expiresAt"].clone(), listed[1]["active"].clone()), (Value::Null, json!(true)));
    assert!(listed[1]["expiresAt"].is_string());
    let revoke = "mutation($id: ID!) { revokeScimToken(id: $id) { active revokedAt } }";
    assert_eq!(admin.gql(revoke, json!({ "id": old_id })).await.data()["revokeScimToken"]["active"], false);
    Scim::with_secret(&app, &old_secret).get("/Users").await.assert_error(401, None, "revoked");
    assert_eq!(Scim::with_secret(&app, &new_secret).get("/Users").await.status, 200);
    admin.gql(revoke, json!({ "id": old_id })).await.assert_error("BAD_USER_INPUT", "already revoked");
    admin.gql(rotate, json!({ "id": old_id, "h": 500 })).await.assert_error("BAD_USER_INPUT", "between 0 and 168");
}

#[tokio::test]
async fn another_organisations_scim_client_reaches_nothing() {
    let app = TestApp::spawn().await;
    let acme = Scim::of(&app, "acme", "Entra ID").await;
    let globex = Scim::of(&app, "globex", "Entra ID").await;
    let id = acme.post(entra_user("a@acme.test", "E1")).await.body["id"].as_str().unwrap().to_owned();
    let before = acme.get(&format!("/Users/{id}")).await.body;

    globex.get(&format!("/Users/{id}")).await.assert_error(404, None, "no such user");
    globex.put(&id, entra_user("a@acme.test", "E1")).await.assert_error(404, None, "no such user");
    globex.patch(&id, json!([{ "op": "replace", "path": "active", "value": false }])).await.assert_error(
        404,
        None,
        "no such user",
    );
    globex.delete(&id).await.assert_error(404, None, "no such user");
    assert_eq!(globex.find("userName eq \"a@acme.test\"").await.len(), 0);
    assert_eq!(globex.get("/Users").await.body["totalResults"], 0);
    // The same user and employee id in globex is globex's own person.
    let own = globex.post(entra_user("a@acme.test", "E1")).await;
    assert_eq!(own.status, 201);
    assert_ne!(own.body["id"], json!(id));
    assert_eq!(acme.get(&format!("/Users/{id}")).await.body, before, "acme's user is untouched");
    // Tokens are organisation-scoped in GraphQL too.
    let acme_token =
        app.as_admin("acme").gql("{ scimTokens { id } }", json!({})).await.data()["scimTokens"][0]["id"].clone();
    for mutation in [
        "mutation($id: ID!) { revokeScimToken(id: $id) { id } }",
        "mutation($id: ID!) { rotateScimToken(id: $id) { secret } }",
    ] {
        app.as_admin("globex").gql(mutation, json!({ "id": acme_token })).await.assert_error("NOT_FOUND", "SCIM token");
    }
    let node =
        app.as_admin("globex").gql("query($id: ID!) { node(id: $id) { id } }", json!({ "id": acme_token })).await;
    assert_eq!(node.data()["node"], Value::Null);
    assert_eq!(
        app.as_admin("globex").gql("{ scimTokens { id } }", json!({})).await.data()["scimTokens"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
