//! The one departure path, whatever the source (`recordDeparture`, a directory import, a
//! scheduled departure coming due): it sets the last day, ends the person's running
//! relationships on that day, declines their open proposals, withdraws their pending requests
//! and writes the audit trail, all in one transaction.
//!
//! A departure dated today or later waits: the person stays employed and matched until their
//! last day, and the first request after it applies the departure (any replica, idempotently),
//! like request expiry. No timer runs anywhere.

use chrono::{NaiveDate, NaiveTime};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::audit::Change;
use super::entity::{enrollment, match_request, matched_pair, meeting, person};
use super::relationships::Ending;
use super::{Scoped, now, today};
use crate::domain::person::EmploymentStatus;
use crate::domain::relationship::{EndEarlyReason, MatchStatus, RequestStatus};
use crate::domain::timeline::{self, DepartureStep, Employment};
use crate::error::{Error, Result};

/// Where a departure came from, as the audit trail says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepartureSource {
    /// An admin's `recordDeparture` or `cancelDeparture`.
    Recorded,
    /// A directory import (`upsertPeople`).
    DirectoryImport,
    /// A SCIM client: a user deactivated, deleted or reactivated.
    Scim,
    /// A scheduled last day went by.
    ScheduleDue,
}

impl DepartureSource {
    fn as_str(self) -> &'static str {
        match self {
            DepartureSource::Recorded => "recorded departure",
            DepartureSource::DirectoryImport => "directory import",
            DepartureSource::Scim => "SCIM provisioning",
            DepartureSource::ScheduleDue => "scheduled departure came due",
        }
    }
}

impl person::Model {
    /// The person's employment dates.
    pub fn employment(&self) -> Employment {
        Employment { hired_on: self.hired_on, left_on: self.left_on }
    }
}

impl Scoped<'_> {
    /// Sets (`Some`) or cancels (`None`) a person's last working day through the one departure path.
    pub async fn record_departure(&self, id: i64, left_on: Option<NaiveDate>) -> Result<person::Model> {
        let txn = self.begin().await?;
        let row = self.person_in(&txn, id).await?.ok_or_else(|| Error::not_found("person"))?;
        let step = timeline::departure_step(row.employment(), left_on, today())?;
        if step == DepartureStep::Rehired {
            return Err(Error::IllegalTransition(format!(
                "{} left on {}; a return is recorded by the directory import (upsertPeople without leftOn)",
                row.employee_id,
                row.left_on.map(|day| day.to_string()).unwrap_or_default()
            )));
        }
        if step == DepartureStep::Unchanged {
            return Ok(row);
        }
        let mut active = row.clone().into_active_model();
        active.left_on = Set(left_on);
        if let Some(status) = status_after(step) {
            active.employment_status = Set(status.as_str().to_owned());
        }
        active.version = Set(row.version + 1);
        active.updated_at = Set(now());
        let updated = active.update(&txn).await?;
        self.depart(&txn, &row, &updated, step, DepartureSource::Recorded).await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// The directory says `person` is gone now (SCIM deactivation or delete, a full snapshot that
    /// leaves them out): their departure takes effect at once through the one path, today being
    /// the last day unless an earlier one was recorded. `mark` adds to the row's change.
    pub(crate) async fn depart_now(
        &self,
        txn: &DatabaseTransaction,
        person: &person::Model,
        source: DepartureSource,
        mark: impl FnOnce(&mut person::ActiveModel),
    ) -> Result<person::Model> {
        let departed = person.employment_status == EmploymentStatus::Left.as_str();
        let (left_on, step) = timeline::directory_step(person.employment(), departed, false, today())?;
        let mut active = person.clone().into_active_model();
        active.left_on = Set(left_on);
        if let Some(status) = status_after(step) {
            active.employment_status = Set(status.as_str().to_owned());
        }
        mark(&mut active);
        active.version = Set(person.version + 1);
        active.updated_at = Set(now());
        let after = active.update(txn).await?;
        self.depart(txn, person, &after, step, source).await?;
        Ok(after)
    }

    /// Applies what a departure step means after the person's row was written: checks no
    /// meeting of theirs lies after the new last day, ends what it ends, and audits it.
    pub(crate) async fn depart(
        &self,
        txn: &DatabaseTransaction,
        before: &person::Model,
        after: &person::Model,
        step: DepartureStep,
        source: DepartureSource,
    ) -> Result<()> {
        // A departure that comes due was checked when it was recorded; refusing it now would
        // only keep it from ever taking effect (the integrity report lists what conflicts).
        if let DepartureStep::Scheduled(left_on) | DepartureStep::Departed(left_on) = step
            && source != DepartureSource::ScheduleDue
        {
            self.refuse_meetings_after(txn, after, left_on).await?;
        }
        let mut details = json!({
            "employeeId": after.employee_id, "leftOn": after.left_on, "previousLeftOn": before.left_on,
            "source": source.as_str(),
        });
        let action = match step {
            DepartureStep::Unchanged => return Ok(()),
            DepartureStep::Scheduled(_) => "person.departure.schedule",
            DepartureStep::Cancelled => "person.departure.cancel",
            DepartureStep::Rehired => "person.rehire",
            DepartureStep::Departed(left_on) => {
                details["effects"] = self.take_effect(txn, after, left_on).await?;
                "person.departure"
            }
        };
        let change = Change { action, entity_type: "Person", entity_id: Some(after.id), details };
        self.audit(txn, change).await
    }

    /// Applies every departure whose last day went by (idempotent; any replica may run it).
    pub async fn apply_due_departures(&self) -> Result<usize> {
        let today = today();
        let due = |select: sea_orm::Select<person::Entity>| {
            select
                .filter(person::Column::OrgId.eq(self.org))
                .filter(person::Column::EmploymentStatus.eq(EmploymentStatus::Active.as_str()))
                .filter(person::Column::LeftOn.lt(today))
        };
        if due(person::Entity::find())
            .select_only()
            .column(person::Column::Id)
            .into_tuple::<i64>()
            .one(self.db)
            .await?
            .is_none()
        {
            return Ok(0);
        }
        let txn = self.begin().await?;
        let rows = due(person::Entity::find()).all(&txn).await?;
        for row in &rows {
            // Only the replica whose update flips the status applies the effects.
            let flipped = person::Entity::update_many()
                .col_expr(person::Column::EmploymentStatus, Expr::value(EmploymentStatus::Left.as_str()))
                .col_expr(person::Column::Version, Expr::value(row.version + 1))
                .col_expr(person::Column::UpdatedAt, Expr::value(now()))
                .filter(person::Column::Id.eq(row.id))
                .filter(person::Column::EmploymentStatus.eq(EmploymentStatus::Active.as_str()))
                .exec(&txn)
                .await?;
            if flipped.rows_affected == 0 {
                continue;
            }
            let left_on = row.left_on.unwrap_or(today);
            let mut after = row.clone();
            after.employment_status = EmploymentStatus::Left.as_str().to_owned();
            self.with_actor("system")
                .depart(&txn, row, &after, DepartureStep::Departed(left_on), DepartureSource::ScheduleDue)
                .await?;
        }
        txn.commit().await?;
        Ok(rows.len())
    }

    /// Ends running relationships on the last day (never before their start), declines open
    /// proposals and withdraws pending requests; returns what it did, for the audit trail.
    async fn take_effect(
        &self,
        txn: &DatabaseTransaction,
        person: &person::Model,
        left_on: NaiveDate,
    ) -> Result<serde_json::Value> {
        let rows = matched_pair::Entity::find()
            .filter(matched_pair::Column::OrgId.eq(self.org))
            .filter(matched_pair::Column::Status.is_in([MatchStatus::Active.as_str(), MatchStatus::Proposed.as_str()]))
            .filter(involving(person.id))
            .all(txn)
            .await?;
        let why = format!("{} left the company; last day {left_on}", person.employee_id);
        let (mut ended, mut declined) = (Vec::new(), Vec::new());
        for row in rows {
            let id = row.id;
            if row.status == MatchStatus::Proposed.as_str() {
                let ending = Ending { to: MatchStatus::Declined, reason: None, note: Some(why.clone()) };
                self.close(txn, row, &ending, left_on).await?;
                declined.push(id);
            } else {
                let on = timeline::departure_end(left_on, row.started_on);
                let ending = Ending {
                    to: MatchStatus::EndedEarly,
                    reason: Some(EndEarlyReason::LeftCompany),
                    note: Some(why.clone()),
                };
                self.close(txn, row, &ending, on).await?;
                ended.push(id);
            }
        }
        let enrollments: Vec<i64> = enrollment::Entity::find()
            .filter(enrollment::Column::OrgId.eq(self.org))
            .filter(enrollment::Column::PersonId.eq(person.id))
            .select_only()
            .column(enrollment::Column::Id)
            .into_tuple()
            .all(txn)
            .await?;
        let withdrawn = match_request::Entity::update_many()
            .col_expr(match_request::Column::Status, Expr::value(RequestStatus::Withdrawn.as_str()))
            .col_expr(match_request::Column::UpdatedAt, Expr::value(now()))
            .filter(match_request::Column::OrgId.eq(self.org))
            .filter(match_request::Column::Status.eq(RequestStatus::Pending.as_str()))
            .filter(
                Condition::any()
                    .add(match_request::Column::MentorEnrollmentId.is_in(enrollments.clone()))
                    .add(match_request::Column::MenteeEnrollmentId.is_in(enrollments)),
            )
            .exec(txn)
            .await?
            .rows_affected;
        Ok(json!({ "matchesEnded": ended, "proposalsDeclined": declined, "requestsWithdrawn": withdrawn }))
    }

    /// Nothing is dated after a person's last day: a departure before their latest meeting is refused.
    async fn refuse_meetings_after(
        &self,
        txn: &DatabaseTransaction,
        person: &person::Model,
        left_on: NaiveDate,
    ) -> Result<()> {
        let matches: Vec<i64> = matched_pair::Entity::find()
            .filter(matched_pair::Column::OrgId.eq(self.org))
            .filter(involving(person.id))
            .select_only()
            .column(matched_pair::Column::Id)
            .into_tuple()
            .all(txn)
            .await?;
        if matches.is_empty() {
            return Ok(());
        }
        let next_day = left_on.succ_opt().unwrap_or(left_on).and_time(NaiveTime::MIN).and_utc();
        let later = meeting::Entity::find()
            .filter(meeting::Column::OrgId.eq(self.org))
            .filter(meeting::Column::MatchId.is_in(matches))
            .filter(meeting::Column::HeldAt.gte(next_day))
            .order_by_desc(meeting::Column::HeldAt)
            .one(txn)
            .await?;
        match later {
            Some(meeting) => Err(Error::BadInput(format!(
                "leftOn {left_on} for {} is before their meeting held on {}; correct or delete that meeting first",
                person.employee_id,
                meeting.held_at.date_naive()
            ))),
            None => Ok(()),
        }
    }
}

/// The employment status a departure step sets, or `None` when it leaves the stored one.
pub(crate) fn status_after(step: DepartureStep) -> Option<EmploymentStatus> {
    match step {
        DepartureStep::Departed(_) => Some(EmploymentStatus::Left),
        DepartureStep::Scheduled(_) | DepartureStep::Cancelled | DepartureStep::Rehired => {
            Some(EmploymentStatus::Active)
        }
        DepartureStep::Unchanged => None,
    }
}

/// Matches where the person is mentor or mentee.
pub(crate) fn involving(person_id: i64) -> Condition {
    Condition::any()
        .add(matched_pair::Column::MentorPersonId.eq(person_id))
        .add(matched_pair::Column::MenteePersonId.eq(person_id))
}
