//! Pushing training records to an organisation's own LRS: where to, with which credentials,
//! how far delivery has come in the statement log, and the lease that lets one replica at a
//! time deliver.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let targets = Table::create()
            .table("lrs_push_targets")
            .col(string_len("org_id", 64).primary_key())
            .col(string_len("endpoint", 2048))
            // BASIC or OAUTH2 (client credentials).
            .col(string_len("auth", 16))
            .col(string_len_null("username", 256))
            // The credentials the service presents: it must be able to send them, so they are
            // kept as given, and never shown again.
            .col(string_len_null("password", 1024))
            .col(string_len_null("token_url", 2048))
            .col(string_len_null("scope", 512))
            // The last statement position the LRS acknowledged.
            .col(big_integer("delivered_position").default(0))
            .col(integer("failures").default(0))
            .col(timestamp_with_time_zone_null("next_attempt_at"))
            .col(timestamp_with_time_zone_null("last_attempt_at"))
            .col(timestamp_with_time_zone_null("last_success_at"))
            .col(text_null("last_error"))
            .col(string_len_null("lease_holder", 64))
            .col(timestamp_with_time_zone_null("lease_until"))
            .col(timestamp_with_time_zone("updated_at"))
            .to_owned();
        manager.create_table(targets).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("lrs_push_targets").to_owned()).await
    }
}
