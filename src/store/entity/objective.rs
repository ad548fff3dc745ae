//! A row of `program_objectives`.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::*;

/// One objective of a program.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "program_objectives")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub program_id: i64,
    pub kind: String,
    pub target: f64,
    pub due_on: Option<NaiveDate>,
    pub window_months: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
