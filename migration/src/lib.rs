//! Database migrations: one schema for SQLite and PostgreSQL, applied at start.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_foundation;
mod m20261122_000002_matching;
mod m20261122_000003_relationship_records;
mod m20261202_000004_records_in_time;
mod m20261202_000005_org_settings;
mod m20261202_000006_metrics_indexes;
mod m20261202_000007_pseudonym_key;
mod m20261202_000008_analytics_views;
mod m20261204_000009_scim;
mod m20261204_000010_import_sources;
mod m20261205_000011_training_records;
mod m20261205_000012_lrs_push;
mod m20261205_000013_preparation;
mod m20261205_000014_xapi_actor;
mod m20261205_000015_meeting_totals;
mod m20261206_000016_lookup_indexes;

/// Every migration of the service, in the order they apply.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261122_000002_matching::Migration),
            Box::new(m20261122_000003_relationship_records::Migration),
            Box::new(m20261202_000004_records_in_time::Migration),
            Box::new(m20261202_000005_org_settings::Migration),
            Box::new(m20261202_000006_metrics_indexes::Migration),
            Box::new(m20261202_000007_pseudonym_key::Migration),
            Box::new(m20261202_000008_analytics_views::Migration),
            Box::new(m20261204_000009_scim::Migration),
            Box::new(m20261204_000010_import_sources::Migration),
            Box::new(m20261205_000011_training_records::Migration),
            Box::new(m20261205_000012_lrs_push::Migration),
            Box::new(m20261205_000013_preparation::Migration),
            Box::new(m20261205_000014_xapi_actor::Migration),
            Box::new(m20261205_000015_meeting_totals::Migration),
            Box::new(m20261206_000016_lookup_indexes::Migration),
        ]
    }
}
