//! A row of `feedback`: one side's ratings of a relationship at one time.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// One feedback submission; the latest per respondent and period counts.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub match_id: i64,
    pub respondent_person_id: i64,
    pub period: String,
    pub satisfaction: i16,
    pub confidence: i16,
    pub comment: String,
    pub submitted_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
