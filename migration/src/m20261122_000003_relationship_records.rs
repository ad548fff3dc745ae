//! What happens inside a relationship: meetings, skills learned both ways, feedback,
//! and what the pair agrees to work on.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let objectives = Table::alter().table("matches").add_column(text("pair_objectives").default("[]")).to_owned();
        manager.alter_table(objectives).await?;
        for table in [meetings(), learnings(), feedback()] {
            manager.create_table(table).await?;
        }
        let indexes = [
            ("ix_meetings_match", "meetings", vec!["match_id", "held_at"]),
            ("ix_meetings_org", "meetings", vec!["org_id", "id"]),
            ("ix_learnings_match", "learnings", vec!["match_id"]),
            ("ix_learnings_org", "learnings", vec!["org_id", "id"]),
            ("ix_feedback_match", "feedback", vec!["match_id", "respondent_person_id", "period"]),
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
        for table in ["feedback", "learnings", "meetings"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table("matches").drop_column("pair_objectives").to_owned()).await
    }
}

fn id() -> ColumnDef {
    big_integer("id").auto_increment().primary_key().take()
}

fn owned_by_match(table: &'static str) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(id())
        .col(string_len("org_id", 64))
        .col(big_integer("match_id"))
        .foreign_key(
            ForeignKey::create().from(table, "match_id").to("matches", "id").on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn meetings() -> TableCreateStatement {
    owned_by_match("meetings")
        .col(timestamp_with_time_zone("held_at"))
        .col(integer("minutes"))
        .col(string_len("format", 16))
        .col(text("agenda"))
        .col(text("notes"))
        .col(text("action_items"))
        .col(string_len("logged_by", 200))
        .col(integer("version"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .to_owned()
}

fn learnings() -> TableCreateStatement {
    owned_by_match("learnings")
        .col(big_integer("learner_person_id"))
        .col(string_len("learner_side", 16))
        .col(big_integer("skill_id"))
        .col(text("note"))
        .col(big_integer_null("recorded_by_person_id"))
        .col(big_integer_null("confirmed_by_person_id"))
        .col(timestamp_with_time_zone_null("confirmed_at"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(
            ForeignKey::create().from("learnings", "skill_id").to("skills", "id").on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn feedback() -> TableCreateStatement {
    owned_by_match("feedback")
        .col(big_integer("respondent_person_id"))
        .col(string_len("period", 7))
        .col(small_integer("satisfaction"))
        .col(small_integer("confidence"))
        .col(text("comment"))
        .col(timestamp_with_time_zone("submitted_at"))
        .to_owned()
}
