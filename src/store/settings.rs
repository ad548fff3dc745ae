//! Organisation settings: read with their defaults, changed by admins with an audit event.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
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
                    pseudonym_key: Set(None),
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

    /// The organisation's secret for pseudonymous keys, created on first use. Concurrent first
    /// uses agree: only a missing key is ever written, and everyone reads back the one stored.
    pub async fn pseudonym_key(&self) -> Result<Vec<u8>> {
        let stored = |row: Option<org_setting::Model>| row.and_then(|row| row.pseudonym_key);
        if let Some(key) = stored(org_setting::Entity::find_by_id(self.org.to_owned()).one(self.db).await?) {
            return hex::decode(key).map_err(|error| crate::error::Error::Internal(format!("pseudonym key: {error}")));
        }
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|error| crate::error::Error::Internal(format!("randomness: {error}")))?;
        let row = org_setting::ActiveModel {
            org_id: Set(self.org.to_owned()),
            min_group_size: Set(DEFAULT_MIN_GROUP_SIZE),
            version: Set(1),
            updated_at: Set(now()),
            pseudonym_key: Set(None),
        };
        org_setting::Entity::insert(row)
            .on_conflict(OnConflict::column(org_setting::Column::OrgId).do_nothing().to_owned())
            .exec_without_returning(self.db)
            .await?;
        org_setting::Entity::update_many()
            .col_expr(org_setting::Column::PseudonymKey, Expr::value(hex::encode(secret)))
            .filter(org_setting::Column::OrgId.eq(self.org))
            .filter(org_setting::Column::PseudonymKey.is_null())
            .exec(self.db)
            .await?;
        let key = stored(org_setting::Entity::find_by_id(self.org.to_owned()).one(self.db).await?)
            .ok_or_else(|| crate::error::Error::Internal("pseudonym key missing after it was written".into()))?;
        hex::decode(key).map_err(|error| crate::error::Error::Internal(format!("pseudonym key: {error}")))
    }
}
