//! Roles from the token and the viewer every resolver asks before it acts.

use crate::domain::text_enum;
use crate::error::{Error, Result};

text_enum! {
    /// What a token allows, from least to most specific.
    Role {
        /// Everything in the organisation.
        Admin => "ADMIN",
        /// Programs, enrolment and matching.
        Coordinator => "COORDINATOR",
        /// Metrics and records, no contact details.
        Analyst => "ANALYST",
        /// Training records only.
        Lms => "LMS",
        /// Their own profile and matches.
        Participant => "PARTICIPANT",
    }
}

/// The authenticated caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The tenant every query is scoped to.
    pub org: String,
    /// The token's subject; it names the actor in the audit trail.
    pub subject: String,
    /// Roles the token grants.
    pub roles: Vec<Role>,
    /// The viewer's own employee id, when they are a person in the directory.
    pub employee_id: Option<String>,
}

impl Viewer {
    /// Whether the viewer holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the viewer holds any of `roles`.
    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|role| self.has(*role))
    }

    /// Refuses with FORBIDDEN unless the viewer holds one of `roles`; `doing` completes "may not ...".
    pub fn require(&self, roles: &[Role], doing: &str) -> Result<()> {
        if self.has_any(roles) {
            return Ok(());
        }
        let needed: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
        Err(Error::Forbidden(format!("{doing} needs one of the roles {}", needed.join(", "))))
    }

    /// Whether the viewer is the person with this employee id.
    pub fn is_person(&self, employee_id: &str) -> bool {
        self.employee_id.as_deref() == Some(employee_id)
    }
}
