//! The Relay `Node` interface and `node(id:)`, plus `viewer`: who the token says you are.

use async_graphql::{Context, ID, Interface, Object};

use super::access::{self, ANYONE, READERS};
use super::audit::AuditEvent;
use super::enrollments::Enrollment;
use super::enums::Role;
use super::ids::{self, Kind};
use super::people::Person;
use super::programs::Program;
use super::skills::Skill;
use crate::error::Result;

/// Anything with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global id, opaque to clients."))]
pub enum Node {
    /// A person.
    Person(Person),
    /// A skill.
    Skill(Skill),
    /// A program.
    Program(Program),
    /// An enrolment.
    Enrollment(Enrollment),
    /// An audit event.
    AuditEvent(AuditEvent),
}

/// The caller, as the token describes them.
pub struct ViewerInfo;

#[Object(name = "Viewer")]
impl ViewerInfo {
    /// The organisation.
    async fn org<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &access::viewer(ctx).org
    }
    /// The token subject.
    async fn subject<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &access::viewer(ctx).subject
    }
    /// Roles granted.
    async fn roles(&self, ctx: &Context<'_>) -> Vec<Role> {
        access::viewer(ctx).roles.iter().map(|role| (*role).into()).collect()
    }
    /// The viewer's directory entry, when the token names one that exists.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match access::viewer(ctx).employee_id.as_deref() {
            Some(employee_id) => Ok(access::scoped(ctx).person_by_employee_id(employee_id).await?.map(Person)),
            None => Ok(None),
        }
    }
}

/// `node` and `viewer`.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by global id; null when nothing with that id exists in your organisation.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let (kind, id) = ids::decode_any(&id)?;
        let viewer = access::viewer(ctx);
        let store = access::scoped(ctx);
        let node = match kind {
            Kind::Person => match store.person(id).await? {
                Some(row) => {
                    access::require_self_or_manager_or_analyst(ctx, &row, "reading this person").await?;
                    Some(Node::Person(Person(row)))
                }
                None => None,
            },
            Kind::Skill => {
                viewer.require(ANYONE, "reading the catalogue")?;
                store.skill(id).await?.map(|row| Node::Skill(Skill(row)))
            }
            Kind::Program => {
                viewer.require(ANYONE, "reading programs")?;
                store.program(id).await?.map(|row| Node::Program(Program(row)))
            }
            Kind::Enrollment => match store.enrollment(id).await? {
                Some(row) if viewer.has_any(READERS) => Some(Node::Enrollment(Enrollment(row))),
                Some(row) => {
                    access::require_self_or_manager(ctx, row.person_id, "reading this enrolment").await?;
                    Some(Node::Enrollment(Enrollment(row)))
                }
                None => None,
            },
            Kind::AuditEvent => {
                viewer.require(&[crate::auth::Role::Admin], "reading the audit trail")?;
                store.audit_event(id).await?.map(|row| Node::AuditEvent(AuditEvent(row)))
            }
        };
        Ok(node)
    }

    /// Who the token says you are.
    async fn viewer(&self) -> ViewerInfo {
        ViewerInfo
    }
}
