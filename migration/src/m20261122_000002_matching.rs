//! Matching: mentoring relationships (matches) and self-service match requests.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(matches()).await?;
        manager.create_table(match_requests()).await?;
        let indexes = [
            ("ix_matches_program", "matches", vec!["org_id", "program_id", "id"]),
            ("ix_matches_mentor", "matches", vec!["mentor_enrollment_id", "status"]),
            ("ix_matches_mentee", "matches", vec!["mentee_enrollment_id", "status"]),
            ("ix_matches_people", "matches", vec!["org_id", "mentor_person_id", "mentee_person_id"]),
            ("ix_requests_program", "match_requests", vec!["org_id", "program_id", "id"]),
            ("ix_requests_mentee", "match_requests", vec!["mentee_enrollment_id", "status"]),
            ("ix_requests_mentor", "match_requests", vec!["mentor_enrollment_id", "status"]),
        ];
        for (name, table, columns) in indexes {
            let mut index = Index::create().name(name).table(table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("match_requests").to_owned()).await?;
        manager.drop_table(Table::drop().table("matches").to_owned()).await
    }
}

fn id() -> ColumnDef {
    big_integer("id").auto_increment().primary_key().take()
}

fn matches() -> TableCreateStatement {
    Table::create()
        .table("matches")
        .col(id())
        .col(string_len("org_id", 64))
        .col(big_integer("program_id"))
        .col(big_integer("mentor_enrollment_id"))
        .col(big_integer("mentee_enrollment_id"))
        .col(big_integer("mentor_person_id"))
        .col(big_integer("mentee_person_id"))
        .col(string_len("status", 16))
        .col(string_len("source", 16))
        .col(integer("score"))
        .col(text("explanation"))
        .col(text("overridden_rules"))
        .col(date_null("started_on"))
        .col(date_null("planned_end_on"))
        .col(date_null("ended_on"))
        .col(string_len_null("end_reason", 32))
        .col(text_null("end_note"))
        .col(integer("version"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .foreign_key(
            ForeignKey::create()
                .from("matches", "program_id")
                .to("programs", "id")
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .from("matches", "mentor_enrollment_id")
                .to("enrollments", "id")
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .from("matches", "mentee_enrollment_id")
                .to("enrollments", "id")
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn match_requests() -> TableCreateStatement {
    Table::create()
        .table("match_requests")
        .col(id())
        .col(string_len("org_id", 64))
        .col(big_integer("program_id"))
        .col(big_integer("mentor_enrollment_id"))
        .col(big_integer("mentee_enrollment_id"))
        .col(text("note"))
        .col(string_len("status", 16))
        .col(timestamp_with_time_zone("expires_at"))
        .col(timestamp_with_time_zone_null("answered_at"))
        .col(big_integer_null("match_id"))
        .col(integer("version"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .foreign_key(
            ForeignKey::create()
                .from("match_requests", "program_id")
                .to("programs", "id")
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .from("match_requests", "mentor_enrollment_id")
                .to("enrollments", "id")
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .from("match_requests", "mentee_enrollment_id")
                .to("enrollments", "id")
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}
