//! Training records for LMSs: the append-only log of xAPI 1.0.3 statements derived from what
//! the service records, and the Basic-auth clients (key and hashed secret) that pull it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Writers append rows with no lock (`seq`, insertion order); a reader first publishes
        // what has committed since, numbering it (`position`) and stamping `stored` under a
        // lock, so a keyset scan over `position` never skips a statement committed later.
        let statements = Table::create()
            .table("xapi_statements")
            .col(big_integer("seq").auto_increment().primary_key())
            .col(string_len("org_id", 64))
            .col(string_len("statement_id", 36))
            // The record it was derived from, e.g. `meeting:42:MENTOR`.
            .col(string_len("source", 120))
            .col(big_integer_null("match_id"))
            .col(big_integer_null("enrollment_id"))
            // A voiding statement names the statement it voids.
            .col(string_len_null("voids", 36))
            .col(string_len("verb", 255))
            // The voided statement's verb, for filters: a voiding statement matches what its
            // target matches (xAPI 1.0.3, filter conditions for StatementRefs).
            .col(string_len_null("target_verb", 255))
            // The actor as a canonical key (`account:HOMEPAGE|NAME` or `mbox:...`).
            .col(string_len("agent", 400))
            .col(string_len("activity", 400))
            .col(string_len_null("registration", 36))
            .col(big_integer_null("position"))
            .col(timestamp_with_time_zone_null("stored"))
            .col(text("body"))
            .to_owned();
        manager.create_table(statements).await?;
        for (name, columns, unique) in [
            ("ux_xapi_statements_id", &["org_id", "statement_id"][..], true),
            ("ux_xapi_statements_position", &["org_id", "position"][..], true),
            ("ix_xapi_statements_match", &["org_id", "match_id"][..], false),
            ("ix_xapi_statements_enrollment", &["org_id", "enrollment_id"][..], false),
            ("ix_xapi_statements_voids", &["org_id", "voids"][..], false),
            ("ix_xapi_statements_stored", &["org_id", "stored"][..], false),
        ] {
            let mut index = Index::create().name(name).table("xapi_statements").to_owned();
            for column in columns {
                index.col(*column);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index).await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_xapi_statements_unpublished ON xapi_statements (org_id, seq) WHERE position IS NULL",
            )
            .await?;
        let clients = Table::create()
            .table("lrs_clients")
            .col(big_integer("id").auto_increment().primary_key())
            .col(string_len("org_id", 64))
            .col(string_len("name", 120))
            .col(string_len("key", 64))
            .col(string_len("secret_hash", 64))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("revoked_at"))
            .to_owned();
        manager.create_table(clients).await?;
        let by_key = Index::create().name("ux_lrs_clients_key").table("lrs_clients").col("key").unique().to_owned();
        manager.create_index(by_key).await?;
        let by_org = Index::create().name("ix_lrs_clients_org").table("lrs_clients").col("org_id").col("id").to_owned();
        manager.create_index(by_org).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("lrs_clients").to_owned()).await?;
        manager.drop_table(Table::drop().table("xapi_statements").to_owned()).await
    }
}
