//! A row of `matches`: one mentoring relationship, from proposal to its end.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::*;

/// A match; `explanation`, `overridden_rules` and `pair_objectives` are JSON text.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "matches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub program_id: i64,
    pub mentor_enrollment_id: i64,
    pub mentee_enrollment_id: i64,
    pub mentor_person_id: i64,
    pub mentee_person_id: i64,
    pub status: String,
    pub source: String,
    pub score: i32,
    pub explanation: String,
    pub overridden_rules: String,
    pub started_on: Option<NaiveDate>,
    pub planned_end_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub end_note: Option<String>,
    pub pair_objectives: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
