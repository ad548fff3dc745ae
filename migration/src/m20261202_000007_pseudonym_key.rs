//! Each organisation's secret for the pseudonymous keys of row-level exports, created on the first
//! export, so that keys stay the same from one export to the next.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::alter()
            .table("org_settings")
            .add_column(ColumnDef::new("pseudonym_key").string_len(64).null())
            .to_owned();
        manager.alter_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("org_settings").drop_column("pseudonym_key").to_owned()).await
    }
}
