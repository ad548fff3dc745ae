//! A row of `enrollments`.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// A person's place in a program.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrollments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub program_id: i64,
    pub person_id: i64,
    pub role: String,
    pub status: String,
    pub capacity: Option<i32>,
    pub goals: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
