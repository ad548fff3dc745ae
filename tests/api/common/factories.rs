//! Factories: the few calls most tests start with, in the API's own words.

use serde_json::{Value, json};

use super::Session;

/// A person as `upsertPeople` takes it.
pub fn person(employee_id: &str, name: &str, department: &str, level: i32) -> Value {
    json!({ "employeeId": employee_id, "name": name, "department": department, "level": level,
            "email": format!("{}@example.com", employee_id.to_lowercase()), "hiredOn": "2020-01-15" })
}

impl Session<'_> {
    /// Imports people; returns their global ids in order.
    pub async fn upsert_people(&self, people: Value) -> Vec<String> {
        let response = self
            .gql("mutation($p: [PersonInput!]!) { upsertPeople(people: $p) { people { id } } }", json!({ "p": people }))
            .await;
        response.data()["upsertPeople"]["people"]
            .as_array()
            .expect("people")
            .iter()
            .map(|person| person["id"].as_str().expect("id").to_owned())
            .collect()
    }

    /// Adds a skill; returns its id.
    pub async fn create_skill(&self, name: &str, category: &str) -> String {
        let response = self
            .gql(
                "mutation($i: CreateSkillInput!) { createSkill(input: $i) { id } }",
                json!({ "i": { "name": name, "category": category } }),
            )
            .await;
        response.data()["createSkill"]["id"].as_str().expect("id").to_owned()
    }

    /// Creates a DRAFT program running through 2027; returns its id.
    pub async fn create_program(&self, name: &str) -> String {
        let response = self
            .gql(
                "mutation($i: CreateProgramInput!) { createProgram(input: $i) { id } }",
                json!({ "i": { "name": name, "startsOn": "2027-01-01", "endsOn": "2027-12-31" } }),
            )
            .await;
        response.data()["createProgram"]["id"].as_str().expect("id").to_owned()
    }

    /// Opens a program for enrolment.
    pub async fn open_enrollment(&self, program: &str) {
        self.gql("mutation($id: ID!) { openProgramEnrollment(id: $id) { status } }", json!({ "id": program }))
            .await
            .data();
    }

    /// Enrols a person (coordinators: ACCEPTED at once); returns the enrolment id.
    pub async fn enroll(&self, program: &str, person: &str, role: &str) -> String {
        let response = self
            .gql(
                "mutation($i: EnrollInput!) { enroll(input: $i) { id } }",
                json!({ "i": { "programId": program, "personId": person, "role": role } }),
            )
            .await;
        response.data()["enroll"]["id"].as_str().expect("id").to_owned()
    }

    /// The program's version, for `expectedVersion`.
    pub async fn program_version(&self, program: &str) -> i64 {
        let response = self.gql("query($id: ID!) { program(id: $id) { version } }", json!({ "id": program })).await;
        response.data()["program"]["version"].as_i64().expect("version")
    }

    /// How many audit events the organisation has.
    pub async fn audit_count(&self) -> usize {
        let response = self.gql("{ auditEvents(first: 100) { edges { node { action } } } }", json!({})).await;
        response.data()["auditEvents"]["edges"].as_array().map_or(0, Vec::len)
    }
}
