//! What the outcome metrics read most: the matched comparison looks up, for each participant,
//! the people of their stratum hired within a date range. The index's expressions are written
//! exactly as the metrics statement writes them, which SQLite needs to use it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Trailing left_on and id make it covering: the lookup never reads the table.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX people_stratum ON people (org_id, COALESCE(department, ''), \
                 COALESCE(generation, ''), ((level - 1) / 3), hired_on, left_on, id)",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX people_stratum").await.map(|_| ())
    }
}
