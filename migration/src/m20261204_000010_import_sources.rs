//! Each HRIS source's column names for people imports (Workday calls the employee id "Employee
//! ID", BambooHR "Employee #"), so a file is uploaded as the HRIS exports it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table("import_sources")
            .col(string_len("org_id", 64))
            .col(string_len("name", 64))
            .col(text("columns"))
            .col(timestamp_with_time_zone("updated_at"))
            .primary_key(Index::create().col("org_id").col("name"))
            .to_owned();
        manager.create_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("import_sources").to_owned()).await
    }
}
