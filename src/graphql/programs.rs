//! Programs: creation, versioned edits, objectives, matching rules and the lifecycle.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::access::{self, ANYONE, MANAGERS};
use super::connection::{IdConnection, PageArgs, connection};
use super::enrollments::Enrollment;
use super::enums::{
    self, EndReason, EnrollmentRole, EnrollmentStatus, MatchStatus, ObjectiveKind, ProgramKind, ProgramStatus,
    RequestStatus,
};
use super::ids::{self, Kind};
use super::loaders::{CoursesOfProgram, Loaders, ObjectivesOfProgram};
use super::matches::Match;
use super::requests::MatchRequest;
use super::rules::{MatchingRulesInput, MatchingRulesView};
use crate::auth::Role;
use crate::domain::program::{self as domain, ProgramDraft};
use crate::error::{Error, Result};
use crate::store::enrollments::EnrollmentFilter;
use crate::store::entity::program;
use crate::store::programs::{Lifecycle, objective_of, rules_of};

/// Most matches one page of `Program.matches` may hold: a coordinator's program page in one request.
const PROGRAM_PAGE: u64 = 500;

/// A reverse-mentoring program.
pub struct Program(pub program::Model);

#[Object]
impl Program {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Program, self.0.id)
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the program is about.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Reverse, cultural reverse or traditional.
    async fn kind(&self) -> Result<ProgramKind> {
        enums::stored::<domain::ProgramKind, _>(&self.0.kind)
    }
    /// Lifecycle status.
    async fn status(&self) -> Result<ProgramStatus> {
        enums::stored::<domain::ProgramStatus, _>(&self.0.status)
    }
    /// First day.
    async fn starts_on(&self) -> NaiveDate {
        self.0.starts_on
    }
    /// Planned last day (can be extended).
    async fn ends_on(&self) -> NaiveDate {
        self.0.ends_on
    }
    /// Default length of a relationship, in months.
    async fn relationship_months(&self) -> i32 {
        self.0.relationship_months
    }
    /// How pairs are formed and which pairs are allowed.
    async fn matching_rules(&self) -> Result<MatchingRulesView> {
        rules_of(&self.0).map(MatchingRulesView)
    }
    /// What the program promises, with targets and due dates.
    async fn objectives(&self, ctx: &Context<'_>) -> Result<Vec<Objective>> {
        let rows = ctx.data_unchecked::<Loaders>().load_one(ObjectivesOfProgram(self.0.id)).await?.unwrap_or_default();
        rows.iter().map(|row| objective_of(row).map(Objective::from)).collect()
    }
    /// The LMS courses its people take before they start, in the order they were added.
    async fn preparation_courses(&self, ctx: &Context<'_>) -> Result<Vec<super::preparation::PreparationCourse>> {
        let rows = ctx.data_unchecked::<Loaders>().load_one(CoursesOfProgram(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(super::preparation::PreparationCourse).collect())
    }
    /// Why it ended, once ENDED.
    async fn end_reason(&self) -> Result<Option<EndReason>> {
        self.0.end_reason.as_deref().map(enums::stored::<domain::EndReason, _>).transpose()
    }
    /// The note given when it ended.
    async fn end_note(&self) -> Option<&str> {
        self.0.end_note.as_deref()
    }
    /// The day it ended.
    async fn ended_on(&self) -> Option<NaiveDate> {
        self.0.ended_on
    }
    /// Enrolments; participants see only their own.
    #[allow(clippy::too_many_arguments)]
    async fn enrollments(
        &self,
        ctx: &Context<'_>,
        role: Option<EnrollmentRole>,
        status: Option<EnrollmentStatus>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<IdConnection<Enrollment>> {
        let viewer = access::viewer(ctx);
        let mut filter = EnrollmentFilter {
            program_id: Some(self.0.id),
            role: role.map(Into::into),
            status: status.map(Into::into),
            person_id: None,
        };
        if !viewer.has_any(access::READERS) {
            viewer.require(&[Role::Participant], "reading enrolments")?;
            filter.person_id = Some(access::own_person(ctx).await?.id);
        }
        let request = PageArgs { after, before, first, last }.request(ctx, Kind::Enrollment)?;
        let page = access::scoped(ctx).enrollments(&filter, request).await?;
        Ok(connection(page, Kind::Enrollment, |row| row.id, Enrollment))
    }
    /// The program's matches, of one `status` or of any of `statuses` (a dashboard's ACTIVE and
    /// COMPLETED); participants see only their own. A page may hold up to 500 (a program page
    /// reads them whole), within the query's cost limit.
    #[allow(clippy::too_many_arguments)]
    async fn matches(
        &self,
        ctx: &Context<'_>,
        status: Option<MatchStatus>,
        statuses: Option<Vec<MatchStatus>>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<IdConnection<Match>> {
        let statuses: Vec<_> = match (status, statuses) {
            (Some(_), Some(_)) => return Err(Error::BadInput("give status or statuses, not both".into())),
            (Some(status), None) => vec![status.into()],
            (None, Some(statuses)) if statuses.is_empty() => {
                return Err(Error::BadInput("statuses: name at least one status, or leave it out".into()));
            }
            (None, statuses) => statuses.unwrap_or_default().into_iter().map(Into::into).collect(),
        };
        let person = participant_scope(ctx, "reading matches").await?;
        let request = PageArgs { after, before, first, last }.request_up_to(ctx, Kind::Match, PROGRAM_PAGE)?;
        let page = access::scoped(ctx).matches(self.0.id, &statuses, person, request).await?;
        let selection = ctx.look_ahead();
        let nodes = [selection.field("edges").field("node"), selection.field("nodes")];
        super::matches::prefetch(ctx, &nodes, &page.items).await?;
        Ok(connection(page, Kind::Match, |row| row.id, Match))
    }
    /// Self-service requests; participants see only those they sent or received.
    #[allow(clippy::too_many_arguments)]
    async fn match_requests(
        &self,
        ctx: &Context<'_>,
        status: Option<RequestStatus>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<IdConnection<MatchRequest>> {
        let store = access::scoped(ctx);
        let enrollments = match participant_scope(ctx, "reading match requests").await? {
            Some(person) => {
                let filter =
                    EnrollmentFilter { program_id: Some(self.0.id), person_id: Some(person), ..Default::default() };
                let own = store
                    .enrollments(&filter, crate::store::page::PageRequest { first: Some(2), ..Default::default() })
                    .await?;
                Some(own.items.into_iter().map(|row| row.id).collect())
            }
            None => None,
        };
        let request = PageArgs { after, before, first, last }.request(ctx, Kind::MatchRequest)?;
        let page = store.match_requests(self.0.id, status.map(Into::into), enrollments, request).await?;
        Ok(connection(page, Kind::MatchRequest, |row| row.id, MatchRequest))
    }
    /// Bumped by every change; send it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A program objective.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "ObjectiveInput")]
pub struct Objective {
    /// What is measured.
    pub kind: ObjectiveKind,
    /// The value to reach.
    pub target: f64,
    /// When it must be reached (required for RELATIONSHIPS_FORMED).
    pub due_on: Option<NaiveDate>,
    /// Horizon in months (required for SKILLS_LEARNED_PER_MENTEE and PARTICIPANT_RETENTION).
    pub window_months: Option<i32>,
}

impl From<domain::Objective> for Objective {
    fn from(objective: domain::Objective) -> Self {
        Objective {
            kind: objective.kind.into(),
            target: objective.target,
            due_on: objective.due_on,
            window_months: objective.window_months,
        }
    }
}

impl From<Objective> for domain::Objective {
    fn from(objective: Objective) -> Self {
        domain::Objective {
            kind: objective.kind.into(),
            target: objective.target,
            due_on: objective.due_on,
            window_months: objective.window_months,
        }
    }
}

/// A new program; it starts in DRAFT.
#[derive(InputObject)]
pub struct CreateProgramInput {
    /// Display name.
    pub name: String,
    /// What the program is about.
    #[graphql(default)]
    pub description: String,
    /// Kind; REVERSE unless said otherwise.
    #[graphql(default_with = "ProgramKind::Reverse")]
    pub kind: ProgramKind,
    /// First day.
    pub starts_on: NaiveDate,
    /// Planned last day.
    pub ends_on: NaiveDate,
    /// Default relationship length in months (1-36).
    #[graphql(default = 6)]
    pub relationship_months: i32,
    /// Matching rules; the kind's defaults fill what is omitted.
    pub matching_rules: Option<MatchingRulesInput>,
    /// Objectives with targets.
    #[graphql(default)]
    pub objectives: Vec<Objective>,
}

/// Changes to a program; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateProgramInput {
    /// The program.
    pub id: ID,
    /// The version you read; a stale one is refused with CONFLICT.
    pub expected_version: i32,
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New first day.
    pub starts_on: Option<NaiveDate>,
    /// New planned last day (use extendProgram once it is running).
    pub ends_on: Option<NaiveDate>,
    /// New default relationship length.
    pub relationship_months: Option<i32>,
    /// Changes to the matching rules; omitted rule fields stay.
    pub matching_rules: Option<MatchingRulesInput>,
    /// Replaces every objective when given.
    pub objectives: Option<Vec<Objective>>,
}

/// Program queries.
#[derive(Default)]
pub struct ProgramsQuery;

#[Object]
impl ProgramsQuery {
    /// Programs, optionally in one status.
    async fn programs(
        &self,
        ctx: &Context<'_>,
        status: Option<ProgramStatus>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<IdConnection<Program>> {
        access::viewer(ctx).require(ANYONE, "reading programs")?;
        let request = PageArgs { after, before, first, last }.request(ctx, Kind::Program)?;
        let page = access::scoped(ctx).programs(status.map(Into::into), request).await?;
        Ok(connection(page, Kind::Program, |row| row.id, Program))
    }

    /// One program.
    async fn program(&self, ctx: &Context<'_>, id: ID) -> Result<Program> {
        access::viewer(ctx).require(ANYONE, "reading programs")?;
        let id = ids::decode("id", &id, Kind::Program)?;
        access::scoped(ctx).program(id).await?.map(Program).ok_or_else(|| Error::not_found("program"))
    }
}

/// Program changes (ADMIN or COORDINATOR).
#[derive(Default)]
pub struct ProgramsMutation;

#[Object]
impl ProgramsMutation {
    /// Creates a program in DRAFT.
    async fn create_program(&self, ctx: &Context<'_>, input: CreateProgramInput) -> Result<Program> {
        access::viewer(ctx).require(MANAGERS, "managing programs")?;
        let kind: domain::ProgramKind = input.kind.into();
        let rules = match input.matching_rules {
            Some(changes) => changes.apply(kind.default_rules()),
            None => kind.default_rules(),
        };
        let draft = ProgramDraft {
            name: input.name,
            description: input.description,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            relationship_months: input.relationship_months,
            rules,
        };
        let objectives = input.objectives.into_iter().map(Into::into).collect();
        Ok(Program(access::scoped(ctx).create_program(kind, draft, objectives).await?))
    }

    /// Edits a program if nobody changed it since `expectedVersion`.
    async fn update_program(&self, ctx: &Context<'_>, input: UpdateProgramInput) -> Result<Program> {
        access::viewer(ctx).require(MANAGERS, "managing programs")?;
        let id = ids::decode("id", &input.id, Kind::Program)?;
        let objectives = input.objectives.map(|list| list.into_iter().map(Into::into).collect());
        let edit = move |mut draft: ProgramDraft| {
            draft.name = input.name.unwrap_or(draft.name);
            draft.description = input.description.unwrap_or(draft.description);
            draft.starts_on = input.starts_on.unwrap_or(draft.starts_on);
            draft.ends_on = input.ends_on.unwrap_or(draft.ends_on);
            draft.relationship_months = input.relationship_months.unwrap_or(draft.relationship_months);
            if let Some(changes) = input.matching_rules {
                draft.rules = changes.apply(draft.rules);
            }
            draft
        };
        let row = access::scoped(ctx).update_program(id, input.expected_version, edit, objectives).await?;
        Ok(Program(row))
    }

    /// DRAFT -> ENROLLING: people can now apply and be enrolled.
    async fn open_program_enrollment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i32>,
    ) -> Result<Program> {
        lifecycle(ctx, id, expected_version, Lifecycle::MoveTo(domain::ProgramStatus::Enrolling)).await
    }

    /// ENROLLING -> ACTIVE: relationships run.
    async fn start_program(&self, ctx: &Context<'_>, id: ID, expected_version: Option<i32>) -> Result<Program> {
        lifecycle(ctx, id, expected_version, Lifecycle::MoveTo(domain::ProgramStatus::Active)).await
    }

    /// Moves the planned end later.
    async fn extend_program(
        &self,
        ctx: &Context<'_>,
        id: ID,
        ends_on: NaiveDate,
        expected_version: Option<i32>,
    ) -> Result<Program> {
        lifecycle(ctx, id, expected_version, Lifecycle::Extend(ends_on)).await
    }

    /// Ends a program: COMPLETED when it ran its course, CANCELLED to pull the plug (with a note).
    async fn end_program(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: EndReason,
        note: Option<String>,
        expected_version: Option<i32>,
    ) -> Result<Program> {
        let note = crate::domain::text::optional("note", note.as_deref(), 2_000)?;
        let on = Utc::now().date_naive();
        lifecycle(ctx, id, expected_version, Lifecycle::End { reason: reason.into(), note, on }).await
    }
}

/// `None` for directory readers (everything), the participant's person id (their own rows), or FORBIDDEN.
async fn participant_scope(ctx: &Context<'_>, doing: &str) -> Result<Option<i64>> {
    let viewer = access::viewer(ctx);
    if viewer.has_any(access::READERS) {
        return Ok(None);
    }
    viewer.require(&[Role::Participant], doing)?;
    Ok(Some(access::own_person(ctx).await?.id))
}

async fn lifecycle(ctx: &Context<'_>, id: ID, expected_version: Option<i32>, change: Lifecycle) -> Result<Program> {
    access::viewer(ctx).require(MANAGERS, "managing programs")?;
    let id = ids::decode("id", &id, Kind::Program)?;
    Ok(Program(access::scoped(ctx).change_lifecycle(id, expected_version, change).await?))
}
