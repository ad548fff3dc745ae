//! The audit trail, readable by admins.

use async_graphql::{Context, ID, Json, Object};
use chrono::{DateTime, Utc};

use super::access;
use super::connection::{IdConnection, PageArgs, connection};
use super::ids::{self, Kind};
use crate::auth::Role;
use crate::error::Result;
use crate::store::entity::audit_event;

/// Who changed what, when.
pub struct AuditEvent(pub audit_event::Model);

#[Object]
impl AuditEvent {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::AuditEvent, self.0.id)
    }
    /// The token subject that made the change.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// What happened, e.g. `program.update`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The kind of thing changed.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The global id of the thing changed, when it is one thing.
    async fn entity_id(&self) -> Option<ID> {
        let kind = match self.0.entity_type.as_str() {
            "Person" => Kind::Person,
            "Skill" => Kind::Skill,
            "Program" => Kind::Program,
            "Enrollment" => Kind::Enrollment,
            "Match" => Kind::Match,
            "MatchRequest" => Kind::MatchRequest,
            "Meeting" => Kind::Meeting,
            "Learning" => Kind::Learning,
            _ => return None,
        };
        self.0.entity_id.map(|id| ids::encode(kind, id))
    }
    /// What changed.
    async fn details(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.details).unwrap_or(serde_json::Value::Null))
    }
    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}

/// Audit queries.
#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The organisation's audit trail, oldest first; optionally about one object.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        entity_id: Option<ID>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<IdConnection<AuditEvent>> {
        access::viewer(ctx).require(&[Role::Admin], "reading the audit trail")?;
        let entity = entity_id.map(|id| ids::decode_any(&id)).transpose()?;
        let entity = entity.map(|(kind, id)| (format!("{kind:?}"), id));
        let request = PageArgs { after, before, first, last }.request(ctx)?;
        let page =
            access::scoped(ctx).audit_events(entity.as_ref().map(|(kind, id)| (kind.as_str(), *id)), request).await?;
        Ok(connection(page, |row| row.id, AuditEvent))
    }
}
