//! The training-record log: xAPI statements derived from the records in the same transaction
//! as the record, appended and never edited; publishing them in commit order for pullers; and
//! the Basic-auth clients (LMSs, LRSs) that pull them.
//!
//! Writers append without a lock. A reader first publishes what has committed since the last
//! reader: under a per-organisation lock each new statement gets the next `position` and its
//! `stored` time. Positions therefore follow commit order, so a keyset scan over them never
//! misses a statement that committed after the scan began.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::audit::Change;
use super::entity::{enrollment, learning, lrs_client, matched_pair, meeting, person, program, skill, xapi_statement};
use super::{Scoped, Store, now, parse_stored, secrets};
use crate::domain::enrollment::EnrollmentStatus;
use crate::domain::xapi::{self, Append, Derived, Issued};
use crate::error::{Error, Result};

/// A person's employee id and e-mail.
type Named = (String, Option<String>);

fn learner((employee_id, email): &Named) -> xapi::Learner<'_> {
    xapi::Learner { employee_id, email: email.as_deref() }
}

/// Ids per `IN` list when a whole program is derived.
const CHUNK: usize = 500;

/// The records whose training statements a write may have changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Touched {
    /// A relationship: its meetings, learnings and completion.
    Match(i64),
    /// An enrolment: its registration.
    Enrollment(i64),
    /// Every relationship and enrolment of a program (an imported history).
    Program(i64),
}

impl Touched {
    /// What an audited change touched, if anything that statements are derived from: every
    /// write is audited in its own transaction, so deriving there covers every write.
    pub(crate) fn by(change: &Change<'_>) -> Option<Touched> {
        let match_of_details = || change.details.get("matchId").and_then(Value::as_i64).map(Touched::Match);
        match (change.entity_type, change.action) {
            ("Meeting" | "Learning", _) => match_of_details(),
            ("Match", _) => change.entity_id.map(Touched::Match),
            ("Enrollment", _) => change.entity_id.map(Touched::Enrollment),
            ("Program", "program.history.import") => change.entity_id.map(Touched::Program),
            _ => None,
        }
    }
}

/// What a pull asks for (xAPI 1.0.3 statement query parameters, already checked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementQuery {
    /// The actor's key (`domain::xapi::account_key`).
    pub agent: Option<String>,
    pub verb: Option<String>,
    pub activity: Option<String>,
    pub registration: Option<Uuid>,
    /// Stored strictly after.
    pub since: Option<DateTime<Utc>>,
    /// Stored at or before.
    pub until: Option<DateTime<Utc>>,
    pub ascending: bool,
    /// At most this many statements.
    pub limit: u64,
    /// Where the previous page stopped.
    pub cursor: Option<Cursor>,
}

/// Where a page of statements continues: after a position, within the log as the first page
/// saw it. Written `AFTER.THROUGH`; it stays valid as long as the log (which only grows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub after: i64,
    pub through: i64,
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.after, self.through)
    }
}

impl std::str::FromStr for Cursor {
    type Err = Error;
    fn from_str(text: &str) -> Result<Cursor> {
        let bad =
            || Error::BadInput(format!("'{}' is not a cursor this service gave", crate::graphql::prefix(text, 40)));
        let (after, through) = text.split_once('.').ok_or_else(bad)?;
        Ok(Cursor { after: after.parse().map_err(|_| bad())?, through: through.parse().map_err(|_| bad())? })
    }
}

/// The end of the published log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogEnd {
    /// The last position given (0 for an empty log).
    pub position: i64,
    /// Every statement stored at or before this instant is visible.
    pub consistent_through: DateTime<Utc>,
}

/// One page of statements.
#[derive(Debug, Clone)]
pub struct StatementPage {
    /// Each statement as JSON text, `stored` included.
    pub statements: Vec<String>,
    /// Where the next page continues, when there is one.
    pub next: Option<Cursor>,
    /// Every statement stored at or before this instant is in the log's answers.
    pub consistent_through: DateTime<Utc>,
}

/// One person's completed relationship, as an LMS imports external training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub employee_id: String,
    pub program_name: String,
    pub side: crate::domain::relationship::PairSide,
    pub completed_on: chrono::NaiveDate,
    /// Minutes of the relationship's meetings.
    pub minutes: i64,
}

impl Store {
    /// The live LRS client with this key and secret: it names the organisation.
    pub async fn lrs_client(&self, key: &str, secret: &str) -> Result<Option<lrs_client::Model>> {
        let client = lrs_client::Entity::find().filter(lrs_client::Column::Key.eq(key)).one(&self.db).await?;
        Ok(client.filter(|client| client.revoked_at.is_none() && secrets::matches(secret, &client.secret_hash)))
    }
}

impl Scoped<'_> {
    /// Appends what the touched records say now and the log does not: voiding statements for
    /// statements whose record changed or went away, then the new statements.
    /// Returns how many statements were appended.
    pub(crate) async fn derive_training_records<C: ConnectionTrait>(&self, db: &C, touched: Touched) -> Result<usize> {
        match touched {
            Touched::Match(id) => self.derive_for_matches(db, &[id]).await,
            Touched::Enrollment(id) => self.derive_for_enrollments(db, &[id]).await,
            Touched::Program(id) => {
                let matches: Vec<i64> = matched_pair::Entity::find()
                    .filter(matched_pair::Column::OrgId.eq(self.org))
                    .filter(matched_pair::Column::ProgramId.eq(id))
                    .select_only()
                    .column(matched_pair::Column::Id)
                    .into_tuple()
                    .all(db)
                    .await?;
                let mut appended = 0;
                for chunk in matches.chunks(CHUNK) {
                    appended += self.derive_for_matches(db, chunk).await?;
                }
                let enrollments: Vec<i64> = enrollment::Entity::find()
                    .filter(enrollment::Column::OrgId.eq(self.org))
                    .filter(enrollment::Column::ProgramId.eq(id))
                    .select_only()
                    .column(enrollment::Column::Id)
                    .into_tuple()
                    .all(db)
                    .await?;
                for chunk in enrollments.chunks(CHUNK) {
                    appended += self.derive_for_enrollments(db, chunk).await?;
                }
                Ok(appended)
            }
        }
    }

    async fn derive_for_matches<C: ConnectionTrait>(&self, db: &C, ids: &[i64]) -> Result<usize> {
        // Two writes to one relationship at once must not both void its completion and issue
        // two new ones: the second waits for the first here.
        matched_pair::Entity::update_many()
            .col_expr(matched_pair::Column::Id, Expr::col(matched_pair::Column::Id))
            .filter(matched_pair::Column::OrgId.eq(self.org))
            .filter(matched_pair::Column::Id.is_in(ids.iter().copied()))
            .exec(db)
            .await?;
        let pairs = matched_pair::Entity::find()
            .filter(matched_pair::Column::OrgId.eq(self.org))
            .filter(matched_pair::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?;
        let people: HashSet<i64> =
            pairs.iter().flat_map(|pair| [pair.mentor_person_id, pair.mentee_person_id]).collect();
        let named = self.people_named(db, people).await?;
        let identity = self.org_identity(db).await?;
        // Sorted here, not by the statement: ordered by id, SQLite walks the whole organisation's
        // meetings (and learnings) through the (org_id, id) index instead of these matches' rows.
        let mut rows = meeting::Entity::find()
            .filter(meeting::Column::OrgId.eq(self.org))
            .filter(meeting::Column::MatchId.is_in(ids.iter().copied()))
            .all(db)
            .await?;
        rows.sort_unstable_by_key(|row| row.id);
        let mut meetings: HashMap<i64, Vec<xapi::Meeting>> = HashMap::new();
        for row in rows {
            let meeting = xapi::Meeting { id: row.id, held_at: row.held_at, minutes: row.minutes };
            meetings.entry(row.match_id).or_default().push(meeting);
        }
        let mut learnings = learning::Entity::find()
            .filter(learning::Column::OrgId.eq(self.org))
            .filter(learning::Column::MatchId.is_in(ids.iter().copied()))
            .filter(learning::Column::ConfirmedAt.is_not_null())
            .all(db)
            .await?;
        learnings.sort_unstable_by_key(|row| row.id);
        let skills: HashMap<i64, skill::Model> = if learnings.is_empty() {
            HashMap::new()
        } else {
            skill::Entity::find()
                .filter(skill::Column::OrgId.eq(self.org))
                .filter(skill::Column::Id.is_in(learnings.iter().map(|learning| learning.skill_id)))
                .all(db)
                .await?
                .into_iter()
                .map(|skill| (skill.id, skill))
                .collect()
        };
        let mut derived = Vec::new();
        for pair in &pairs {
            let (Some(mentor), Some(mentee)) = (named.get(&pair.mentor_person_id), named.get(&pair.mentee_person_id))
            else {
                return Err(Error::Internal(format!("match {} names a person who is not stored", pair.id)));
            };
            let mut learned = Vec::new();
            for row in learnings.iter().filter(|learning| learning.match_id == pair.id) {
                let skill = skills
                    .get(&row.skill_id)
                    .ok_or_else(|| Error::Internal(format!("learning {} names a skill that is not stored", row.id)))?;
                learned.push(xapi::Learning {
                    id: row.id,
                    learner: parse_stored(&row.learner_side)?,
                    skill_id: skill.id,
                    skill_name: &skill.name,
                    skill_uri: skill.external_uri.as_deref(),
                    confirmed_at: row.confirmed_at,
                });
            }
            let relationship = xapi::Relationship {
                id: pair.id,
                program_id: pair.program_id,
                status: parse_stored(&pair.status)?,
                mentor: learner(mentor),
                mentee: learner(mentee),
                started_on: pair.started_on,
                ended_on: pair.ended_on,
            };
            let held = meetings.get(&pair.id).map_or(&[][..], Vec::as_slice);
            let statements = xapi::relationship_statements(&identity, self.org, &relationship, held, &learned);
            derived.extend(statements.into_iter().map(|statement| (statement, Some(pair.id), None)));
        }
        let issued = self.issued(db, xapi_statement::Column::MatchId, ids).await?;
        self.append(db, derived, issued).await
    }

    async fn derive_for_enrollments<C: ConnectionTrait>(&self, db: &C, ids: &[i64]) -> Result<usize> {
        let rows = enrollment::Entity::find()
            .filter(enrollment::Column::OrgId.eq(self.org))
            .filter(enrollment::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?;
        let named = self.people_named(db, rows.iter().map(|row| row.person_id).collect()).await?;
        let identity = self.org_identity(db).await?;
        let programs = self.program_names(db, rows.iter().map(|row| row.program_id)).await?;
        let mut derived = Vec::new();
        for row in &rows {
            let (Some(person), Some(program_name)) = (named.get(&row.person_id), programs.get(&row.program_id)) else {
                return Err(Error::Internal(format!("enrolment {} names a record that is not stored", row.id)));
            };
            let enrollment = xapi::Enrollment {
                id: row.id,
                program_id: row.program_id,
                program_name,
                person: learner(person),
                accepted: row.status == EnrollmentStatus::Accepted.as_str(),
                enrolled_at: row.created_at,
            };
            let statements = xapi::enrollment_statements(&identity, self.org, &enrollment);
            derived.extend(statements.into_iter().map(|statement| (statement, None, Some(row.id))));
        }
        let issued = self.issued(db, xapi_statement::Column::EnrollmentId, ids).await?;
        self.append(db, derived, issued).await
    }

    /// Employee id and e-mail of each of these people.
    async fn people_named<C: ConnectionTrait>(&self, db: &C, people: HashSet<i64>) -> Result<HashMap<i64, Named>> {
        let rows: Vec<(i64, String, Option<String>)> = person::Entity::find()
            .filter(person::Column::OrgId.eq(self.org))
            .filter(person::Column::Id.is_in(people))
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::EmployeeId)
            .column(person::Column::Email)
            .into_tuple()
            .all(db)
            .await?;
        Ok(rows.into_iter().map(|(id, employee_id, email)| (id, (employee_id, email))).collect())
    }

    /// The names of these programs.
    async fn program_names<C: ConnectionTrait>(
        &self,
        db: &C,
        ids: impl Iterator<Item = i64>,
    ) -> Result<HashMap<i64, String>> {
        let ids: HashSet<i64> = ids.collect();
        let rows: Vec<(i64, String)> = program::Entity::find()
            .filter(program::Column::OrgId.eq(self.org))
            .filter(program::Column::Id.is_in(ids))
            .select_only()
            .column(program::Column::Id)
            .column(program::Column::Name)
            .into_tuple()
            .all(db)
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// The deployment's identity naming people the way this organisation chose.
    async fn org_identity<C: ConnectionTrait>(&self, db: &C) -> Result<xapi::Identity> {
        Ok(self.xapi.naming(self.org_settings_on(db).await?.xapi_actor))
    }

    /// The log's rows for these relationships or enrolments, voided and voiding ones included.
    async fn issued<C: ConnectionTrait>(
        &self,
        db: &C,
        owner: xapi_statement::Column,
        ids: &[i64],
    ) -> Result<Vec<xapi_statement::Model>> {
        // Sorted here for the reason `derive_for_matches` sorts meetings.
        let mut rows = xapi_statement::Entity::find()
            .filter(xapi_statement::Column::OrgId.eq(self.org))
            .filter(owner.is_in(ids.iter().copied()))
            .all(db)
            .await?;
        rows.sort_unstable_by_key(|row| row.seq);
        Ok(rows)
    }

    async fn append<C: ConnectionTrait>(
        &self,
        db: &C,
        derived: Vec<(Derived, Option<i64>, Option<i64>)>,
        rows: Vec<xapi_statement::Model>,
    ) -> Result<usize> {
        let voided: HashSet<&str> = rows.iter().filter_map(|row| row.voids.as_deref()).collect();
        let mut issued = Vec::with_capacity(rows.len());
        for row in &rows {
            issued.push(Issued {
                statement_id: parse_stored(&row.statement_id)?,
                source: row.source.clone(),
                voiding: row.voids.is_some(),
                voided: voided.contains(row.statement_id.as_str()),
            });
        }
        let owners: HashMap<String, (Option<i64>, Option<i64>)> = derived
            .iter()
            .map(|(statement, match_id, enrollment_id)| (statement.source.clone(), (*match_id, *enrollment_id)))
            .collect();
        let appends =
            xapi::reconcile(self.org, derived.into_iter().map(|(statement, ..)| statement).collect(), &issued);
        if appends.is_empty() {
            return Ok(0);
        }
        let by_id: HashMap<&str, &xapi_statement::Model> =
            rows.iter().map(|row| (row.statement_id.as_str(), row)).collect();
        let at = now();
        let mut new_rows = Vec::with_capacity(appends.len());
        for append in appends {
            new_rows.push(match append {
                Append::Void { target } => {
                    let row = by_id
                        .get(target.to_string().as_str())
                        .ok_or_else(|| Error::Internal(format!("statement {target} to void is not in the log")))?;
                    let body: Value = serde_json::from_str(&row.body)
                        .map_err(|error| Error::Internal(format!("stored statement {target}: {error}")))?;
                    let (id, statement) = xapi::voiding(target, &body["actor"]);
                    xapi_statement::ActiveModel {
                        org_id: Set(self.org.to_owned()),
                        statement_id: Set(id.to_string()),
                        source: Set(row.source.clone()),
                        match_id: Set(row.match_id),
                        enrollment_id: Set(row.enrollment_id),
                        voids: Set(Some(target.to_string())),
                        verb: Set(xapi::verbs::VOIDED.to_owned()),
                        target_verb: Set(Some(row.verb.clone())),
                        agent: Set(row.agent.clone()),
                        activity: Set(row.activity.clone()),
                        registration: Set(row.registration.clone()),
                        position: Set(None),
                        stored: Set(None),
                        body: Set(xapi::issued_body(id, statement, self.xapi, at).to_string()),
                        ..Default::default()
                    }
                }
                Append::Issue { id, derived } => {
                    let (match_id, enrollment_id) = owners.get(&derived.source).copied().unwrap_or_default();
                    xapi_statement::ActiveModel {
                        org_id: Set(self.org.to_owned()),
                        statement_id: Set(id.to_string()),
                        source: Set(derived.source),
                        match_id: Set(match_id),
                        enrollment_id: Set(enrollment_id),
                        voids: Set(None),
                        verb: Set(derived.verb.to_owned()),
                        target_verb: Set(None),
                        agent: Set(derived.agent),
                        activity: Set(derived.activity),
                        registration: Set(derived.registration.map(|registration| registration.to_string())),
                        position: Set(None),
                        stored: Set(None),
                        body: Set(xapi::issued_body(id, derived.statement, self.xapi, at).to_string()),
                        ..Default::default()
                    }
                }
            });
        }
        let sizes: Vec<usize> = new_rows
            .iter()
            .map(|row| match &row.body {
                sea_orm::ActiveValue::Set(body) => body.len() + 300,
                _ => 300,
            })
            .collect();
        for batch in super::sized_batches(&sizes) {
            xapi_statement::Entity::insert_many(new_rows[batch].to_vec()).exec_without_returning(db).await?;
        }
        Ok(new_rows.len())
    }

    /// Derives a program's training records from its records again, appending only what the
    /// log lacks: records made before the log existed (an upgraded deployment), or a skill or
    /// program renamed since. Returns how many statements were appended.
    pub async fn derive_program_training_records(&self, program_id: i64) -> Result<usize> {
        let txn = self.begin().await?;
        self.program_in(&txn, program_id).await?.ok_or_else(|| Error::not_found("program"))?;
        let appended = self.derive_training_records(&txn, Touched::Program(program_id)).await?;
        let details = json!({ "appended": appended });
        let change = Change { action: "training.derive", entity_type: "Program", entity_id: Some(program_id), details };
        self.audit(&txn, change).await?;
        txn.commit().await?;
        // Publish a large derivation now rather than in the first puller's request.
        self.publish_statements().await?;
        Ok(appended)
    }

    /// Publishes what has committed since the last reader: the next positions in commit order
    /// and a `stored` time later than any before. Returns the log's end as readers now see it.
    pub async fn publish_statements(&self) -> Result<LogEnd> {
        let waiting = xapi_statement::Entity::find()
            .filter(xapi_statement::Column::OrgId.eq(self.org))
            .filter(xapi_statement::Column::Position.is_null())
            .select_only()
            .column(xapi_statement::Column::Seq)
            .into_tuple::<i64>()
            .one(self.db)
            .await?;
        if waiting.is_none() {
            return self.log_end(self.db).await;
        }
        let txn = self.begin().await?;
        if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            // SQLite's BEGIN IMMEDIATE already serialises publishers.
            let lock = sea_orm::Statement::from_sql_and_values(
                sea_orm::DatabaseBackend::Postgres,
                "SELECT pg_advisory_xact_lock(hashtext($1))::text",
                [format!("xapi-publish:{}", self.org).into()],
            );
            txn.query_one_raw(lock).await?;
        }
        let (last_position, last_stored) = self.published_end(&txn).await?;
        let first: Option<i64> = xapi_statement::Entity::find()
            .filter(xapi_statement::Column::OrgId.eq(self.org))
            .filter(xapi_statement::Column::Position.is_null())
            .select_only()
            .column_as(xapi_statement::Column::Seq.min(), "first")
            .into_tuple::<Option<i64>>()
            .one(&txn)
            .await?
            .flatten();
        let stored = match last_stored {
            Some(last) if last >= now() => last + chrono::Duration::microseconds(1),
            _ => now(),
        };
        if let Some(first) = first {
            // A row with a smaller `seq` committing meanwhile waits for the next publisher, which
            // numbers it after these: positions never go back.
            let offset = last_position.unwrap_or(0) + 1 - first;
            xapi_statement::Entity::update_many()
                .col_expr(
                    xapi_statement::Column::Position,
                    Expr::col(xapi_statement::Column::Seq).add(Expr::value(offset)),
                )
                .col_expr(xapi_statement::Column::Stored, Expr::value(stored))
                .filter(xapi_statement::Column::OrgId.eq(self.org))
                .filter(xapi_statement::Column::Position.is_null())
                .filter(xapi_statement::Column::Seq.gte(first))
                .exec(&txn)
                .await?;
        }
        let end = self.log_end(&txn).await?;
        txn.commit().await?;
        Ok(end)
    }

    /// The log's end as this connection sees it. Publishers run one at a time and each stamps
    /// later than every publisher before it, so one not yet committed stamps later than the last
    /// `stored` seen here: every statement stored up to that instant is visible.
    async fn log_end<C: ConnectionTrait>(&self, db: &C) -> Result<LogEnd> {
        let (position, stored) = self.published_end(db).await?;
        Ok(LogEnd { position: position.unwrap_or(0), consistent_through: stored.unwrap_or(DateTime::UNIX_EPOCH) })
    }

    /// The last position and `stored` time given so far, each read backwards along its index
    /// (two aggregates in one statement made SQLite scan the whole log).
    async fn published_end<C: ConnectionTrait>(&self, db: &C) -> Result<(Option<i64>, Option<DateTime<Utc>>)> {
        let position = xapi_statement::Entity::find()
            .filter(xapi_statement::Column::OrgId.eq(self.org))
            .filter(xapi_statement::Column::Position.is_not_null())
            .order_by_desc(xapi_statement::Column::Position)
            .select_only()
            .column(xapi_statement::Column::Position)
            .into_tuple::<i64>()
            .one(db)
            .await?;
        Ok((position, self.last_stored(db).await?))
    }

    /// The latest `stored` time given so far.
    async fn last_stored<C: ConnectionTrait>(&self, db: &C) -> Result<Option<DateTime<Utc>>> {
        Ok(xapi_statement::Entity::find()
            .filter(xapi_statement::Column::OrgId.eq(self.org))
            .filter(xapi_statement::Column::Stored.is_not_null())
            .order_by_desc(xapi_statement::Column::Stored)
            .select_only()
            .column(xapi_statement::Column::Stored)
            .into_tuple::<DateTime<Utc>>()
            .one(db)
            .await?)
    }

    /// A page of published statements matching `query`, voided ones left out.
    pub async fn statements(&self, query: &StatementQuery) -> Result<StatementPage> {
        // A first page publishes and fixes the log it walks; the pages after it read that log.
        let (through, consistent_through) = match query.cursor {
            Some(cursor) => {
                let consistent_through = self.last_stored(self.db).await?.unwrap_or(DateTime::UNIX_EPOCH);
                (cursor.through, consistent_through)
            }
            None => {
                let end = self.publish_statements().await?;
                (end.position, end.consistent_through)
            }
        };
        let voids = Alias::new("voiding");
        let voided = Query::select()
            .expr(Expr::val(1))
            .from_as(xapi_statement::Entity, voids.clone())
            .and_where(
                Expr::col((voids.clone(), xapi_statement::Column::OrgId))
                    .equals((xapi_statement::Entity, xapi_statement::Column::OrgId)),
            )
            .and_where(
                Expr::col((voids, xapi_statement::Column::Voids))
                    .equals((xapi_statement::Entity, xapi_statement::Column::StatementId)),
            )
            .to_owned();
        let mut select = xapi_statement::Entity::find()
            .filter(xapi_statement::Column::OrgId.eq(self.org))
            .filter(xapi_statement::Column::Position.is_not_null())
            .filter(xapi_statement::Column::Position.lte(through))
            .filter(Condition::all().add(Expr::exists(voided)).not());
        if let Some(Cursor { after, .. }) = query.cursor {
            select = select.filter(if query.ascending {
                xapi_statement::Column::Position.gt(after)
            } else {
                xapi_statement::Column::Position.lt(after)
            });
        }
        if let Some(agent) = &query.agent {
            select = select.filter(xapi_statement::Column::Agent.eq(agent.as_str()));
        }
        if let Some(verb) = &query.verb {
            select = select.filter(
                Condition::any()
                    .add(xapi_statement::Column::Verb.eq(verb.as_str()))
                    .add(xapi_statement::Column::TargetVerb.eq(verb.as_str())),
            );
        }
        if let Some(activity) = &query.activity {
            select = select.filter(xapi_statement::Column::Activity.eq(activity.as_str()));
        }
        if let Some(registration) = query.registration {
            select = select.filter(xapi_statement::Column::Registration.eq(registration.to_string()));
        }
        if let Some(since) = query.since {
            select = select.filter(xapi_statement::Column::Stored.gt(since));
        }
        if let Some(until) = query.until {
            select = select.filter(xapi_statement::Column::Stored.lte(until));
        }
        select = if query.ascending {
            select.order_by_asc(xapi_statement::Column::Position)
        } else {
            select.order_by_desc(xapi_statement::Column::Position)
        };
        let rows: Vec<(i64, DateTime<Utc>, String)> = select
            .select_only()
            .column(xapi_statement::Column::Position)
            .column(xapi_statement::Column::Stored)
            .column(xapi_statement::Column::Body)
            .limit(query.limit + 1)
            .into_tuple()
            .all(self.db)
            .await?;
        let more = rows.len() as u64 > query.limit;
        let rows = &rows[..rows.len().min(usize::try_from(query.limit).unwrap_or(usize::MAX))];
        let next = rows.last().filter(|_| more).map(|(after, ..)| Cursor { after: *after, through });
        let statements = rows.iter().map(|(_, stored, body)| with_stored(body, *stored)).collect();
        Ok(StatementPage { statements, next, consistent_through })
    }

    /// One statement by id: a voided one only when asked for as voided (and the other way round).
    /// Also returns the instant through which the log is consistent.
    pub async fn statement(&self, id: Uuid, voided: bool) -> Result<(Option<String>, DateTime<Utc>)> {
        let consistent_through = self.publish_statements().await?.consistent_through;
        let row = xapi_statement::Entity::find()
            .filter(xapi_statement::Column::OrgId.eq(self.org))
            .filter(xapi_statement::Column::StatementId.eq(id.to_string()))
            .filter(xapi_statement::Column::Position.is_not_null())
            .one(self.db)
            .await?;
        let Some(row) = row else { return Ok((None, consistent_through)) };
        let is_voided = xapi_statement::Entity::find()
            .filter(xapi_statement::Column::OrgId.eq(self.org))
            .filter(xapi_statement::Column::Voids.eq(id.to_string()))
            .one(self.db)
            .await?
            .is_some();
        let stored = row.stored.ok_or_else(|| Error::Internal("a published statement has no stored time".into()))?;
        Ok(((is_voided == voided).then(|| with_stored(&row.body, stored)), consistent_through))
    }

    /// Creates a client an LMS or LRS pulls statements with; the secret is returned once.
    pub async fn create_lrs_client(&self, name: &str) -> Result<(lrs_client::Model, String)> {
        let name = crate::domain::text::required("name", name, 120)?;
        let key = secrets::new_secret("lrs", 12)?;
        let secret = secrets::new_secret("lrs_secret", 32)?;
        let txn = self.begin().await?;
        let client = lrs_client::ActiveModel {
            org_id: Set(self.org.to_owned()),
            name: Set(name),
            key: Set(key),
            secret_hash: Set(secrets::hash(&secret)),
            created_at: Set(now()),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let details = json!({ "name": client.name, "key": client.key });
        let change =
            Change { action: "lrs.client.create", entity_type: "LrsClient", entity_id: Some(client.id), details };
        self.audit(&txn, change).await?;
        txn.commit().await?;
        Ok((client, secret))
    }

    /// Revokes an LRS client at once.
    pub async fn revoke_lrs_client(&self, id: i64) -> Result<lrs_client::Model> {
        let txn = self.begin().await?;
        let client = lrs_client::Entity::find_by_id(id)
            .filter(lrs_client::Column::OrgId.eq(self.org))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("LRS client"))?;
        if client.revoked_at.is_some() {
            return Err(Error::IllegalTransition(format!("LRS client {} is already revoked", client.name)));
        }
        let mut active = client.into_active_model();
        active.revoked_at = Set(Some(now()));
        let client = active.update(&txn).await?;
        let change =
            Change { action: "lrs.client.revoke", entity_type: "LrsClient", entity_id: Some(id), details: json!({}) };
        self.audit(&txn, change).await?;
        txn.commit().await?;
        Ok(client)
    }

    /// Both people of every relationship COMPLETED from `from` to `to` (both included), by
    /// completion day then relationship.
    pub async fn completions(
        &self,
        from: Option<chrono::NaiveDate>,
        to: Option<chrono::NaiveDate>,
    ) -> Result<Vec<Completion>> {
        use crate::domain::relationship::{MatchStatus, PairSide};
        let mut select = matched_pair::Entity::find()
            .filter(matched_pair::Column::OrgId.eq(self.org))
            .filter(matched_pair::Column::Status.eq(MatchStatus::Completed.as_str()));
        if let Some(from) = from {
            select = select.filter(matched_pair::Column::EndedOn.gte(from));
        }
        if let Some(to) = to {
            select = select.filter(matched_pair::Column::EndedOn.lte(to));
        }
        let pairs = select
            .order_by_asc(matched_pair::Column::EndedOn)
            .order_by_asc(matched_pair::Column::Id)
            .all(self.db)
            .await?;
        let people = pairs.iter().flat_map(|pair| [pair.mentor_person_id, pair.mentee_person_id]).collect();
        let named = self.people_named(self.db, people).await?;
        let programs = self.program_names(self.db, pairs.iter().map(|pair| pair.program_id)).await?;
        let mut minutes: HashMap<i64, i64> = HashMap::new();
        for chunk in pairs.chunks(CHUNK) {
            let sums: Vec<(i64, Option<i64>)> = meeting::Entity::find()
                .filter(meeting::Column::OrgId.eq(self.org))
                .filter(meeting::Column::MatchId.is_in(chunk.iter().map(|pair| pair.id)))
                .select_only()
                .column(meeting::Column::MatchId)
                .column_as(Expr::col(meeting::Column::Minutes).sum().cast_as("bigint"), "minutes")
                .group_by(meeting::Column::MatchId)
                .into_tuple()
                .all(self.db)
                .await?;
            minutes.extend(sums.into_iter().map(|(id, sum)| (id, sum.unwrap_or(0))));
        }
        let mut completions = Vec::with_capacity(2 * pairs.len());
        for pair in &pairs {
            let ended =
                pair.ended_on.ok_or_else(|| Error::Internal(format!("match {} completed with no end", pair.id)))?;
            for (side, person) in [(PairSide::Mentor, pair.mentor_person_id), (PairSide::Mentee, pair.mentee_person_id)]
            {
                completions.push(Completion {
                    employee_id: named.get(&person).map(|(employee_id, _)| employee_id.clone()).unwrap_or_default(),
                    program_name: programs.get(&pair.program_id).cloned().unwrap_or_default(),
                    side,
                    completed_on: ended,
                    minutes: minutes.get(&pair.id).copied().unwrap_or(0),
                });
            }
        }
        Ok(completions)
    }

    /// One LRS client.
    pub async fn lrs_client_by_id(&self, id: i64) -> Result<Option<lrs_client::Model>> {
        Ok(lrs_client::Entity::find_by_id(id).filter(lrs_client::Column::OrgId.eq(self.org)).one(self.db).await?)
    }

    /// The key statements name this person by, as the organisation chose.
    pub async fn training_agent(&self, person: &person::Model) -> Result<String> {
        let learner = xapi::Learner { employee_id: &person.employee_id, email: person.email.as_deref() };
        Ok(self.org_identity(self.db).await?.agent_key(learner))
    }

    /// The organisation's LRS clients, newest first.
    pub async fn lrs_clients(&self) -> Result<Vec<lrs_client::Model>> {
        Ok(lrs_client::Entity::find()
            .filter(lrs_client::Column::OrgId.eq(self.org))
            .order_by_desc(lrs_client::Column::Id)
            .all(self.db)
            .await?)
    }
}

/// The statement's JSON with its `stored` time added (bodies are objects written by the store).
fn with_stored(body: &str, stored: DateTime<Utc>) -> String {
    format!("{{\"stored\":\"{}\",{}", xapi::instant(stored), body.strip_prefix('{').unwrap_or(body))
}
