//! A row of `scim_tokens`: one bearer secret a SCIM client of an organisation presents.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// A SCIM client's secret, stored as its SHA-256 (the secret itself is shown once).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scim_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub name: String,
    pub secret_hash: String,
    pub created_at: DateTime<Utc>,
    /// When a rotation's overlap ends (none: until revoked).
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
