//! A row of `meetings`; `action_items` is JSON text.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// One logged meeting of a pair.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub match_id: i64,
    pub held_at: DateTime<Utc>,
    pub minutes: i32,
    pub format: String,
    pub agenda: String,
    pub notes: String,
    pub action_items: String,
    pub logged_by: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
