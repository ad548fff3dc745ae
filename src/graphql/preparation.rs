//! Preparation courses: programs list the LMS courses their people take before they start;
//! the LMS reports who completed them; a required course not completed keeps a person out of
//! matching until they do (or an ADMIN pairs them anyway).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::access::{self, MANAGERS};
use super::enums;
use super::ids::{self, Kind};
use crate::auth::Role;
use crate::domain::preparation::Audience;
use crate::error::{Error, Result};
use crate::store::entity::preparation_course;
use crate::store::preparation::{ReportedCompletion, Unknown};

/// Most completions one call may report.
const MAX_COMPLETIONS: usize = 10_000;

/// A course a program asks its mentors, mentees or both to take in the LMS.
pub struct PreparationCourse(pub preparation_course::Model);

#[Object]
impl PreparationCourse {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::PreparationCourse, self.0.id)
    }

    /// The course's activity IRI in the LMS (also its link).
    async fn activity_iri(&self) -> &str {
        &self.0.activity_iri
    }

    /// What it is called.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// MENTOR, MENTEE or BOTH.
    async fn audience(&self) -> Result<CourseAudience> {
        enums::stored::<Audience, _>(&self.0.audience)
    }

    /// Whether people must complete it before they can be matched.
    async fn required_before_matching(&self) -> bool {
        self.0.required_before_matching
    }
}

/// Who a course is for.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::preparation::Audience")]
pub enum CourseAudience {
    Mentor,
    Mentee,
    Both,
}

/// A course to add to a program.
#[derive(InputObject)]
pub struct PreparationCourseInput {
    /// The program.
    program_id: ID,
    /// The course's activity IRI in the LMS.
    activity_iri: String,
    /// What it is called.
    title: String,
    /// Who takes it.
    audience: CourseAudience,
    /// Whether it must be completed before matching.
    #[graphql(default = true)]
    required_before_matching: bool,
}

/// One completion the LMS reports.
#[derive(InputObject)]
pub struct CourseCompletionInput {
    /// The person's employee id.
    employee_id: String,
    /// The course's activity IRI.
    activity_iri: String,
    /// When they completed it.
    completed_at: DateTime<Utc>,
    /// xAPI's scaled score, -1 to 1.
    score: Option<f64>,
}

/// What a report of completions changed.
#[derive(SimpleObject)]
pub struct CourseCompletionsPayload {
    /// Completions not known before.
    created: u32,
    /// Completions whose time or score changed.
    updated: u32,
    /// Completions reported again as they were.
    unchanged: u32,
}

/// Adding and removing courses, and the LMS's completions.
#[derive(Default)]
pub struct PreparationMutation;

#[Object]
impl PreparationMutation {
    /// Adds a preparation course to a program (ADMIN, COORDINATOR).
    async fn add_preparation_course(
        &self,
        ctx: &Context<'_>,
        input: PreparationCourseInput,
    ) -> Result<PreparationCourse> {
        access::viewer(ctx).require(MANAGERS, "adding preparation courses")?;
        let program = ids::decode("programId", &input.program_id, Kind::Program)?;
        let row = access::scoped(ctx)
            .add_preparation_course(
                program,
                &input.activity_iri,
                &input.title,
                input.audience.into(),
                input.required_before_matching,
            )
            .await?;
        Ok(PreparationCourse(row))
    }

    /// Removes a preparation course (ADMIN, COORDINATOR); people it held back become eligible.
    async fn remove_preparation_course(&self, ctx: &Context<'_>, id: ID) -> Result<PreparationCourse> {
        access::viewer(ctx).require(MANAGERS, "removing preparation courses")?;
        let id = ids::decode("id", &id, Kind::PreparationCourse)?;
        Ok(PreparationCourse(access::scoped(ctx).remove_preparation_course(id).await?))
    }

    /// The LMS reports completions, all or none (LMS, ADMIN): by employee id and course IRI.
    /// Reporting a completion again changes nothing; a new time or score replaces the old.
    async fn record_course_completions(
        &self,
        ctx: &Context<'_>,
        completions: Vec<CourseCompletionInput>,
    ) -> Result<CourseCompletionsPayload> {
        access::viewer(ctx).require(&[Role::Lms, Role::Admin], "reporting course completions")?;
        if completions.len() > MAX_COMPLETIONS {
            return Err(Error::BadInput(format!("at most {MAX_COMPLETIONS} completions per call")));
        }
        let reported: Vec<ReportedCompletion> = completions
            .into_iter()
            .map(|item| ReportedCompletion {
                employee_id: item.employee_id,
                activity_iri: item.activity_iri,
                completed_at: crate::store::truncated(item.completed_at),
                score: item.score,
            })
            .collect();
        let counts = access::scoped(ctx).record_course_completions(&reported, Unknown::Refuse).await?;
        Ok(CourseCompletionsPayload { created: counts.created, updated: counts.updated, unchanged: counts.unchanged })
    }
}
