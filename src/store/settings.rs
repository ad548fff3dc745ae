//! Organisation settings: read with their defaults, changed by admins with an audit event.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::json;

use super::audit::Change;
use super::entity::org_setting;
use super::{Scoped, now};
use crate::domain::metrics::{self, DEFAULT_MIN_GROUP_SIZE};
use crate::error::Result;

/// One organisation's settings, defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgSettings {
    /// Metrics about fewer distinct people than this are suppressed.
    pub min_group_size: i32,
}

impl Scoped<'_> {
    /// The organisation's settings (the defaults until an admin changes one).
    pub async fn org_settings(&self) -> Result<OrgSettings> {
        let row = org_setting::Entity::find_by_id(self.org.to_owned()).one(self.db).await?;
        Ok(OrgSettings { min_group_size: row.map_or(DEFAULT_MIN_GROUP_SIZE, |row| row.min_group_size) })
    }

    /// Sets the smallest group metrics may describe.
    pub async fn set_min_group_size(&self, value: i32) -> Result<OrgSettings> {
        let value = metrics::min_group_size(value)?;
        let txn = self.begin().await?;
        let before = org_setting::Entity::find_by_id(self.org.to_owned()).one(&txn).await?;
        let previous = before.as_ref().map_or(DEFAULT_MIN_GROUP_SIZE, |row| row.min_group_size);
        match before {
            Some(row) => {
                let version = row.version;
                let mut active = row.into_active_model();
                active.min_group_size = Set(value);
                active.version = Set(version + 1);
                active.updated_at = Set(now());
                active.update(&txn).await?;
            }
            None => {
                let row = org_setting::ActiveModel {
                    org_id: Set(self.org.to_owned()),
                    min_group_size: Set(value),
                    version: Set(1),
                    updated_at: Set(now()),
                };
                org_setting::Entity::insert(row).exec_without_returning(&txn).await?;
            }
        }
        let details = json!({ "minGroupSize": value, "previous": previous });
        self.audit(&txn, Change { action: "org.settings", entity_type: "Organisation", entity_id: None, details })
            .await?;
        txn.commit().await?;
        Ok(OrgSettings { min_group_size: value })
    }
}
