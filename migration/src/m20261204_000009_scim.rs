//! Directory sync over SCIM 2.0: what a person's SCIM resource carries beside the directory
//! entry (the client's `userName` and `externalId`, and whether the resource was deleted, since
//! the person's history stays), and the per-organisation bearer secrets SCIM clients use.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            ColumnDef::new("scim_user_name").string_len(256).null().to_owned(),
            ColumnDef::new("scim_external_id").string_len(256).null().to_owned(),
            ColumnDef::new("scim_deleted_at").timestamp_with_time_zone().null().to_owned(),
        ] {
            manager.alter_table(Table::alter().table("people").add_column(column).to_owned()).await?;
        }
        // `userName` is unique per organisation without regard to case (RFC 7643 4.1.1).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_people_scim_user_name ON people (org_id, LOWER(scim_user_name))",
            )
            .await?;
        let tokens = Table::create()
            .table("scim_tokens")
            .col(big_integer("id").auto_increment().primary_key())
            .col(string_len("org_id", 64))
            .col(string_len("name", 120))
            .col(string_len("secret_hash", 64))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("expires_at"))
            .col(timestamp_with_time_zone_null("revoked_at"))
            .to_owned();
        manager.create_table(tokens).await?;
        let by_hash =
            Index::create().name("ux_scim_tokens_hash").table("scim_tokens").col("secret_hash").unique().to_owned();
        manager.create_index(by_hash).await?;
        let by_org = Index::create().name("ix_scim_tokens_org").table("scim_tokens").col("org_id").col("id").to_owned();
        manager.create_index(by_org).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("scim_tokens").to_owned()).await?;
        manager.get_connection().execute_unprepared("DROP INDEX ux_people_scim_user_name").await?;
        for column in ["scim_deleted_at", "scim_external_id", "scim_user_name"] {
            manager.alter_table(Table::alter().table("people").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
