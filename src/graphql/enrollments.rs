//! Enrolments: people joining programs as mentors or mentees.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};

use super::access::{self, MANAGERS};
use super::enums::{self, EnrollmentRole, EnrollmentStatus};
use super::ids::{self, Kind};
use super::loaders::{Loaders, PersonId, ProgramId};
use super::people::Person;
use super::programs::Program;
use crate::auth::Role;
use crate::domain::enrollment as domain;
use crate::domain::person::check_batch_size;
use crate::error::{Error, Result};
use crate::store::enrollments::NewEnrollment;
use crate::store::entity::enrollment;

/// A person's place in a program.
pub struct Enrollment(pub enrollment::Model);

#[Object]
impl Enrollment {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Enrollment, self.0.id)
    }
    /// The program.
    async fn program(&self, ctx: &Context<'_>) -> Result<Program> {
        let row = ctx.data_unchecked::<Loaders>().load_one(ProgramId(self.0.program_id)).await?;
        row.map(Program).ok_or_else(|| Error::not_found("program"))
    }
    /// The person.
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        let row = ctx.data_unchecked::<Loaders>().load_one(PersonId(self.0.person_id)).await?;
        row.map(Person).ok_or_else(|| Error::not_found("person"))
    }
    /// MENTOR or MENTEE.
    async fn role(&self) -> Result<EnrollmentRole> {
        enums::stored::<domain::EnrollmentRole, _>(&self.0.role)
    }
    /// APPLIED, ACCEPTED or WITHDRAWN.
    async fn status(&self) -> Result<EnrollmentStatus> {
        enums::stored::<domain::EnrollmentStatus, _>(&self.0.status)
    }
    /// How many mentees a mentor can take (mentors only).
    async fn capacity(&self) -> Option<i32> {
        self.0.capacity
    }
    /// Personal goals.
    async fn goals(&self) -> &str {
        &self.0.goals
    }
    /// Bumped by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the person enrolled.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A request to enrol a person.
#[derive(InputObject)]
pub struct EnrollInput {
    /// The program.
    pub program_id: ID,
    /// The person; participants may omit it to enrol themselves.
    pub person_id: Option<ID>,
    /// MENTOR or MENTEE.
    pub role: EnrollmentRole,
    /// Mentees a mentor can take (1-10, default 1).
    pub capacity: Option<i32>,
    /// Personal goals.
    pub goals: Option<String>,
}

/// One person of a batch enrolled in one program.
#[derive(InputObject)]
pub struct EnrollPersonInput {
    /// The person.
    pub person_id: ID,
    /// MENTOR or MENTEE.
    pub role: EnrollmentRole,
    /// Mentees a mentor can take (1-10, default 1).
    pub capacity: Option<i32>,
    /// Personal goals.
    pub goals: Option<String>,
}

/// Enrolment changes.
#[derive(Default)]
pub struct EnrollmentsMutation;

#[Object]
impl EnrollmentsMutation {
    /// Enrols a person. Coordinators' enrolments are ACCEPTED at once; a participant's own is APPLIED.
    async fn enroll(&self, ctx: &Context<'_>, input: EnrollInput) -> Result<Enrollment> {
        let viewer = access::viewer(ctx);
        viewer.require(&[Role::Admin, Role::Coordinator, Role::Participant], "enrolling")?;
        let program_id = ids::decode("programId", &input.program_id, Kind::Program)?;
        let requested = input.person_id.as_ref().map(|id| ids::decode("personId", id, Kind::Person)).transpose()?;
        let (person_id, status) = if viewer.has_any(MANAGERS) {
            let person_id = requested.ok_or_else(|| Error::BadInput("personId is required".into()))?;
            (person_id, domain::EnrollmentStatus::Accepted)
        } else {
            let own = access::own_person(ctx).await?.id;
            if requested.is_some_and(|id| id != own) {
                return Err(Error::Forbidden("participants can only enrol themselves".into()));
            }
            (own, domain::EnrollmentStatus::Applied)
        };
        let new =
            NewEnrollment { person_id, role: input.role.into(), capacity: input.capacity, goals: input.goals, status };
        Ok(Enrollment(access::scoped(ctx).enroll(program_id, new).await?))
    }

    /// Enrols up to 1,000 people in one program, ACCEPTED at once (ADMIN or COORDINATOR: what an
    /// integration loading a cohort sends), all or nothing: each entry follows `enroll`'s rules
    /// and the first that breaks one is named by its index (`enrollments[3]: ...`, with that
    /// rule's code), storing nothing. Returns the enrolments in batch order.
    async fn enroll_people(
        &self,
        ctx: &Context<'_>,
        program_id: ID,
        enrollments: Vec<EnrollPersonInput>,
    ) -> Result<Vec<Enrollment>> {
        access::viewer(ctx).require(MANAGERS, "enrolling people")?;
        let program_id = ids::decode("programId", &program_id, Kind::Program)?;
        check_batch_size("enrolments", enrollments.len())?;
        let mut batch = Vec::with_capacity(enrollments.len());
        for (index, input) in enrollments.into_iter().enumerate() {
            batch.push(NewEnrollment {
                person_id: ids::decode(&format!("enrollments[{index}].personId"), &input.person_id, Kind::Person)?,
                role: input.role.into(),
                capacity: input.capacity,
                goals: input.goals,
                status: domain::EnrollmentStatus::Accepted,
            });
        }
        let rows = access::scoped(ctx).enroll_people(program_id, batch).await?;
        Ok(rows.into_iter().map(Enrollment).collect())
    }

    /// Accepts an application (ADMIN or COORDINATOR).
    async fn accept_enrollment(&self, ctx: &Context<'_>, id: ID) -> Result<Enrollment> {
        access::viewer(ctx).require(MANAGERS, "accepting enrolments")?;
        let id = ids::decode("id", &id, Kind::Enrollment)?;
        let row = access::scoped(ctx).change_enrollment_status(id, domain::EnrollmentStatus::Accepted).await?;
        Ok(Enrollment(row))
    }

    /// Withdraws an enrolment; participants may withdraw their own.
    async fn withdraw_enrollment(&self, ctx: &Context<'_>, id: ID) -> Result<Enrollment> {
        let id = ids::decode("id", &id, Kind::Enrollment)?;
        own_or_managed(ctx, id, "withdrawing an enrolment").await?;
        let row = access::scoped(ctx).change_enrollment_status(id, domain::EnrollmentStatus::Withdrawn).await?;
        Ok(Enrollment(row))
    }

    /// Changes a mentor's capacity or the goals; participants may change their own.
    async fn update_enrollment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        capacity: Option<i32>,
        goals: Option<String>,
    ) -> Result<Enrollment> {
        let id = ids::decode("id", &id, Kind::Enrollment)?;
        own_or_managed(ctx, id, "changing an enrolment").await?;
        Ok(Enrollment(access::scoped(ctx).update_enrollment(id, capacity, goals).await?))
    }
}

async fn own_or_managed(ctx: &Context<'_>, id: i64, doing: &str) -> Result<()> {
    let viewer = access::viewer(ctx);
    // Roles come first, so a refused caller cannot tell which ids exist.
    viewer.require(&[Role::Admin, Role::Coordinator, Role::Participant], doing)?;
    if viewer.has_any(MANAGERS) {
        return Ok(());
    }
    let own = access::own_person(ctx).await?;
    match access::scoped(ctx).enrollment(id).await? {
        Some(row) if row.person_id == own.id => Ok(()),
        _ => Err(Error::Forbidden(format!("{doing} is only allowed for your own enrolments"))),
    }
}
