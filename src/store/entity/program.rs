//! A row of `programs`.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::*;

/// A program; `matching_rules` is JSON text so both backends store it alike.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub status: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub relationship_months: i32,
    pub matching_rules: String,
    pub end_reason: Option<String>,
    pub end_note: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
