//! Reads what the integrity report needs (dates only, never notes or comments) and applies
//! the domain's rules to it.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entity::{feedback, matched_pair, meeting, person};
use super::{Scoped, parse_stored, today};
use crate::domain::integrity::{self, Problem, StoredPerson, StoredRecord, StoredRelationship};
use crate::domain::person::EmploymentStatus;
use crate::domain::timeline::Employment;
use crate::error::Result;

type PersonRow = (i64, String, Option<NaiveDate>, Option<NaiveDate>, String);
type MatchRow = (i64, i64, i64, String, Option<NaiveDate>, Option<NaiveDate>);

impl Scoped<'_> {
    /// Every stored record of the organisation that breaks the rules of time and employment.
    pub async fn record_problems(&self) -> Result<Vec<Problem>> {
        let people: Vec<PersonRow> = person::Entity::find()
            .filter(person::Column::OrgId.eq(self.org))
            .select_only()
            .columns([
                person::Column::Id,
                person::Column::EmployeeId,
                person::Column::HiredOn,
                person::Column::LeftOn,
                person::Column::EmploymentStatus,
            ])
            .order_by_asc(person::Column::Id)
            .into_tuple()
            .all(self.db)
            .await?;
        let matches: Vec<MatchRow> = matched_pair::Entity::find()
            .filter(matched_pair::Column::OrgId.eq(self.org))
            .select_only()
            .columns([
                matched_pair::Column::Id,
                matched_pair::Column::MentorPersonId,
                matched_pair::Column::MenteePersonId,
                matched_pair::Column::Status,
                matched_pair::Column::StartedOn,
                matched_pair::Column::EndedOn,
            ])
            .order_by_asc(matched_pair::Column::Id)
            .into_tuple()
            .all(self.db)
            .await?;
        let meetings: Vec<(i64, i64, DateTime<Utc>)> = meeting::Entity::find()
            .filter(meeting::Column::OrgId.eq(self.org))
            .select_only()
            .columns([meeting::Column::Id, meeting::Column::MatchId, meeting::Column::HeldAt])
            .order_by_asc(meeting::Column::Id)
            .into_tuple()
            .all(self.db)
            .await?;
        let answers: Vec<(i64, i64, DateTime<Utc>, i64)> = feedback::Entity::find()
            .filter(feedback::Column::OrgId.eq(self.org))
            .select_only()
            .columns([
                feedback::Column::Id,
                feedback::Column::MatchId,
                feedback::Column::SubmittedAt,
                feedback::Column::RespondentPersonId,
            ])
            .order_by_asc(feedback::Column::Id)
            .into_tuple()
            .all(self.db)
            .await?;
        let people: Vec<StoredPerson> = people
            .into_iter()
            .map(|(id, employee_id, hired_on, left_on, status)| StoredPerson {
                id,
                employee_id,
                employment: Employment { hired_on, left_on },
                marked_left: status == EmploymentStatus::Left.as_str(),
            })
            .collect();
        let relationships = matches
            .into_iter()
            .map(|(id, mentor, mentee, status, started_on, ended_on)| {
                Ok(StoredRelationship { id, mentor, mentee, status: parse_stored(&status)?, started_on, ended_on })
            })
            .collect::<Result<Vec<_>>>()?;
        let meetings: Vec<StoredRecord> = meetings
            .into_iter()
            .map(|(id, match_id, at)| StoredRecord { id, match_id, at, respondent: None })
            .collect();
        let answers: Vec<StoredRecord> = answers
            .into_iter()
            .map(|(id, match_id, at, respondent)| StoredRecord { id, match_id, at, respondent: Some(respondent) })
            .collect();
        Ok(integrity::check(&people, &relationships, &meetings, &answers, today()))
    }
}
