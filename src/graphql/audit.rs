//! The audit trail and the integrity report, readable by admins.

use async_graphql::{Context, Enum, ID, Json, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::access;
use super::connection::{IdConnection, PageArgs, connection};
use super::ids::{self, Kind};
use crate::auth::Role;
use crate::domain::integrity::{self, Problem, Subject};
use crate::error::Result;
use crate::store::entity::audit_event;

/// Who changed what, when.
pub struct AuditEvent(pub audit_event::Model);

#[Object]
impl AuditEvent {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::AuditEvent, self.0.id)
    }
    /// The token subject that made the change.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// What happened, e.g. `program.update`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The kind of thing changed.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The global id of the thing changed, when it is one thing.
    async fn entity_id(&self) -> Option<ID> {
        let kind = match self.0.entity_type.as_str() {
            "Person" => Kind::Person,
            "Skill" => Kind::Skill,
            "Program" => Kind::Program,
            "Enrollment" => Kind::Enrollment,
            "Match" => Kind::Match,
            "MatchRequest" => Kind::MatchRequest,
            "Meeting" => Kind::Meeting,
            "Learning" => Kind::Learning,
            "Feedback" => Kind::Feedback,
            _ => return None,
        };
        self.0.entity_id.map(|id| ids::encode(kind, id))
    }
    /// What changed.
    async fn details(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.details).unwrap_or(serde_json::Value::Null))
    }
    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}

/// Audit queries.
#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The organisation's audit trail, oldest first; optionally about one object.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        entity_id: Option<ID>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<IdConnection<AuditEvent>> {
        access::viewer(ctx).require(&[Role::Admin], "reading the audit trail")?;
        let entity = entity_id.map(|id| ids::decode_any(&id)).transpose()?;
        let entity = entity.map(|(kind, id)| (format!("{kind:?}"), id));
        let request = PageArgs { after, before, first, last }.request(ctx, Kind::AuditEvent)?;
        let page =
            access::scoped(ctx).audit_events(entity.as_ref().map(|(kind, id)| (kind.as_str(), *id)), request).await?;
        Ok(connection(page, Kind::AuditEvent, |row| row.id, AuditEvent))
    }
}

/// A kind of stored record that breaks the rules of time and employment.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "integrity::ProblemKind")]
pub enum RecordProblemKind {
    /// Marked LEFT without a last day in the past.
    StatusWithoutDeparture,
    /// A running or finished relationship with no start date.
    RelationshipWithoutStart,
    /// A relationship ended before it started.
    EndsBeforeStart,
    /// A relationship ended on a day still to come.
    EndsInFuture,
    /// A relationship started before a person was hired or after their last day.
    StartsOutsideEmployment,
    /// A relationship still running, or ended later, after a person's last day.
    OutlivesDeparture,
    /// A meeting outside its relationship's days or either person's employment, or in the future.
    MeetingOutOfDates,
    /// Feedback given after the respondent's last day.
    FeedbackAfterDeparture,
}

/// One stored record that breaks a rule, with the dates in conflict.
#[derive(SimpleObject)]
pub struct RecordProblem {
    /// What is wrong.
    kind: RecordProblemKind,
    /// The global id of the record (a Person, Match, Meeting or Feedback).
    record_id: ID,
    /// The dates in conflict, in words.
    message: String,
}

/// What the integrity report found.
#[derive(SimpleObject)]
pub struct RecordIntegrityReport {
    /// The day the rules were applied on.
    checked_on: NaiveDate,
    /// Every problem, people first, then matches, meetings and feedback.
    problems: Vec<RecordProblem>,
}

impl From<Problem> for RecordProblem {
    fn from(problem: Problem) -> Self {
        let kind = match problem.subject {
            Subject::Person => Kind::Person,
            Subject::Match => Kind::Match,
            Subject::Meeting => Kind::Meeting,
            Subject::Feedback => Kind::Feedback,
        };
        RecordProblem { kind: problem.kind.into(), record_id: ids::encode(kind, problem.id), message: problem.message }
    }
}

/// The integrity report.
#[derive(Default)]
pub struct IntegrityQuery;

#[Object]
impl IntegrityQuery {
    /// Stored records that break the rules on dates and employment (what earlier versions let
    /// in); empty when the records are sound.
    async fn record_integrity(&self, ctx: &Context<'_>) -> Result<RecordIntegrityReport> {
        access::viewer(ctx).require(&[Role::Admin], "reading the integrity report")?;
        let problems = access::scoped(ctx).record_problems().await?;
        Ok(RecordIntegrityReport {
            checked_on: crate::store::today(),
            problems: problems.into_iter().map(RecordProblem::from).collect(),
        })
    }
}
