//! The schemas `/Schemas` publishes (RFC 7643 7): exactly the attributes the service stores, so
//! a client (or a conformance tool) that writes every published attribute reads each one back.

use serde_json::{Value, json};

use super::user::{CORE, ENTERPRISE, PROFILE};

/// Every schema the service publishes.
pub const ALL: &[&str] = &[CORE, ENTERPRISE, PROFILE];

fn attribute(name: &str, kind: &str, description: &str) -> Value {
    json!({ "name": name, "type": kind, "multiValued": false, "description": description, "required": false,
            "caseExact": false, "mutability": "readWrite", "returned": "default", "uniqueness": "none" })
}

fn with(mut attribute: Value, changes: Value) -> Value {
    if let (Some(attribute), Value::Object(changes)) = (attribute.as_object_mut(), changes) {
        attribute.extend(changes);
    }
    attribute
}

/// The schema document `id` (one of [`ALL`]); `base` is the SCIM root URL.
pub fn document(id: &str, base: &str) -> Value {
    let (name, description, attributes) = match id {
        CORE => (
            "User",
            "A person of the organisation",
            vec![
                with(
                    attribute("userName", "string", "The directory's login name, unique in the organisation"),
                    json!({ "required": true, "uniqueness": "server" }),
                ),
                with(
                    attribute("externalId", "string", "The directory's own id for the person"),
                    json!({ "caseExact": true }),
                ),
                // Always present: a user created without one is shown by their userName.
                with(attribute("displayName", "string", "The name shown to colleagues"), json!({ "required": true })),
                with(
                    attribute("emails", "complex", "The work e-mail (one is kept)"),
                    json!({ "multiValued": true, "subAttributes": [
                        attribute("value", "string", "The address"),
                        with(attribute("type", "string", "Always work"), json!({ "canonicalValues": ["work"] }))
                    ]}),
                ),
                attribute("title", "string", "Job title"),
                with(
                    attribute("active", "boolean", "false records the person's departure, true brings them back"),
                    json!({ "required": true }),
                ),
            ],
        ),
        ENTERPRISE => (
            "EnterpriseUser",
            "Enterprise User",
            vec![
                with(
                    attribute(
                        "employeeNumber",
                        "string",
                        "The employee id (else externalId, else userName); a new value renames the employee id",
                    ),
                    json!({ "caseExact": true, "required": true }),
                ),
                attribute("department", "string", "Department"),
                with(
                    attribute("manager", "complex", "The person's manager"),
                    json!({ "subAttributes": [
                        with(attribute("value", "string", "The manager's id"), json!({ "caseExact": true })),
                        with(
                            attribute("$ref", "reference", "The manager's resource"),
                            json!({ "referenceTypes": ["User"], "caseExact": true })
                        )
                    ]}),
                ),
            ],
        ),
        _ => (
            "ReverseMentoringProfile",
            "What reverse mentoring needs beyond the directory",
            vec![
                with(
                    attribute("level", "integer", "Seniority band from 1 (entry level) to 15 (executive)"),
                    json!({ "required": true,
                            "canonicalValues": (1..=15).map(|level: i32| level.to_string()).collect::<Vec<_>>() }),
                ),
                with(
                    attribute("generation", "string", "Self-declared generation (optional)"),
                    json!({ "canonicalValues": ["BABY_BOOMER", "GEN_X", "MILLENNIAL", "GEN_Z", "GEN_ALPHA"] }),
                ),
                attribute("hiredOn", "dateTime", "First day of employment (its date counts; written at 00:00 UTC)"),
            ],
        ),
    };
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": id, "name": name, "description": description, "attributes": attributes,
        "meta": { "resourceType": "Schema", "location": format!("{base}/Schemas/{id}") }
    })
}
