//! Self-service matching: suggestions for a mentee, requests to one mentor, the mentor's answer,
//! and expiry after the program's response window.

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;

use super::audit::Change;
use super::entity::{match_request, program};
use super::matching::{engine_error, explain, refuse_pair};
use super::page::{self, Page, PageRequest};
use super::programs::rules_of;
use super::roster::{Proposals, Roster};
use super::{Scoped, now, parse_stored, today};
use crate::domain::matching;
use crate::domain::program::ProgramStatus;
use crate::domain::relationship::{self, MatchSource, RequestStatus};
use crate::error::{Error, Result};

impl Scoped<'_> {
    /// Self-service: the best eligible mentors with a free slot for one mentee.
    pub async fn suggest_mentors(
        &self,
        program_id: i64,
        mentee_enrollment_id: i64,
        first: usize,
    ) -> Result<(Vec<matching::RankedMentor>, Roster)> {
        let program = self.program_in(self.db, program_id).await?.ok_or_else(|| Error::not_found("program"))?;
        self_service_open(&program)?;
        let roster = self.roster(self.db, &program, Proposals::HoldSlots).await?;
        // Mentors who are not prepared are left out of the roster, so they are never suggested.
        roster.refuse_unprepared(&[mentee_enrollment_id])?;
        let ranked = matching::rank_mentors(&roster.input, mentee_enrollment_id, first).map_err(engine_error)?;
        Ok((ranked, roster))
    }

    /// Self-service: a mentee asks one mentor; the request expires after the program's response window.
    pub async fn request_mentor(
        &self,
        program_id: i64,
        mentee_enrollment_id: i64,
        mentor_enrollment_id: i64,
        note: String,
    ) -> Result<match_request::Model> {
        self.expire_due_requests().await?;
        let txn = self.begin().await?;
        let program = self.program_in(&txn, program_id).await?.ok_or_else(|| Error::not_found("program"))?;
        self_service_open(&program)?;
        let pending = match_request::Entity::find()
            .filter(match_request::Column::OrgId.eq(self.org))
            .filter(match_request::Column::MenteeEnrollmentId.eq(mentee_enrollment_id))
            .filter(match_request::Column::Status.eq(RequestStatus::Pending.as_str()))
            .one(&txn)
            .await?;
        if pending.is_some() {
            return Err(Error::Conflict(
                "you already have a pending request in this program; withdraw it first".into(),
            ));
        }
        let ids = (mentor_enrollment_id, mentee_enrollment_id);
        self.check_enrolled_employed_from(&txn, ids, relationship::start_date(today(), program.starts_on)).await?;
        let roster = self.pair_roster(&txn, &program, ids, &[]).await?;
        roster.refuse_unprepared(&[mentee_enrollment_id, mentor_enrollment_id])?;
        refuse_pair(&self.violations(&roster, ids)?)?;
        let window = i64::from(rules_of(&program)?.response_window_days);
        let row = match_request::ActiveModel {
            org_id: Set(self.org.to_owned()),
            program_id: Set(program_id),
            mentor_enrollment_id: Set(mentor_enrollment_id),
            mentee_enrollment_id: Set(mentee_enrollment_id),
            note: Set(note),
            status: Set(RequestStatus::Pending.as_str().to_owned()),
            expires_at: Set(now() + Duration::days(window)),
            version: Set(1),
            created_at: Set(now()),
            updated_at: Set(now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let details =
            json!({ "programId": program_id, "mentorEnrollmentId": mentor_enrollment_id, "expiresAt": row.expires_at });
        self.audit(
            &txn,
            Change { action: "request.create", entity_type: "MatchRequest", entity_id: Some(row.id), details },
        )
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Answers a request: ACCEPTED creates an ACTIVE match if the mentor still has a slot.
    pub async fn answer_request(&self, id: i64, to: RequestStatus) -> Result<match_request::Model> {
        self.expire_due_requests().await?;
        let txn = self.begin().await?;
        let row = self.request_in(&txn, id).await?.ok_or_else(|| Error::not_found("match request"))?;
        relationship::answer_request(parse_stored(&row.status)?, to)?;
        let mut active = row.clone().into_active_model();
        if to == RequestStatus::Accepted {
            let program = self.program_in(&txn, row.program_id).await?.ok_or_else(|| Error::not_found("program"))?;
            self.lock_enrollment(&txn, row.mentor_enrollment_id).await?;
            let ids = (row.mentor_enrollment_id, row.mentee_enrollment_id);
            self.check_enrolled_employed_from(&txn, ids, relationship::start_date(today(), program.starts_on)).await?;
            let roster = self.pair_roster(&txn, &program, ids, &[]).await?;
            roster.refuse_unprepared(&[row.mentee_enrollment_id, row.mentor_enrollment_id])?;
            refuse_pair(&self.violations(&roster, ids)?)?;
            let explanation = explain(&roster, ids)?;
            let pair = self.new_match(&program, ids, &roster.person_of, &explanation, MatchSource::Request, &[])?;
            let created = self.start(pair, &program).insert(&txn).await?;
            active.match_id = Set(Some(created.id));
        }
        active.status = Set(to.as_str().to_owned());
        active.answered_at = Set(Some(now()));
        active.version = Set(row.version + 1);
        active.updated_at = Set(now());
        let row = active.update(&txn).await?;
        let action = format!("request.{}", to.as_str().to_lowercase());
        let details = json!({ "programId": row.program_id, "matchId": row.match_id });
        self.audit(&txn, Change { action: &action, entity_type: "MatchRequest", entity_id: Some(id), details }).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Marks PENDING requests past their deadline as EXPIRED (any replica may do it; it is idempotent).
    pub async fn expire_due_requests(&self) -> Result<u64> {
        let result = match_request::Entity::update_many()
            .col_expr(match_request::Column::Status, Expr::value(RequestStatus::Expired.as_str()))
            .col_expr(match_request::Column::UpdatedAt, Expr::value(now()))
            .filter(match_request::Column::OrgId.eq(self.org))
            .filter(match_request::Column::Status.eq(RequestStatus::Pending.as_str()))
            .filter(match_request::Column::ExpiresAt.lt(now()))
            .exec(self.db)
            .await?;
        Ok(result.rows_affected)
    }

    async fn request_in<C: ConnectionTrait>(&self, db: &C, id: i64) -> Result<Option<match_request::Model>> {
        Ok(match_request::Entity::find_by_id(id).filter(match_request::Column::OrgId.eq(self.org)).one(db).await?)
    }

    /// One request.
    pub async fn match_request(&self, id: i64) -> Result<Option<match_request::Model>> {
        self.request_in(self.db, id).await
    }

    /// Requests of a program, optionally one status and/or those involving these enrolments.
    pub async fn match_requests(
        &self,
        program_id: i64,
        status: Option<RequestStatus>,
        enrollments: Option<Vec<i64>>,
        request: PageRequest,
    ) -> Result<Page<match_request::Model>> {
        self.expire_due_requests().await?;
        let mut select = match_request::Entity::find()
            .filter(match_request::Column::OrgId.eq(self.org))
            .filter(match_request::Column::ProgramId.eq(program_id));
        if let Some(status) = status {
            select = select.filter(match_request::Column::Status.eq(status.as_str()));
        }
        if let Some(ids) = enrollments {
            select = select.filter(
                sea_orm::Condition::any()
                    .add(match_request::Column::MentorEnrollmentId.is_in(ids.clone()))
                    .add(match_request::Column::MenteeEnrollmentId.is_in(ids)),
            );
        }
        page::fetch(self.db, select, match_request::Column::Id, request).await
    }
}

fn self_service_open(program: &program::Model) -> Result<()> {
    let status: ProgramStatus = parse_stored(&program.status)?;
    if !matches!(status, ProgramStatus::Enrolling | ProgramStatus::Active) {
        return Err(Error::IllegalTransition(format!(
            "program '{}' is {status}; requests are open while ENROLLING or ACTIVE",
            program.name
        )));
    }
    if rules_of(program)?.mode == matching::MatchingMode::Coordinator {
        return Err(Error::IllegalTransition(
            "in this program coordinators form the pairs (matching mode COORDINATOR)".into(),
        ));
    }
    Ok(())
}
