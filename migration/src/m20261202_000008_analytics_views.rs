//! The `analytics` schema of read-only views for BI tools, on PostgreSQL only (SQLite is the
//! single-user development store; BI tools connect to the production database).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager.get_connection().execute_unprepared(include_str!("analytics.sql")).await.map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager.get_connection().execute_unprepared("DROP SCHEMA analytics CASCADE").await.map(|_| ())
    }
}
