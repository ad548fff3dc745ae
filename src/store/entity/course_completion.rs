//! A row of `course_completions`: the LMS says a person completed a course.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// One person's completion of one course (the latest report wins).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "course_completions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub person_id: i64,
    pub activity_iri: String,
    pub completed_at: DateTime<Utc>,
    /// xAPI's scaled score, -1 to 1.
    pub score: Option<f64>,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
