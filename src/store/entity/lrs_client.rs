//! A row of `lrs_clients`: an LMS or LRS that pulls an organisation's statements with HTTP Basic.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// A client's key and the SHA-256 of its secret (the secret itself is shown once).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lrs_clients")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub name: String,
    /// The Basic-auth user name.
    pub key: String,
    pub secret_hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
