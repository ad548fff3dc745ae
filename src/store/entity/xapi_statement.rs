//! A row of `xapi_statements`: one statement of an organisation's append-only training-record log.

use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

/// An xAPI statement as issued, with the columns its queries filter on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "xapi_statements")]
pub struct Model {
    /// Insertion order.
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub org_id: String,
    pub statement_id: String,
    /// The record it was derived from, e.g. `meeting:42:MENTOR`.
    pub source: String,
    pub match_id: Option<i64>,
    pub enrollment_id: Option<i64>,
    /// The statement this one voids.
    pub voids: Option<String>,
    pub verb: String,
    /// A voiding statement's target's verb.
    pub target_verb: Option<String>,
    /// The actor as a canonical key.
    pub agent: String,
    pub activity: String,
    pub registration: Option<String>,
    /// The log's order, given when published: a keyset scan over it misses nothing.
    pub position: Option<i64>,
    /// When it was published.
    pub stored: Option<DateTime<Utc>>,
    /// The whole statement as JSON, all but `stored`.
    pub body: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
