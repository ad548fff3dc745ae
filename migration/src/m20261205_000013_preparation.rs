//! Preparation courses: the LMS courses a program asks mentors, mentees or both to complete
//! (some before they can be matched), and the completions the LMS reports.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let courses = Table::create()
            .table("preparation_courses")
            .col(big_integer("id").auto_increment().primary_key())
            .col(string_len("org_id", 64))
            .col(big_integer("program_id"))
            // The course's activity IRI in the LMS.
            .col(string_len("activity_iri", 2048))
            .col(string_len("title", 200))
            // MENTOR, MENTEE or BOTH.
            .col(string_len("audience", 16))
            .col(boolean("required_before_matching"))
            .col(timestamp_with_time_zone("created_at"))
            .to_owned();
        manager.create_table(courses).await?;
        let by_program = Index::create()
            .name("ux_preparation_courses_program")
            .table("preparation_courses")
            .col("org_id")
            .col("program_id")
            .col("activity_iri")
            .unique()
            .to_owned();
        manager.create_index(by_program).await?;
        let completions = Table::create()
            .table("course_completions")
            .col(big_integer("id").auto_increment().primary_key())
            .col(string_len("org_id", 64))
            .col(big_integer("person_id"))
            .col(string_len("activity_iri", 2048))
            .col(timestamp_with_time_zone("completed_at"))
            // xAPI's scaled score, -1 to 1.
            .col(double_null("score"))
            .col(timestamp_with_time_zone("recorded_at"))
            .to_owned();
        manager.create_table(completions).await?;
        let by_person = Index::create()
            .name("ux_course_completions_person")
            .table("course_completions")
            .col("org_id")
            .col("person_id")
            .col("activity_iri")
            .unique()
            .to_owned();
        manager.create_index(by_person).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("course_completions").to_owned()).await?;
        manager.drop_table(Table::drop().table("preparation_courses").to_owned()).await
    }
}
