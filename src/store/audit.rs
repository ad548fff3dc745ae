//! The audit trail: one event per mutation, written in the mutation's own transaction.

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::entity::audit_event;
use super::page::{self, Page, PageRequest};
use super::{Scoped, now};
use crate::error::Result;

/// What an audit event is about.
pub struct Change<'a> {
    /// Verb, e.g. `program.update`.
    pub action: &'a str,
    /// The kind of thing changed, e.g. `Program`.
    pub entity_type: &'a str,
    /// Its id, when it is one thing.
    pub entity_id: Option<i64>,
    /// What changed, as JSON.
    pub details: serde_json::Value,
}

impl Scoped<'_> {
    /// Writes an audit event on `db` (the mutation's transaction).
    /// Every write is audited, so this is also where the training records a write changed are
    /// derived again, in the same transaction.
    pub(crate) async fn audit<C: ConnectionTrait>(&self, db: &C, change: Change<'_>) -> Result<()> {
        if let Some(touched) = super::training::Touched::by(&change) {
            self.derive_training_records(db, touched).await?;
        }
        audit_event::ActiveModel {
            org_id: Set(self.org.to_owned()),
            actor: Set(self.actor.to_owned()),
            action: Set(change.action.to_owned()),
            entity_type: Set(change.entity_type.to_owned()),
            entity_id: Set(change.entity_id),
            details: Set(change.details.to_string()),
            at: Set(now()),
            ..Default::default()
        }
        .insert_into(db)
        .await
    }

    /// The organisation's audit trail, oldest first, optionally for one entity.
    pub async fn audit_events(
        &self,
        entity: Option<(&str, i64)>,
        request: PageRequest,
    ) -> Result<Page<audit_event::Model>> {
        let mut select = audit_event::Entity::find().filter(audit_event::Column::OrgId.eq(self.org));
        if let Some((entity_type, id)) = entity {
            select = select
                .filter(audit_event::Column::EntityType.eq(entity_type))
                .filter(audit_event::Column::EntityId.eq(id));
        }
        page::fetch(self.db, select, audit_event::Column::Id, request).await
    }
}

impl audit_event::ActiveModel {
    async fn insert_into<C: ConnectionTrait>(self, db: &C) -> Result<()> {
        audit_event::Entity::insert(self).exec(db).await?;
        Ok(())
    }
}

impl Scoped<'_> {
    /// One audit event.
    pub async fn audit_event(&self, id: i64) -> Result<Option<audit_event::Model>> {
        Ok(audit_event::Entity::find_by_id(id).filter(audit_event::Column::OrgId.eq(self.org)).one(self.db).await?)
    }
}
