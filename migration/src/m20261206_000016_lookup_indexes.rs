//! The lookups a nested query batches (the people, skills, person skills, enrolments, meetings,
//! learnings and feedback of a page of matches) filter by organisation and a list of ids. With
//! only `org_id` and the id in separate indexes, PostgreSQL's plan for a list of unknown length
//! (a prepared statement's generic plan) read the whole organisation through `org_id` and
//! filtered; one index on both answers every list length with only the rows asked for.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index, table, columns)
const INDEXES: [(&str, &str, &str); 7] = [
    ("ix_people_org_id", "people", "org_id, id"),
    ("ix_skills_org_id", "skills", "org_id, id"),
    ("ix_person_skills_org_person", "person_skills", "org_id, person_id"),
    ("ix_enrollments_org_id", "enrollments", "org_id, id"),
    ("ix_meetings_org_match", "meetings", "org_id, match_id, held_at"),
    ("ix_learnings_org_match", "learnings", "org_id, match_id"),
    ("ix_feedback_org_match", "feedback", "org_id, match_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (index, table, columns) in INDEXES {
            manager
                .get_connection()
                .execute_unprepared(&format!("CREATE INDEX {index} ON {table} ({columns})"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (index, _, _) in INDEXES {
            manager.get_connection().execute_unprepared(&format!("DROP INDEX {index}")).await?;
        }
        Ok(())
    }
}
