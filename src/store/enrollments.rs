//! Enrolments: people joining programs as mentors or mentees.

use super::OneOf;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;

use super::audit::Change;
use super::entity::{enrollment, program};
use super::page::{self, Page, PageRequest};
use super::{Scoped, now, parse_stored};
use crate::domain::enrollment::{self as rules, EnrollmentRole, EnrollmentStatus};
use crate::domain::person::EmploymentStatus;
use crate::domain::program::ProgramStatus;
use crate::error::{Error, Result};

/// A request to put a person into a program.
#[derive(Debug, Clone)]
pub struct NewEnrollment {
    /// The person.
    pub person_id: i64,
    /// Mentor or mentee.
    pub role: EnrollmentRole,
    /// Mentees a mentor can take (mentors only).
    pub capacity: Option<i32>,
    /// Personal goals.
    pub goals: Option<String>,
    /// APPLIED for self-service applications, ACCEPTED when a coordinator enrols.
    pub status: EnrollmentStatus,
}

/// Filters for listing enrolments.
#[derive(Debug, Clone, Default)]
pub struct EnrollmentFilter {
    /// One program.
    pub program_id: Option<i64>,
    /// One person.
    pub person_id: Option<i64>,
    /// One side.
    pub role: Option<EnrollmentRole>,
    /// One status.
    pub status: Option<EnrollmentStatus>,
}

impl Scoped<'_> {
    /// Enrols a person in `program_id`; a withdrawn enrolment on the same side comes back to life.
    pub async fn enroll(&self, program_id: i64, new: NewEnrollment) -> Result<enrollment::Model> {
        let mut rows = self.enroll_all(program_id, vec![new], |_| String::new()).await?;
        rows.pop().ok_or_else(|| Error::Internal("an enrolment of one wrote none".into()))
    }

    /// Enrols a batch in one program, all or nothing, each entry as [`Scoped::enroll`] would;
    /// an error names the entry (`enrollments[3]: ...`) and nothing is stored.
    pub async fn enroll_people(&self, program_id: i64, batch: Vec<NewEnrollment>) -> Result<Vec<enrollment::Model>> {
        self.enroll_all(program_id, batch, |index| format!("enrollments[{index}]: ")).await
    }

    async fn enroll_all(
        &self,
        program_id: i64,
        batch: Vec<NewEnrollment>,
        label: impl Fn(usize) -> String,
    ) -> Result<Vec<enrollment::Model>> {
        let txn = self.begin().await?;
        let program = self.program_in(&txn, program_id).await?.ok_or_else(|| Error::not_found("program"))?;
        let mut rows = Vec::with_capacity(batch.len());
        for (index, new) in batch.into_iter().enumerate() {
            rows.push(self.enroll_in(&txn, &program, new).await.map_err(|error| error.about(&label(index)))?);
        }
        txn.commit().await?;
        Ok(rows)
    }

    async fn enroll_in(
        &self,
        txn: &DatabaseTransaction,
        program: &program::Model,
        new: NewEnrollment,
    ) -> Result<enrollment::Model> {
        let capacity = rules::capacity(new.role, new.capacity)?;
        let goals = rules::goals(new.goals.as_deref())?;
        let program_status: ProgramStatus = parse_stored(&program.status)?;
        let open = match new.status {
            EnrollmentStatus::Applied => program_status == ProgramStatus::Enrolling,
            _ => matches!(program_status, ProgramStatus::Draft | ProgramStatus::Enrolling | ProgramStatus::Active),
        };
        if !open {
            return Err(Error::IllegalTransition(format!(
                "program '{}' is {program_status} and does not take {} enrolments",
                program.name,
                if new.status == EnrollmentStatus::Applied { "applications for" } else { "new" },
            )));
        }
        let person = self.person_in(txn, new.person_id).await?.ok_or_else(|| Error::not_found("person"))?;
        if person.employment_status != EmploymentStatus::Active.as_str() {
            return Err(Error::BadInput(format!("{} has left the company and cannot enrol", person.name)));
        }
        let existing = enrollment::Entity::find()
            .filter(enrollment::Column::OrgId.eq(self.org))
            .filter(enrollment::Column::ProgramId.eq(program.id))
            .filter(enrollment::Column::PersonId.eq(new.person_id))
            .all(txn)
            .await?;
        let row = match existing
            .into_iter()
            .find(|row| row.status != EnrollmentStatus::Withdrawn.as_str() || row.role == new.role.as_str())
        {
            Some(row) if row.status != EnrollmentStatus::Withdrawn.as_str() => {
                return Err(Error::Conflict(format!(
                    "{} is already enrolled in '{}' as {}",
                    person.name, program.name, row.role
                )));
            }
            Some(withdrawn) => {
                let version = withdrawn.version;
                let mut active = withdrawn.into_active_model();
                active.status = Set(new.status.as_str().to_owned());
                active.capacity = Set(capacity);
                active.goals = Set(goals);
                active.version = Set(version + 1);
                active.updated_at = Set(now());
                active.update(txn).await?
            }
            None => {
                enrollment::ActiveModel {
                    org_id: Set(self.org.to_owned()),
                    program_id: Set(program.id),
                    person_id: Set(new.person_id),
                    role: Set(new.role.as_str().to_owned()),
                    status: Set(new.status.as_str().to_owned()),
                    capacity: Set(capacity),
                    goals: Set(goals),
                    version: Set(1),
                    created_at: Set(now()),
                    updated_at: Set(now()),
                    ..Default::default()
                }
                .insert(txn)
                .await?
            }
        };
        let details =
            json!({ "programId": row.program_id, "personId": row.person_id, "role": row.role, "status": row.status });
        self.audit(
            txn,
            Change { action: "enrollment.create", entity_type: "Enrollment", entity_id: Some(row.id), details },
        )
        .await?;
        Ok(row)
    }

    /// Accepts or withdraws an enrolment, refusing illegal steps with the reason.
    pub async fn change_enrollment_status(&self, id: i64, to: EnrollmentStatus) -> Result<enrollment::Model> {
        let txn = self.begin().await?;
        let row = self.enrollment_in(&txn, id).await?.ok_or_else(|| Error::not_found("enrollment"))?;
        let from: EnrollmentStatus = parse_stored(&row.status)?;
        let next = rules::transition(from, to)?;
        let version = row.version;
        let mut active = row.into_active_model();
        active.status = Set(next.as_str().to_owned());
        active.version = Set(version + 1);
        active.updated_at = Set(now());
        let row = active.update(&txn).await?;
        let details = json!({ "from": from.as_str(), "to": next.as_str() });
        self.audit(
            &txn,
            Change { action: "enrollment.status", entity_type: "Enrollment", entity_id: Some(id), details },
        )
        .await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Changes a mentor's capacity or anyone's goals.
    pub async fn update_enrollment(
        &self,
        id: i64,
        capacity: Option<i32>,
        goals: Option<String>,
    ) -> Result<enrollment::Model> {
        let txn = self.begin().await?;
        let row = self.enrollment_in(&txn, id).await?.ok_or_else(|| Error::not_found("enrollment"))?;
        let role: EnrollmentRole = parse_stored(&row.role)?;
        let version = row.version;
        let mut active = row.clone().into_active_model();
        if capacity.is_some() {
            active.capacity = Set(rules::capacity(role, capacity)?);
        }
        if let Some(goals) = goals.as_deref() {
            active.goals = Set(rules::goals(Some(goals))?);
        }
        active.version = Set(version + 1);
        active.updated_at = Set(now());
        let updated = active.update(&txn).await?;
        let details = json!({ "capacity": updated.capacity, "goalsChanged": updated.goals != row.goals });
        self.audit(
            &txn,
            Change { action: "enrollment.update", entity_type: "Enrollment", entity_id: Some(id), details },
        )
        .await?;
        txn.commit().await?;
        Ok(updated)
    }

    async fn enrollment_in<C: sea_orm::ConnectionTrait>(&self, db: &C, id: i64) -> Result<Option<enrollment::Model>> {
        Ok(enrollment::Entity::find_by_id(id).filter(enrollment::Column::OrgId.eq(self.org)).one(db).await?)
    }

    /// Enrolments by id, for the DataLoader.
    pub async fn enrollments_by_ids(&self, ids: &[i64]) -> Result<Vec<enrollment::Model>> {
        self.lookup(
            enrollment::Entity::find()
                .filter(enrollment::Column::OrgId.eq(self.org))
                .filter(enrollment::Column::Id.one_of(self.backend(), ids.iter().copied())),
        )
        .await
    }

    /// A person's accepted enrolment on one side of a program.
    pub async fn accepted_enrollment(
        &self,
        program_id: i64,
        person_id: i64,
        role: EnrollmentRole,
    ) -> Result<Option<enrollment::Model>> {
        Ok(enrollment::Entity::find()
            .filter(enrollment::Column::OrgId.eq(self.org))
            .filter(enrollment::Column::ProgramId.eq(program_id))
            .filter(enrollment::Column::PersonId.eq(person_id))
            .filter(enrollment::Column::Role.eq(role.as_str()))
            .filter(enrollment::Column::Status.eq(EnrollmentStatus::Accepted.as_str()))
            .one(self.db)
            .await?)
    }

    /// One enrolment.
    pub async fn enrollment(&self, id: i64) -> Result<Option<enrollment::Model>> {
        self.enrollment_in(self.db, id).await
    }

    /// One page of enrolments.
    pub async fn enrollments(
        &self,
        filter: &EnrollmentFilter,
        request: PageRequest,
    ) -> Result<Page<enrollment::Model>> {
        let mut select = enrollment::Entity::find().filter(enrollment::Column::OrgId.eq(self.org));
        if let Some(program_id) = filter.program_id {
            select = select.filter(enrollment::Column::ProgramId.eq(program_id));
        }
        if let Some(person_id) = filter.person_id {
            select = select.filter(enrollment::Column::PersonId.eq(person_id));
        }
        if let Some(role) = filter.role {
            select = select.filter(enrollment::Column::Role.eq(role.as_str()));
        }
        if let Some(status) = filter.status {
            select = select.filter(enrollment::Column::Status.eq(status.as_str()));
        }
        page::fetch(self.db, select, enrollment::Column::Id, request).await
    }
}
