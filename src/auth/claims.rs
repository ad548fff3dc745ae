//! Reading the viewer out of a verified token's claims, wherever the identity provider puts
//! them: Entra ID's `tid` and `roles`, Okta's `groups`, Keycloak's `realm_access.roles`.

use serde_json::Value;

use super::{Role, Viewer};
use crate::error::{Error, Result};

/// A claim's place in the payload: a top-level name, or a dotted path into nested objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPath(Vec<String>);

impl ClaimPath {
    /// Parses `tid` or `realm_access.roles`; an empty segment is refused.
    pub fn parse(text: &str) -> Result<ClaimPath, String> {
        let segments: Vec<String> = text.trim().split('.').map(str::to_owned).collect();
        if segments.iter().any(String::is_empty) {
            return Err(format!("'{text}' is not a claim name or a dotted path such as realm_access.roles"));
        }
        Ok(ClaimPath(segments))
    }

    fn find<'a>(&self, claims: &'a Value) -> Option<&'a Value> {
        self.0.iter().try_fold(claims, |value, segment| value.get(segment)).filter(|value| !value.is_null())
    }
}

impl std::fmt::Display for ClaimPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// Where each part of the viewer sits in the claims, and what the provider's role names mean.
#[derive(Debug, Clone)]
pub struct ClaimMap {
    /// The subject, named in the audit trail.
    pub subject: ClaimPath,
    /// The organisation (tenant).
    pub org: ClaimPath,
    /// The roles: an array of names, or one space-separated string.
    pub roles: ClaimPath,
    /// The person's employee id.
    pub employee_id: ClaimPath,
    /// Provider role or group names and the role each grants; names are matched regardless of case.
    pub role_names: Vec<(String, Role)>,
}

impl ClaimMap {
    /// The service's own claim names: `sub`, `org`, `roles`, `employee_id`.
    pub fn standard() -> ClaimMap {
        let path = |name: &str| ClaimPath(vec![name.to_owned()]);
        ClaimMap {
            subject: path("sub"),
            org: path("org"),
            roles: path("roles"),
            employee_id: path("employee_id"),
            role_names: Vec::new(),
        }
    }

    /// Parses `JWT_ROLE_MAP`: `provider-name=ROLE` pairs separated by commas.
    pub fn parse_role_names(text: &str) -> Result<Vec<(String, Role)>, String> {
        text.split(',')
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, role) =
                    pair.rsplit_once('=').ok_or_else(|| format!("'{pair}' should be provider-name=ROLE"))?;
                let role = role.trim().to_ascii_uppercase().parse::<Role>().map_err(|_| {
                    format!("'{}' is not a role (ADMIN, COORDINATOR, ANALYST, LMS, PARTICIPANT)", role.trim())
                })?;
                Ok((name.trim().to_owned(), role))
            })
            .collect()
    }

    /// The viewer these verified claims describe; a missing or unusable claim is UNAUTHENTICATED.
    pub fn viewer(&self, claims: &Value) -> Result<Viewer> {
        let subject = self
            .text(&self.subject, claims)
            .filter(|subject| !subject.trim().is_empty())
            .ok_or_else(|| Error::Unauthenticated(format!("invalid token: the {} claim is missing", self.subject)))?;
        // The tenant is the claim exactly as signed: no trimming that would merge two tenants.
        let org = self.text(&self.org, claims).unwrap_or_default();
        let printable = !org.is_empty() && org.len() <= 64 && !org.chars().any(|c| c.is_whitespace() || c.is_control());
        if !printable {
            return Err(Error::Unauthenticated(format!(
                "invalid token: the org claim ({}) must be 1 to 64 characters without spaces or control characters",
                self.org
            )));
        }
        let mut roles: Vec<Role> = Vec::new();
        for name in self.role_values(claims) {
            let mapped =
                self.role_names.iter().find(|(known, _)| known.eq_ignore_ascii_case(name)).map(|(_, role)| *role);
            // Names the service does not know are ignored: providers carry roles of other apps.
            if let Some(role) = mapped.or_else(|| name.to_ascii_uppercase().parse::<Role>().ok())
                && !roles.contains(&role)
            {
                roles.push(role);
            }
        }
        let employee_id = self.text(&self.employee_id, claims).filter(|id| !id.trim().is_empty());
        Ok(Viewer { org, subject, roles, employee_id })
    }

    /// A string claim, or a number written out (some directories send employee ids as numbers).
    fn text(&self, path: &ClaimPath, claims: &Value) -> Option<String> {
        match path.find(claims)? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    }

    fn role_values<'a>(&self, claims: &'a Value) -> Vec<&'a str> {
        match self.roles.find(claims) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(text)) => text.split_whitespace().collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(org: &str, roles: &str, employee_id: &str, role_names: &str) -> ClaimMap {
        ClaimMap {
            org: ClaimPath::parse(org).unwrap(),
            roles: ClaimPath::parse(roles).unwrap(),
            employee_id: ClaimPath::parse(employee_id).unwrap(),
            role_names: ClaimMap::parse_role_names(role_names).unwrap(),
            ..ClaimMap::standard()
        }
    }

    #[test]
    fn entra_okta_and_keycloak_tokens_name_the_same_viewer() {
        let entra = map("tid", "roles", "employeeid", "Mentoring.Admin=ADMIN");
        let okta = map("org", "groups", "employee_id", "mentoring-admins=ADMIN");
        let keycloak = map("org", "realm_access.roles", "employee_number", "");
        let cases = [
            (
                entra,
                json!({ "sub": "s", "tid": "acme", "roles": ["Mentoring.Admin", "Other.App"], "employeeid": "E1" }),
            ),
            (
                okta,
                json!({ "sub": "s", "org": "acme", "groups": ["Everyone", "Mentoring-Admins"], "employee_id": "E1" }),
            ),
            (
                keycloak,
                json!({ "sub": "s", "org": "acme", "realm_access": { "roles": ["admin", "offline_access"] }, "employee_number": "E1" }),
            ),
        ];
        for (map, claims) in cases {
            let viewer = map.viewer(&claims).unwrap();
            assert_eq!(
                viewer,
                Viewer {
                    org: "acme".into(),
                    subject: "s".into(),
                    roles: vec![Role::Admin],
                    employee_id: Some("E1".into())
                },
                "{claims}"
            );
        }
    }

    #[test]
    fn roles_may_be_one_space_separated_string_and_numbers_are_employee_ids() {
        let viewer = map("org", "scp", "emp", "")
            .viewer(&json!({ "sub": "s", "org": "acme", "scp": "analyst lms analyst", "emp": 1042 }))
            .unwrap();
        assert_eq!(viewer.roles, vec![Role::Analyst, Role::Lms]);
        assert_eq!(viewer.employee_id.as_deref(), Some("1042"));
    }

    #[test]
    fn a_missing_subject_or_an_unclean_org_is_refused() {
        let standard = ClaimMap::standard();
        let refused = |claims: Value| match standard.viewer(&claims) {
            Err(Error::Unauthenticated(message)) => message,
            other => panic!("{claims} gave {other:?}"),
        };
        assert!(refused(json!({ "org": "acme" })).contains("sub claim"));
        assert!(refused(json!({ "sub": "s" })).contains("org claim"));
        assert!(refused(json!({ "sub": "s", "org": " acme" })).contains("org claim"));
        assert!(refused(json!({ "sub": "s", "org": { "id": "acme" } })).contains("org claim"));
        assert!(refused(json!({ "sub": "s", "org": "a".repeat(65) })).contains("org claim"));
    }

    #[test]
    fn bad_paths_and_role_maps_are_refused_at_start() {
        assert!(ClaimPath::parse("realm_access..roles").is_err());
        assert!(ClaimPath::parse("").is_err());
        assert!(ClaimMap::parse_role_names("admins").is_err());
        assert!(ClaimMap::parse_role_names("admins=OWNER").unwrap_err().contains("not a role"));
        assert_eq!(ClaimMap::parse_role_names(" a=b=admin , ").unwrap(), vec![("a=b".to_owned(), Role::Admin)]);
    }
}
