//! The foundation: people, skills, programs with objectives, enrolments and the audit trail.
//!
//! Every table carries `org_id` (the tenant from the token) and every index that
//! serves a lookup starts with it, so one organisation's queries never scan another's rows.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in
            [people(), skills(), person_skills(), programs(), program_objectives(), enrollments(), audit_events()]
        {
            manager.create_table(table).await?;
        }
        for index in indexes() {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in
            ["audit_events", "enrollments", "program_objectives", "programs", "person_skills", "skills", "people"]
        {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

fn id() -> ColumnDef {
    big_integer("id").auto_increment().primary_key().take()
}

fn org() -> ColumnDef {
    string_len("org_id", 64)
}

fn stamped(table: &mut TableCreateStatement) -> TableCreateStatement {
    table.col(timestamp_with_time_zone("created_at")).col(timestamp_with_time_zone("updated_at")).to_owned()
}

fn people() -> TableCreateStatement {
    stamped(
        Table::create()
            .table("people")
            .col(id())
            .col(org())
            .col(string_len("employee_id", 64))
            .col(string_len("name", 200))
            .col(string_len_null("email", 320))
            .col(string_len_null("department", 120))
            .col(string_len_null("job_title", 120))
            .col(integer("level"))
            .col(string_len_null("manager_employee_id", 64))
            .col(string_len_null("generation", 32))
            .col(date_null("hired_on"))
            .col(string_len("employment_status", 16))
            .col(date_null("left_on"))
            .col(integer("version")),
    )
}

fn skills() -> TableCreateStatement {
    stamped(
        Table::create()
            .table("skills")
            .col(id())
            .col(org())
            .col(string_len("name", 120))
            .col(string_len("name_key", 120))
            .col(string_len("category", 32))
            .col(string_len_null("external_uri", 500))
            .col(integer("version")),
    )
}

fn person_skills() -> TableCreateStatement {
    stamped(
        Table::create()
            .table("person_skills")
            .col(id())
            .col(org())
            .col(big_integer("person_id"))
            .col(big_integer("skill_id"))
            .col(string_len("relation", 16))
            .col(small_integer("strength"))
            .foreign_key(
                ForeignKey::create()
                    .from("person_skills", "person_id")
                    .to("people", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .from("person_skills", "skill_id")
                    .to("skills", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            ),
    )
}

fn programs() -> TableCreateStatement {
    stamped(
        Table::create()
            .table("programs")
            .col(id())
            .col(org())
            .col(string_len("name", 200))
            .col(text("description"))
            .col(string_len("kind", 32))
            .col(string_len("status", 16))
            .col(date("starts_on"))
            .col(date("ends_on"))
            .col(integer("relationship_months"))
            .col(text("matching_rules"))
            .col(string_len_null("end_reason", 16))
            .col(text_null("end_note"))
            .col(date_null("ended_on"))
            .col(integer("version")),
    )
}

fn program_objectives() -> TableCreateStatement {
    stamped(
        Table::create()
            .table("program_objectives")
            .col(id())
            .col(org())
            .col(big_integer("program_id"))
            .col(string_len("kind", 48))
            .col(double("target"))
            .col(date_null("due_on"))
            .col(integer_null("window_months"))
            .foreign_key(
                ForeignKey::create()
                    .from("program_objectives", "program_id")
                    .to("programs", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            ),
    )
}

fn enrollments() -> TableCreateStatement {
    stamped(
        Table::create()
            .table("enrollments")
            .col(id())
            .col(org())
            .col(big_integer("program_id"))
            .col(big_integer("person_id"))
            .col(string_len("role", 16))
            .col(string_len("status", 16))
            .col(integer_null("capacity"))
            .col(text("goals"))
            .col(integer("version"))
            .foreign_key(
                ForeignKey::create()
                    .from("enrollments", "program_id")
                    .to("programs", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .from("enrollments", "person_id")
                    .to("people", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            ),
    )
}

fn audit_events() -> TableCreateStatement {
    Table::create()
        .table("audit_events")
        .col(id())
        .col(org())
        .col(string_len("actor", 200))
        .col(string_len("action", 64))
        .col(string_len("entity_type", 32))
        .col(big_integer_null("entity_id"))
        .col(text("details"))
        .col(timestamp_with_time_zone("at"))
        .to_owned()
}

fn index(name: &'static str, table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).to_owned();
    for column in columns {
        index.col(*column);
    }
    if unique {
        index.unique();
    }
    index
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index("ux_people_org_employee", "people", &["org_id", "employee_id"], true),
        index("ix_people_org_department", "people", &["org_id", "department", "id"], false),
        index("ix_people_org_manager", "people", &["org_id", "manager_employee_id"], false),
        index("ux_skills_org_name", "skills", &["org_id", "name_key"], true),
        index("ux_person_skills_entry", "person_skills", &["person_id", "relation", "skill_id"], true),
        index("ix_person_skills_skill", "person_skills", &["org_id", "skill_id"], false),
        index("ix_programs_org", "programs", &["org_id", "id"], false),
        index("ix_objectives_program", "program_objectives", &["program_id"], false),
        index("ux_enrollments_entry", "enrollments", &["program_id", "person_id", "role"], true),
        index("ix_enrollments_person", "enrollments", &["org_id", "person_id"], false),
        index("ix_audit_org", "audit_events", &["org_id", "id"], false),
    ]
}
