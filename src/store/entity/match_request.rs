//! A row of `match_requests`: a mentee asking one mentor, with a note.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// A self-service request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "match_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub program_id: i64,
    pub mentor_enrollment_id: i64,
    pub mentee_enrollment_id: i64,
    pub note: String,
    pub status: String,
    pub expires_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub match_id: Option<i64>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
