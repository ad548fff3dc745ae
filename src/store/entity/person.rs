//! A row of `people`.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::entity::prelude::*;

/// A directory entry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: String,
    pub employee_id: String,
    pub name: String,
    pub email: Option<String>,
    pub department: Option<String>,
    pub job_title: Option<String>,
    pub level: i32,
    pub manager_employee_id: Option<String>,
    pub generation: Option<String>,
    pub hired_on: Option<NaiveDate>,
    pub employment_status: String,
    pub left_on: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub scim_user_name: Option<String>,
    pub scim_external_id: Option<String>,
    pub scim_deleted_at: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
