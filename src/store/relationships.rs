//! The life of a relationship after approval: extension, pair objectives, completion and
//! early ends, including the ends a program's end causes (departures: `departures.rs`).

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;

use super::audit::Change;
use super::entity::{match_request, matched_pair};
use super::{Scoped, now, parse_stored};
use crate::domain::program::EndReason;
use crate::domain::relationship::{self, EndEarlyReason, MatchStatus, RequestStatus};
use crate::error::{Error, Result};

/// How a relationship ends.
#[derive(Debug, Clone)]
pub struct Ending {
    /// COMPLETED or ENDED_EARLY.
    pub to: MatchStatus,
    /// Why, for early ends.
    pub reason: Option<EndEarlyReason>,
    /// Free text.
    pub note: Option<String>,
}

impl Scoped<'_> {
    /// Ends an ACTIVE relationship today.
    pub async fn end_match(&self, id: i64, ending: Ending) -> Result<matched_pair::Model> {
        let txn = self.begin().await?;
        let row = self.match_in(&txn, id).await?.ok_or_else(|| Error::not_found("match"))?;
        relationship::end(parse_stored(&row.status)?, ending.to)?;
        let ended = self.close(&txn, row, &ending, Utc::now().date_naive()).await?;
        txn.commit().await?;
        Ok(ended)
    }

    /// Moves a relationship's planned end later.
    pub async fn extend_match(
        &self,
        id: i64,
        new_end: NaiveDate,
        expected_version: Option<i32>,
    ) -> Result<matched_pair::Model> {
        let txn = self.begin().await?;
        let row = self.match_for_change(&txn, id, expected_version).await?;
        relationship::extend(parse_stored(&row.status)?, row.planned_end_on, new_end)?;
        let before = row.planned_end_on;
        let mut active = row.clone().into_active_model();
        active.planned_end_on = Set(Some(new_end));
        let row = self.save_match(&txn, &row, active).await?;
        let details = json!({ "from": before, "to": new_end });
        self.audit(&txn, Change { action: "match.extend", entity_type: "Match", entity_id: Some(id), details }).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Replaces what the pair agrees to work on.
    pub async fn set_pair_objectives(
        &self,
        id: i64,
        items: &[String],
        expected_version: Option<i32>,
    ) -> Result<matched_pair::Model> {
        let items = relationship::pair_objectives(items)?;
        let txn = self.begin().await?;
        let row = self.match_for_change(&txn, id, expected_version).await?;
        let status: MatchStatus = parse_stored(&row.status)?;
        if !matches!(status, MatchStatus::Proposed | MatchStatus::Active) {
            return Err(Error::IllegalTransition(format!("a {status} match's objectives are final")));
        }
        let mut active = row.clone().into_active_model();
        active.pair_objectives = Set(serde_json::Value::from(items.clone()).to_string());
        let row = self.save_match(&txn, &row, active).await?;
        let details = json!({ "objectives": items });
        self.audit(&txn, Change { action: "match.objectives", entity_type: "Match", entity_id: Some(id), details })
            .await?;
        txn.commit().await?;
        Ok(row)
    }

    /// A program's end closes its relationships: COMPLETED when it completed, ENDED_EARLY when
    /// cancelled; open proposals are declined and pending requests withdrawn.
    pub(crate) async fn end_matches_of_program(
        &self,
        txn: &DatabaseTransaction,
        program_id: i64,
        reason: EndReason,
        on: NaiveDate,
    ) -> Result<()> {
        let rows = matched_pair::Entity::find()
            .filter(matched_pair::Column::OrgId.eq(self.org))
            .filter(matched_pair::Column::ProgramId.eq(program_id))
            .filter(matched_pair::Column::Status.is_in([MatchStatus::Active.as_str(), MatchStatus::Proposed.as_str()]))
            .all(txn)
            .await?;
        for row in rows {
            let ending = match (parse_stored::<MatchStatus>(&row.status)?, reason) {
                (MatchStatus::Proposed, _) => {
                    Ending { to: MatchStatus::Declined, reason: None, note: Some("the program ended".into()) }
                }
                (_, EndReason::Completed) => Ending { to: MatchStatus::Completed, reason: None, note: None },
                (_, EndReason::Cancelled) => {
                    Ending { to: MatchStatus::EndedEarly, reason: Some(EndEarlyReason::ProgramCancelled), note: None }
                }
            };
            self.close(txn, row, &ending, on).await?;
        }
        match_request::Entity::update_many()
            .col_expr(match_request::Column::Status, sea_orm::sea_query::Expr::value(RequestStatus::Withdrawn.as_str()))
            .col_expr(match_request::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now()))
            .filter(match_request::Column::OrgId.eq(self.org))
            .filter(match_request::Column::ProgramId.eq(program_id))
            .filter(match_request::Column::Status.eq(RequestStatus::Pending.as_str()))
            .exec(txn)
            .await?;
        Ok(())
    }

    pub(crate) async fn close(
        &self,
        txn: &DatabaseTransaction,
        row: matched_pair::Model,
        ending: &Ending,
        on: NaiveDate,
    ) -> Result<matched_pair::Model> {
        let id = row.id;
        let mut active = row.clone().into_active_model();
        active.status = Set(ending.to.as_str().to_owned());
        if ending.to != MatchStatus::Declined {
            active.ended_on = Set(Some(on));
        }
        active.end_reason = Set(ending.reason.map(|reason| reason.as_str().to_owned()));
        active.end_note = Set(ending.note.clone());
        let row = self.save_match(txn, &row, active).await?;
        let details = json!({ "to": ending.to.as_str(), "reason": ending.reason.map(EndEarlyReason::as_str), "note": ending.note, "on": on });
        self.audit(txn, Change { action: "match.end", entity_type: "Match", entity_id: Some(id), details }).await?;
        Ok(row)
    }

    async fn match_for_change(
        &self,
        txn: &DatabaseTransaction,
        id: i64,
        expected_version: Option<i32>,
    ) -> Result<matched_pair::Model> {
        let row = self.match_in(txn, id).await?.ok_or_else(|| Error::not_found("match"))?;
        match expected_version {
            Some(expected) if expected != row.version => Err(Error::Conflict(format!(
                "the match changed since you read it (you sent version {expected}, it is now at {}); reload and retry",
                row.version
            ))),
            _ => Ok(row),
        }
    }

    /// Writes only if nobody else changed the match since `row` was read.
    async fn save_match<C: ConnectionTrait>(
        &self,
        db: &C,
        row: &matched_pair::Model,
        mut active: matched_pair::ActiveModel,
    ) -> Result<matched_pair::Model> {
        active.version = Set(row.version + 1);
        active.updated_at = Set(now());
        let written = matched_pair::Entity::update_many()
            .set(active)
            .filter(matched_pair::Column::Id.eq(row.id))
            .filter(matched_pair::Column::Version.eq(row.version))
            .exec(db)
            .await?;
        if written.rows_affected == 0 {
            return Err(Error::Conflict("the match changed at the same time; reload and retry".into()));
        }
        self.match_in(db, row.id).await?.ok_or_else(|| Error::not_found("match"))
    }
}

impl matched_pair::Model {
    /// Which side `person_id` is on, if either.
    pub fn side_of(&self, person_id: i64) -> Option<relationship::PairSide> {
        if self.mentor_person_id == person_id {
            Some(relationship::PairSide::Mentor)
        } else if self.mentee_person_id == person_id {
            Some(relationship::PairSide::Mentee)
        } else {
            None
        }
    }
}
