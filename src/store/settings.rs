//! Organisation settings: read with their defaults, changed by admins with an audit event.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::audit::Change;
use super::entity::org_setting;
use super::{Scoped, now, parse_stored};
use crate::domain::metrics::{self, DEFAULT_MIN_GROUP_SIZE};
use crate::domain::xapi::ActorForm;
use crate::error::Result;

/// One organisation's settings, defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgSettings {
    /// Metrics about fewer distinct people than this are suppressed.
    pub min_group_size: i32,
    /// How training records name people.
    pub xapi_actor: ActorForm,
}

impl Scoped<'_> {
    /// The organisation's settings (the defaults until an admin changes one).
    pub async fn org_settings(&self) -> Result<OrgSettings> {
        self.org_settings_on(self.db).await
    }

    /// The organisation's settings as `db` (a transaction) sees them.
    pub(crate) async fn org_settings_on<C: sea_orm::ConnectionTrait>(&self, db: &C) -> Result<OrgSettings> {
        match org_setting::Entity::find_by_id(self.org.to_owned()).one(db).await? {
            Some(row) => {
                Ok(OrgSettings { min_group_size: row.min_group_size, xapi_actor: parse_stored(&row.xapi_actor)? })
            }
            None => Ok(OrgSettings { min_group_size: DEFAULT_MIN_GROUP_SIZE, xapi_actor: ActorForm::Account }),
        }
    }

    /// Chooses how training records name people from now on. Statements already issued keep
    /// their actor until `deriveTrainingRecords` (or a change to their record) reissues them.
    pub async fn set_xapi_actor(&self, form: ActorForm) -> Result<OrgSettings> {
        let txn = self.begin().await?;
        let before = self.org_settings_on(&txn).await?;
        self.ensure_settings_row(&txn).await?;
        org_setting::Entity::update_many()
            .col_expr(org_setting::Column::XapiActor, Expr::value(form.as_str()))
            .col_expr(org_setting::Column::Version, Expr::col(org_setting::Column::Version).add(1))
            .col_expr(org_setting::Column::UpdatedAt, Expr::value(now()))
            .filter(org_setting::Column::OrgId.eq(self.org))
            .exec(&txn)
            .await?;
        let details = json!({ "xapiActor": form.as_str(), "previous": before.xapi_actor.as_str() });
        self.audit(&txn, Change { action: "org.settings", entity_type: "Organisation", entity_id: None, details })
            .await?;
        txn.commit().await?;
        Ok(OrgSettings { xapi_actor: form, ..before })
    }

    /// Makes sure the organisation has a settings row (the defaults), so updates have one to change.
    async fn ensure_settings_row<C: sea_orm::ConnectionTrait>(&self, db: &C) -> Result<()> {
        let row = org_setting::ActiveModel {
            org_id: Set(self.org.to_owned()),
            min_group_size: Set(DEFAULT_MIN_GROUP_SIZE),
            version: Set(1),
            updated_at: Set(now()),
            pseudonym_key: Set(None),
            xapi_actor: Set(ActorForm::Account.as_str().to_owned()),
        };
        org_setting::Entity::insert(row)
            .on_conflict(OnConflict::column(org_setting::Column::OrgId).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
        Ok(())
    }

    /// Sets the smallest group metrics may describe.
    pub async fn set_min_group_size(&self, value: i32) -> Result<OrgSettings> {
        let value = metrics::min_group_size(value)?;
        let txn = self.begin().await?;
        let before = self.org_settings_on(&txn).await?;
        self.ensure_settings_row(&txn).await?;
        org_setting::Entity::update_many()
            .col_expr(org_setting::Column::MinGroupSize, Expr::value(value))
            .col_expr(org_setting::Column::Version, Expr::col(org_setting::Column::Version).add(1))
            .col_expr(org_setting::Column::UpdatedAt, Expr::value(now()))
            .filter(org_setting::Column::OrgId.eq(self.org))
            .exec(&txn)
            .await?;
        let details = json!({ "minGroupSize": value, "previous": before.min_group_size });
        self.audit(&txn, Change { action: "org.settings", entity_type: "Organisation", entity_id: None, details })
            .await?;
        txn.commit().await?;
        Ok(OrgSettings { min_group_size: value, ..before })
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
        self.ensure_settings_row(self.db).await?;
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
