//! A row of `preparation_courses`: an LMS course a program asks its people to complete.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// A program's preparation course.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "preparation_courses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub program_id: i64,
    /// The course's activity IRI in the LMS.
    pub activity_iri: String,
    pub title: String,
    /// MENTOR, MENTEE or BOTH.
    pub audience: String,
    pub required_before_matching: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
