//! A row of `learnings`: a skill one side of a pair learned, confirmed by the other.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// One learning record.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "learnings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub match_id: i64,
    pub learner_person_id: i64,
    pub learner_side: String,
    pub skill_id: i64,
    pub note: String,
    pub recorded_by_person_id: Option<i64>,
    pub confirmed_by_person_id: Option<i64>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
