//! Records that stay true: repairs what earlier versions let in where the right value is
//! certain, and re-arms departures so the service's one departure path applies them.
//!
//! - A relationship ended before it started ends on its start day instead.
//! - A relationship ended early by a departure dated in the future (the old `recordDeparture`
//!   ended it at once) runs again until that day.
//! - People marked LEFT whose last day is not past, or who still have running relationships or
//!   open proposals (the old `upsertPeople` left them running), are marked ACTIVE again: the
//!   first request after this migration applies their departure properly, on their last day,
//!   with its audit events.
//!
//! What cannot be repaired without a person's judgement (a meeting outside its dates) is
//! listed by the `recordIntegrity` query and the `check-records` command.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const REPAIRS: [&str; 3] = [
    "UPDATE matches SET ended_on = started_on, version = version + 1
       WHERE ended_on IS NOT NULL AND started_on IS NOT NULL AND ended_on < started_on",
    "UPDATE matches SET status = 'ACTIVE', ended_on = NULL, end_reason = NULL, end_note = NULL, version = version + 1
       WHERE status = 'ENDED_EARLY' AND end_reason = 'LEFT_COMPANY' AND ended_on > CURRENT_DATE",
    "UPDATE people SET employment_status = 'ACTIVE', version = version + 1
       WHERE employment_status = 'LEFT'
         AND (left_on IS NULL OR left_on >= CURRENT_DATE OR EXISTS (
           SELECT 1 FROM matches m
            WHERE m.org_id = people.org_id AND m.status IN ('ACTIVE', 'PROPOSED')
              AND (m.mentor_person_id = people.id OR m.mentee_person_id = people.id)))",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for repair in REPAIRS {
            db.execute_unprepared(repair).await?;
        }
        // Every request looks for departures that came due: keep that lookup an index probe.
        let index = Index::create()
            .name("ix_people_org_status_left")
            .table("people")
            .col("org_id")
            .col("employment_status")
            .col("left_on")
            .to_owned();
        manager.create_index(index).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_people_org_status_left").table("people").to_owned()).await
    }
}
