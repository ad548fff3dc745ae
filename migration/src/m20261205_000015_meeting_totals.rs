//! Each relationship's meeting count and minutes, kept by triggers in the transaction that
//! writes the meeting, so that cadence reads one row per relationship instead of every meeting.
//!
//! `last_held_at` is an upper bound of the relationship's latest meeting (deleting or moving a
//! meeting never lowers it): a metric as of day D may use the totals only when `last_held_at`
//! is before the end of D, and counts that relationship's meetings itself otherwise. Keeping it
//! a bound rather than the exact latest needs no read of other meetings inside the trigger, so
//! two transactions writing one relationship's meetings cannot leave it wrong.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "CREATE TABLE match_meeting_totals (
    match_id BIGINT PRIMARY KEY REFERENCES matches (id) ON DELETE CASCADE,
    org_id VARCHAR(64) NOT NULL,
    meetings BIGINT NOT NULL,
    minutes BIGINT NOT NULL,
    last_held_at TIMESTAMP WITH TIME ZONE NOT NULL
)";

const BACKFILL: &str = "INSERT INTO match_meeting_totals (match_id, org_id, meetings, minutes, last_held_at)
    SELECT match_id, MIN(org_id), COUNT(*), SUM(minutes), MAX(held_at) FROM meetings GROUP BY match_id";

const POSTGRES_TRIGGERS: [&str; 2] = [
    "CREATE FUNCTION match_meeting_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP IN ('UPDATE', 'DELETE') THEN
         UPDATE match_meeting_totals SET meetings = meetings - 1, minutes = minutes - OLD.minutes
          WHERE match_id = OLD.match_id;
       END IF;
       IF TG_OP IN ('INSERT', 'UPDATE') THEN
         INSERT INTO match_meeting_totals (match_id, org_id, meetings, minutes, last_held_at)
         VALUES (NEW.match_id, NEW.org_id, 1, NEW.minutes, NEW.held_at)
         ON CONFLICT (match_id) DO UPDATE SET meetings = match_meeting_totals.meetings + 1,
           minutes = match_meeting_totals.minutes + EXCLUDED.minutes,
           last_held_at = GREATEST(match_meeting_totals.last_held_at, EXCLUDED.last_held_at);
       END IF;
       RETURN NULL;
     END $$",
    "CREATE TRIGGER meetings_follow_totals AFTER INSERT OR UPDATE OR DELETE ON meetings
     FOR EACH ROW EXECUTE FUNCTION match_meeting_totals_follow()",
];

/// SQLite's trigger bodies: a meeting's row counted in, and counted out.
const SQLITE_COUNT_NEW: &str = "INSERT INTO match_meeting_totals (match_id, org_id, meetings, minutes, last_held_at)
       VALUES (NEW.match_id, NEW.org_id, 1, NEW.minutes, NEW.held_at)
       ON CONFLICT (match_id) DO UPDATE SET meetings = meetings + 1, minutes = minutes + excluded.minutes,
         last_held_at = max(last_held_at, excluded.last_held_at);";
const SQLITE_COUNT_OLD_OUT: &str =
    "UPDATE match_meeting_totals SET meetings = meetings - 1, minutes = minutes - OLD.minutes
        WHERE match_id = OLD.match_id;";

fn sqlite_triggers() -> [String; 3] {
    [
        format!("CREATE TRIGGER meetings_follow_totals_insert AFTER INSERT ON meetings BEGIN {SQLITE_COUNT_NEW} END"),
        format!(
            "CREATE TRIGGER meetings_follow_totals_update AFTER UPDATE ON meetings BEGIN \
             {SQLITE_COUNT_OLD_OUT} {SQLITE_COUNT_NEW} END"
        ),
        format!(
            "CREATE TRIGGER meetings_follow_totals_delete AFTER DELETE ON meetings BEGIN {SQLITE_COUNT_OLD_OUT} END"
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(TABLE).await?;
        let triggers: Vec<String> = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_TRIGGERS.map(str::to_owned).to_vec(),
            _ => sqlite_triggers().to_vec(),
        };
        for trigger in &triggers {
            db.execute_unprepared(trigger).await?;
        }
        db.execute_unprepared(BACKFILL).await.map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let drops: &[&str] = match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                &["DROP TRIGGER meetings_follow_totals ON meetings", "DROP FUNCTION match_meeting_totals_follow()"]
            }
            _ => &[
                "DROP TRIGGER meetings_follow_totals_insert",
                "DROP TRIGGER meetings_follow_totals_update",
                "DROP TRIGGER meetings_follow_totals_delete",
            ],
        };
        for drop in drops {
            db.execute_unprepared(drop).await?;
        }
        db.execute_unprepared("DROP TABLE match_meeting_totals").await.map(|_| ())
    }
}
