//! Organisation settings, once the first of them is needed: the smallest group a metric may
//! describe. The token's `org` stays the key; an organisation without a row has the defaults.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table("org_settings")
            .col(string_len("org_id", 64).primary_key())
            .col(integer("min_group_size"))
            .col(integer("version"))
            .col(timestamp_with_time_zone("updated_at"))
            .to_owned();
        manager.create_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("org_settings").to_owned()).await
    }
}
