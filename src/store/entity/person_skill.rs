//! A row of `person_skills`: a person OFFERS or WANTS a skill with a strength 1-5.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// One person-skill link.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_skills")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub person_id: i64,
    pub skill_id: i64,
    pub relation: String,
    pub strength: i16,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
