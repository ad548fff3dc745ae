//! A row of `lrs_push_targets`: the LRS an organisation's training records are pushed to.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// Where statements go, how far they got, and who is delivering now.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lrs_push_targets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: String,
    /// The LRS's xAPI base (statements go to `{endpoint}/statements`).
    pub endpoint: String,
    /// BASIC or OAUTH2.
    pub auth: String,
    /// Basic user name, or OAuth2 client id.
    pub username: Option<String>,
    /// Basic password, or OAuth2 client secret.
    pub password: Option<String>,
    pub token_url: Option<String>,
    pub scope: Option<String>,
    /// The last statement position the LRS acknowledged.
    pub delivered_position: i64,
    /// Failed attempts since the last success.
    pub failures: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// The replica delivering now, until `lease_until`.
    pub lease_holder: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
