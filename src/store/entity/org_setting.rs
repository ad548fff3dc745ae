//! A row of `org_settings`: one organisation's settings (absent = the defaults).

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// The settings of one organisation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: String,
    pub min_group_size: i32,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    /// Hex secret for pseudonymous keys in row-level exports (created on the first export).
    pub pseudonym_key: Option<String>,
    /// How training records name people: ACCOUNT or MBOX.
    pub xapi_actor: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
