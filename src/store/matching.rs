//! Coordinator matching: storing proposals, approving and declining them,
//! and manual pairs, with mentor capacity never exceeded.
//!
//! Every write that can use a mentor's slot first locks that mentor's enrolment row
//! (a no-op UPDATE), so concurrent approvals or acceptances for one mentor queue up
//! and each sees the others' result before counting free slots.

use super::OneOf;
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use serde_json::json;

use super::audit::Change;
use super::entity::{enrollment, matched_pair, program};
use super::page::{self, Page, PageRequest};
use super::programs::rules_of;
use super::roster::{Proposals, Roster};
use super::{Scoped, now, parse_stored, today};
use crate::domain::matching::{self, MatchExplanation, MatchingOutcome, Rule, RuleViolation};
use crate::domain::program::ProgramStatus;
use crate::domain::relationship::{self, MatchSource, MatchStatus};
use crate::domain::timeline::{self, Party};
use crate::error::{Error, Result};

/// What a proposal run produced.
pub struct ProposalRun {
    /// The engine's outcome (proposals and unmatched mentees).
    pub outcome: MatchingOutcome,
    /// The stored PROPOSED rows, in the outcome's order (empty on a dry run).
    pub stored: Vec<matched_pair::Model>,
    /// Person id of every enrolment involved.
    pub person_of: std::collections::HashMap<i64, i64>,
}

/// A coordinator's hand-made pair.
pub struct ManualPair {
    /// The program.
    pub program_id: i64,
    /// Mentor enrolment.
    pub mentor_enrollment_id: i64,
    /// Mentee enrolment.
    pub mentee_enrollment_id: i64,
    /// Rules the caller (an ADMIN) chose to override.
    pub overrides: Vec<Rule>,
    /// Whether the caller (an ADMIN) pairs people who lack a required preparation course.
    pub override_preparation: bool,
}

/// Rules an ADMIN may override on a manual pair; capacity and identity are never overridable.
pub const OVERRIDABLE: [Rule; 4] =
    [Rule::Seniority, Rule::ReportingLine, Rule::SameDepartment, Rule::PreviousRelationship];

impl Scoped<'_> {
    /// Runs the optimal assignment; unless `dry_run`, replaces the program's PROPOSED matches with the result.
    pub async fn propose_matches(&self, program_id: i64, dry_run: bool) -> Result<ProposalRun> {
        let txn = self.begin().await?;
        let program = self.program_open_for_matching(&txn, program_id).await?;
        let rules = rules_of(&program)?;
        if rules.mode == matching::MatchingMode::SelfService {
            return Err(Error::IllegalTransition(
                "this program's matching mode is SELF_SERVICE: mentees choose their mentors".into(),
            ));
        }
        let mut roster = self.roster(&txn, &program, Proposals::Replaced).await?;
        let mut outcome = matching::propose(&roster.input).map_err(|error| Error::Internal(error.to_string()))?;
        outcome.unmatched.extend(roster.unprepared_mentees());
        let person_of = roster.person_of;
        if dry_run {
            return Ok(ProposalRun { outcome, stored: Vec::new(), person_of });
        }
        matched_pair::Entity::delete_many()
            .filter(matched_pair::Column::OrgId.eq(self.org))
            .filter(matched_pair::Column::ProgramId.eq(program_id))
            .filter(matched_pair::Column::Status.eq(MatchStatus::Proposed.as_str()))
            .exec(&txn)
            .await?;
        let rows: Vec<matched_pair::ActiveModel> = outcome
            .proposals
            .iter()
            .map(|proposal| {
                let pair = (proposal.mentor_enrolment_id, proposal.mentee_enrolment_id);
                self.new_match(&program, pair, &person_of, &proposal.explanation, MatchSource::Engine, &[])
            })
            .collect::<Result<_>>()?;
        let sizes: Vec<usize> = rows.iter().map(proposal_bytes).collect();
        for batch in super::sized_batches(&sizes) {
            matched_pair::Entity::insert_many(rows[batch].to_vec()).exec_without_returning(&txn).await?;
        }
        let details = json!({ "proposed": outcome.proposals.len(), "unmatched": outcome.unmatched.len(), "totalScore": outcome.total_score });
        self.audit(
            &txn,
            Change { action: "matching.propose", entity_type: "Program", entity_id: Some(program_id), details },
        )
        .await?;
        let stored = self.matches_in_status(&txn, program_id, MatchStatus::Proposed).await?;
        txn.commit().await?;
        let position: std::collections::HashMap<i64, usize> = outcome
            .proposals
            .iter()
            .enumerate()
            .map(|(index, proposal)| (proposal.mentee_enrolment_id, index))
            .collect();
        let mut stored = stored;
        stored.sort_by_key(|row| position.get(&row.mentee_enrollment_id).copied().unwrap_or(usize::MAX));
        Ok(ProposalRun { outcome, stored, person_of })
    }

    /// Approves (ACTIVE, with start and planned end) or declines a proposal.
    pub async fn decide_match(&self, id: i64, approve: bool, note: Option<String>) -> Result<matched_pair::Model> {
        let txn = self.begin().await?;
        let row = self.match_in(&txn, id).await?.ok_or_else(|| Error::not_found("match"))?;
        let to = if approve { MatchStatus::Active } else { MatchStatus::Declined };
        relationship::decide_proposal(parse_stored(&row.status)?, to)?;
        let program = self.program_in(&txn, row.program_id).await?.ok_or_else(|| Error::not_found("program"))?;
        let mut active = row.clone().into_active_model();
        if approve {
            self.lock_enrollment(&txn, row.mentor_enrollment_id).await?;
            self.check_slot_and_mentee(&txn, &row).await?;
            let start = relationship::start_date(today(), program.starts_on);
            self.check_employed_from(&txn, (row.mentor_person_id, row.mentee_person_id), start).await?;
            active.started_on = Set(Some(start));
            active.planned_end_on = Set(Some(relationship::planned_end(start, program.relationship_months)));
        } else {
            active.end_note = Set(note.clone());
        }
        active.status = Set(to.as_str().to_owned());
        active.version = Set(row.version + 1);
        active.updated_at = Set(now());
        let row = active.update(&txn).await?;
        let action = if approve { "match.approve" } else { "match.decline" };
        let details = json!({ "programId": row.program_id, "score": row.score, "note": note });
        self.audit(&txn, Change { action, entity_type: "Match", entity_id: Some(id), details }).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Pairs two people by hand as an ACTIVE match, checked against the program's rules.
    pub async fn pair_manually(&self, pair: ManualPair) -> Result<matched_pair::Model> {
        let txn = self.begin().await?;
        let program = self.program_open_for_matching(&txn, pair.program_id).await?;
        self.lock_enrollment(&txn, pair.mentor_enrollment_id).await?;
        let ids = (pair.mentor_enrollment_id, pair.mentee_enrollment_id);
        self.check_enrolled_employed_from(&txn, ids, relationship::start_date(today(), program.starts_on)).await?;
        let keep = if pair.override_preparation { vec![ids.0, ids.1] } else { Vec::new() };
        let roster = self.pair_roster(&txn, &program, ids, &keep).await?;
        if !pair.override_preparation {
            roster.refuse_unprepared(&[ids.1, ids.0])?;
        }
        let violations = self.violations(&roster, ids)?;
        let (overridden, refused): (Vec<RuleViolation>, Vec<RuleViolation>) =
            violations.into_iter().partition(|violation| pair.overrides.contains(&violation.rule));
        refuse_pair(&refused)?;
        let explanation = explain(&roster, ids)?;
        let rules: Vec<Rule> = overridden.iter().map(|violation| violation.rule).collect();
        let row = self.new_match(&program, ids, &roster.person_of, &explanation, MatchSource::Manual, &rules)?;
        let row = self.start(row, &program).insert(&txn).await?;
        let overrides: Vec<&str> = overridden.iter().map(|violation| violation.message.as_str()).collect();
        let details = json!({ "programId": program.id, "score": row.score, "overriddenRules": overrides,
                               "overridePreparation": pair.override_preparation });
        self.audit(&txn, Change { action: "match.manual", entity_type: "Match", entity_id: Some(row.id), details })
            .await?;
        txn.commit().await?;
        Ok(row)
    }

    pub(super) fn new_match(
        &self,
        program: &program::Model,
        (mentor, mentee): (i64, i64),
        person_of: &std::collections::HashMap<i64, i64>,
        explanation: &MatchExplanation,
        source: MatchSource,
        overridden: &[Rule],
    ) -> Result<matched_pair::ActiveModel> {
        let person =
            |enrollment: i64| person_of.get(&enrollment).copied().ok_or_else(|| Error::not_found("enrollment"));
        let to_json = |value: serde_json::Result<String>| value.map_err(|error| Error::Internal(error.to_string()));
        Ok(matched_pair::ActiveModel {
            org_id: Set(self.org.to_owned()),
            program_id: Set(program.id),
            mentor_enrollment_id: Set(mentor),
            mentee_enrollment_id: Set(mentee),
            mentor_person_id: Set(person(mentor)?),
            mentee_person_id: Set(person(mentee)?),
            status: Set(MatchStatus::Proposed.as_str().to_owned()),
            source: Set(source.as_str().to_owned()),
            score: Set(i32::try_from(explanation.score.score).unwrap_or(i32::MAX)),
            explanation: Set(to_json(serde_json::to_string(explanation))?),
            overridden_rules: Set(to_json(serde_json::to_string(overridden))?),
            pair_objectives: Set("[]".into()),
            version: Set(1),
            created_at: Set(now()),
            updated_at: Set(now()),
            ..Default::default()
        })
    }

    /// Makes a new match ACTIVE from today (or the program's start).
    pub(super) fn start(
        &self,
        mut row: matched_pair::ActiveModel,
        program: &program::Model,
    ) -> matched_pair::ActiveModel {
        let start = relationship::start_date(today(), program.starts_on);
        row.status = Set(MatchStatus::Active.as_str().to_owned());
        row.started_on = Set(Some(start));
        row.planned_end_on = Set(Some(relationship::planned_end(start, program.relationship_months)));
        row
    }

    /// A new relationship starting on `start` needs both people employed that day: hired by
    /// then, and not gone before it (a notice period that ends later is fine).
    pub(super) async fn check_employed_from(
        &self,
        txn: &DatabaseTransaction,
        (mentor, mentee): (i64, i64),
        start: NaiveDate,
    ) -> Result<()> {
        let mut pair = Vec::with_capacity(2);
        for (side, id) in [("mentor", mentor), ("mentee", mentee)] {
            let person = self.person_in(txn, id).await?.ok_or_else(|| Error::not_found("person"))?;
            pair.push(Party { side, employment: person.employment() });
        }
        timeline::check_relationship_start(start, [pair[0], pair[1]])?;
        Ok(())
    }

    /// [`Self::check_employed_from`] for two enrolments (unknown ones are left to the engine's checks).
    pub(super) async fn check_enrolled_employed_from(
        &self,
        txn: &DatabaseTransaction,
        (mentor, mentee): (i64, i64),
        start: NaiveDate,
    ) -> Result<()> {
        let person = |id| async move {
            Ok::<_, Error>(
                enrollment::Entity::find_by_id(id)
                    .filter(enrollment::Column::OrgId.eq(self.org))
                    .one(txn)
                    .await?
                    .map(|row| row.person_id),
            )
        };
        match (person(mentor).await?, person(mentee).await?) {
            (Some(mentor), Some(mentee)) => self.check_employed_from(txn, (mentor, mentee), start).await,
            _ => Ok(()),
        }
    }

    pub(super) fn violations(&self, roster: &Roster, (mentor, mentee): (i64, i64)) -> Result<Vec<RuleViolation>> {
        matching::check_pair(&roster.input, mentor, mentee).map_err(engine_error)
    }

    async fn program_open_for_matching(&self, txn: &DatabaseTransaction, id: i64) -> Result<program::Model> {
        let program = self.program_in(txn, id).await?.ok_or_else(|| Error::not_found("program"))?;
        let status: ProgramStatus = parse_stored(&program.status)?;
        if !matches!(status, ProgramStatus::Enrolling | ProgramStatus::Active) {
            return Err(Error::IllegalTransition(format!(
                "program '{}' is {status}; pairs are formed while ENROLLING or ACTIVE",
                program.name
            )));
        }
        // Touch the program row so concurrent runs for one program queue up.
        program::Entity::update_many()
            .col_expr(program::Column::Id, Expr::col(program::Column::Id))
            .filter(program::Column::Id.eq(id))
            .exec(txn)
            .await?;
        Ok(program)
    }

    pub(super) async fn lock_enrollment(&self, txn: &DatabaseTransaction, id: i64) -> Result<()> {
        enrollment::Entity::update_many()
            .col_expr(enrollment::Column::Id, Expr::col(enrollment::Column::Id))
            .filter(enrollment::Column::OrgId.eq(self.org))
            .filter(enrollment::Column::Id.eq(id))
            .exec(txn)
            .await?;
        Ok(())
    }

    /// Before approving: the mentor has a slot besides this proposal and the mentee no other active pair.
    async fn check_slot_and_mentee(&self, txn: &DatabaseTransaction, row: &matched_pair::Model) -> Result<()> {
        let mentor = enrollment::Entity::find_by_id(row.mentor_enrollment_id)
            .one(txn)
            .await?
            .ok_or_else(|| Error::not_found("enrollment"))?;
        // Only the active pairs of these two enrolments, not the whole program's.
        let active = matched_pair::Entity::find()
            .filter(matched_pair::Column::OrgId.eq(self.org))
            .filter(matched_pair::Column::ProgramId.eq(row.program_id))
            .filter(matched_pair::Column::Status.eq(MatchStatus::Active.as_str()))
            .filter(
                Condition::any()
                    .add(matched_pair::Column::MentorEnrollmentId.eq(row.mentor_enrollment_id))
                    .add(matched_pair::Column::MenteeEnrollmentId.eq(row.mentee_enrollment_id)),
            )
            .all(txn)
            .await?;
        let used = active.iter().filter(|other| other.mentor_enrollment_id == row.mentor_enrollment_id).count();
        if used >= usize::try_from(mentor.capacity.unwrap_or(1)).unwrap_or(0) {
            return Err(Error::Conflict(format!("the mentor's {used} slot(s) are all taken by active pairs")));
        }
        if active.iter().any(|other| other.mentee_enrollment_id == row.mentee_enrollment_id) {
            return Err(Error::Conflict("the mentee already has an active pair in this program".into()));
        }
        Ok(())
    }

    async fn matches_in_status<C: ConnectionTrait>(
        &self,
        db: &C,
        program_id: i64,
        status: MatchStatus,
    ) -> Result<Vec<matched_pair::Model>> {
        Ok(matched_pair::Entity::find()
            .filter(matched_pair::Column::OrgId.eq(self.org))
            .filter(matched_pair::Column::ProgramId.eq(program_id))
            .filter(matched_pair::Column::Status.eq(status.as_str()))
            .all(db)
            .await?)
    }

    pub(crate) async fn match_in<C: ConnectionTrait>(&self, db: &C, id: i64) -> Result<Option<matched_pair::Model>> {
        Ok(matched_pair::Entity::find_by_id(id).filter(matched_pair::Column::OrgId.eq(self.org)).one(db).await?)
    }

    /// One match.
    pub async fn matched_pair(&self, id: i64) -> Result<Option<matched_pair::Model>> {
        self.match_in(self.db, id).await
    }

    /// Matches of a program, of any of `statuses` (all when empty), optionally one participant's.
    pub async fn matches(
        &self,
        program_id: i64,
        statuses: &[MatchStatus],
        person_id: Option<i64>,
        request: PageRequest,
    ) -> Result<Page<matched_pair::Model>> {
        let mut select = matched_pair::Entity::find()
            .filter(matched_pair::Column::OrgId.eq(self.org))
            .filter(matched_pair::Column::ProgramId.eq(program_id));
        if !statuses.is_empty() {
            select = select.filter(
                matched_pair::Column::Status
                    .one_of(self.backend(), statuses.iter().map(|status| status.as_str().to_owned())),
            );
        }
        if let Some(person) = person_id {
            // Participants see relationships; proposals stay with coordinators until approved.
            let relationships =
                [MatchStatus::Active, MatchStatus::Completed, MatchStatus::EndedEarly].map(MatchStatus::as_str);
            select = select
                .filter(
                    sea_orm::Condition::any()
                        .add(matched_pair::Column::MentorPersonId.eq(person))
                        .add(matched_pair::Column::MenteePersonId.eq(person)),
                )
                .filter(matched_pair::Column::Status.is_in(relationships));
        }
        page::fetch(self.db, select, matched_pair::Column::Id, request).await
    }
}

pub(super) fn explain(roster: &Roster, (mentor, mentee): (i64, i64)) -> Result<MatchExplanation> {
    matching::explain_pair(&roster.input, mentor, mentee).map_err(engine_error)
}

/// Refuses a pair that breaks rules: a full mentor is a CONFLICT (someone else got there first),
/// anything else is bad input with every broken rule spelled out.
pub(super) fn refuse_pair(violations: &[RuleViolation]) -> Result<()> {
    if violations.is_empty() {
        return Ok(());
    }
    let messages: Vec<&str> = violations.iter().map(|violation| violation.message.as_str()).collect();
    if violations.iter().all(|violation| matches!(violation.rule, Rule::MentorCapacity | Rule::MenteeAlreadyMatched)) {
        return Err(Error::Conflict(messages.join("; ")));
    }
    Err(Error::BadInput(format!("this pair breaks the program's rules: {}", messages.join("; "))))
}

pub(super) fn engine_error(error: matching::EngineError) -> Error {
    match error {
        matching::EngineError::UnknownMentor(_) => {
            Error::BadInput("the mentor is not an accepted mentor of this program".into())
        }
        matching::EngineError::UnknownMentee(_) => {
            Error::BadInput("the mentee is not an accepted mentee of this program".into())
        }
        other => Error::Internal(other.to_string()),
    }
}

/// Roughly what a proposal's row adds to an insert statement, in bytes (its explanation most).
fn proposal_bytes(row: &matched_pair::ActiveModel) -> usize {
    let text = |value: &sea_orm::ActiveValue<String>| match value {
        sea_orm::ActiveValue::Set(text) | sea_orm::ActiveValue::Unchanged(text) => text.len(),
        sea_orm::ActiveValue::NotSet => 0,
    };
    256 + text(&row.explanation) + text(&row.overridden_rules)
}
