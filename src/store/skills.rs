//! The skills catalogue.

use super::OneOf;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;

use super::audit::Change;
use super::entity::skill;
use super::page::{self, Page, PageRequest};
use super::{Scoped, now};
use crate::domain::skill::{SkillCategory, name_key};
use crate::error::{Error, Result};

/// A catalogue entry's fields, already validated.
#[derive(Debug, Clone)]
pub struct SkillFields {
    /// Display name.
    pub name: String,
    /// Category.
    pub category: SkillCategory,
    /// Optional external identifier such as an ESCO IRI.
    pub external_uri: Option<String>,
}

impl Scoped<'_> {
    /// Adds a skill; a name already in the catalogue (ignoring case) is a conflict.
    pub async fn create_skill(&self, fields: SkillFields) -> Result<skill::Model> {
        let txn = self.begin().await?;
        self.ensure_name_free(&txn, &fields.name, None).await?;
        let row = skill::ActiveModel {
            org_id: Set(self.org.to_owned()),
            name_key: Set(name_key(&fields.name)),
            name: Set(fields.name),
            category: Set(fields.category.as_str().to_owned()),
            external_uri: Set(fields.external_uri),
            version: Set(1),
            created_at: Set(now()),
            updated_at: Set(now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let details = json!({ "name": row.name, "category": row.category, "externalUri": row.external_uri });
        self.audit(&txn, Change { action: "skill.create", entity_type: "Skill", entity_id: Some(row.id), details })
            .await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Renames, recategorises or relinks a skill.
    pub async fn update_skill(&self, id: i64, fields: SkillFields) -> Result<skill::Model> {
        let txn = self.begin().await?;
        let row = self.skill_in(&txn, id).await?.ok_or_else(|| Error::not_found("skill"))?;
        self.ensure_name_free(&txn, &fields.name, Some(id)).await?;
        let before = json!({ "name": row.name, "category": row.category, "externalUri": row.external_uri });
        let version = row.version;
        let mut active = row.into_active_model();
        active.name_key = Set(name_key(&fields.name));
        active.name = Set(fields.name);
        active.category = Set(fields.category.as_str().to_owned());
        active.external_uri = Set(fields.external_uri);
        active.version = Set(version + 1);
        active.updated_at = Set(now());
        let row = active.update(&txn).await?;
        let after = json!({ "name": row.name, "category": row.category, "externalUri": row.external_uri });
        let details = json!({ "before": before, "after": after });
        self.audit(&txn, Change { action: "skill.update", entity_type: "Skill", entity_id: Some(id), details }).await?;
        txn.commit().await?;
        Ok(row)
    }

    async fn ensure_name_free<C: ConnectionTrait>(&self, db: &C, name: &str, except: Option<i64>) -> Result<()> {
        let clash = skill::Entity::find()
            .filter(skill::Column::OrgId.eq(self.org))
            .filter(skill::Column::NameKey.eq(name_key(name)))
            .one(db)
            .await?;
        match clash {
            Some(other) if Some(other.id) != except => {
                Err(Error::Conflict(format!("the catalogue already has a skill named '{}'", other.name)))
            }
            _ => Ok(()),
        }
    }

    pub(crate) async fn skill_in<C: ConnectionTrait>(&self, db: &C, id: i64) -> Result<Option<skill::Model>> {
        Ok(skill::Entity::find_by_id(id).filter(skill::Column::OrgId.eq(self.org)).one(db).await?)
    }

    /// One skill.
    pub async fn skill(&self, id: i64) -> Result<Option<skill::Model>> {
        self.skill_in(self.db, id).await
    }

    /// Skills by id, for the DataLoader.
    pub async fn skills_by_ids(&self, ids: &[i64]) -> Result<Vec<skill::Model>> {
        self.lookup(
            skill::Entity::find()
                .filter(skill::Column::OrgId.eq(self.org))
                .filter(skill::Column::Id.one_of(self.backend(), ids.iter().copied())),
        )
        .await
    }

    /// One page of the catalogue, optionally one category.
    pub async fn skills(&self, category: Option<SkillCategory>, request: PageRequest) -> Result<Page<skill::Model>> {
        let mut select = skill::Entity::find().filter(skill::Column::OrgId.eq(self.org));
        if let Some(category) = category {
            select = select.filter(skill::Column::Category.eq(category.as_str()));
        }
        page::fetch(self.db, select, skill::Column::Id, request).await
    }
}
