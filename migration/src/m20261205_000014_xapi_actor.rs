//! How an organisation's training records name people: by account (employee id) or by mailbox.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = string_len("xapi_actor", 16).default("ACCOUNT").to_owned();
        manager.alter_table(Table::alter().table("org_settings").add_column(column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("org_settings").drop_column("xapi_actor").to_owned()).await
    }
}
