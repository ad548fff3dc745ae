//! Self-service matching: suggested mentors for a mentee, requests, and the mentor's answer.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::access::{self, MANAGERS};
use super::enums::{self, RequestStatus};
use super::ids::{self, Kind};
use super::loaders::{EnrollmentId, Loaders, ProgramId};
use super::matches::{Explanation, Match};
use super::people::Person;
use super::programs::Program;
use super::{enrollments::Enrollment, loaders::PersonId};
use crate::auth::Role;
use crate::domain::enrollment::EnrollmentRole;
use crate::domain::matching::{MatchExplanation, RankedMentor};
use crate::domain::relationship;
use crate::error::{Error, Result};
use crate::store::entity::match_request;

/// The most mentors `suggestedMentors` returns at once.
const MAX_SUGGESTIONS: i32 = 50;

/// A mentee asking one mentor.
pub struct MatchRequest(pub match_request::Model);

#[Object]
impl MatchRequest {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::MatchRequest, self.0.id)
    }
    /// The program.
    async fn program(&self, ctx: &Context<'_>) -> Result<Program> {
        let row = ctx.data_unchecked::<Loaders>().load_one(ProgramId(self.0.program_id)).await?;
        row.map(Program).ok_or_else(|| Error::not_found("program"))
    }
    /// The mentor asked.
    async fn mentor(&self, ctx: &Context<'_>) -> Result<Person> {
        person_of_enrollment(ctx, self.0.mentor_enrollment_id).await
    }
    /// The mentee asking.
    async fn mentee(&self, ctx: &Context<'_>) -> Result<Person> {
        person_of_enrollment(ctx, self.0.mentee_enrollment_id).await
    }
    /// The mentee's note.
    async fn note(&self) -> &str {
        &self.0.note
    }
    /// PENDING, ACCEPTED, DECLINED, EXPIRED or WITHDRAWN.
    async fn status(&self) -> Result<RequestStatus> {
        enums::stored::<relationship::RequestStatus, _>(&self.0.status)
    }
    /// When an unanswered request expires.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    /// When the mentor answered.
    async fn answered_at(&self) -> Option<DateTime<Utc>> {
        self.0.answered_at
    }
    /// The match an accepted request became.
    async fn r#match(&self, ctx: &Context<'_>) -> Result<Option<Match>> {
        match self.0.match_id {
            Some(id) => Ok(access::scoped(ctx).matched_pair(id).await?.map(Match)),
            None => Ok(None),
        }
    }
    /// Bumped by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

async fn person_of_enrollment(ctx: &Context<'_>, id: i64) -> Result<Person> {
    let loaders = ctx.data_unchecked::<Loaders>();
    let enrollment = loaders.load_one(EnrollmentId(id)).await?.ok_or_else(|| Error::not_found("enrollment"))?;
    loaders.load_one(PersonId(enrollment.person_id)).await?.map(Person).ok_or_else(|| Error::not_found("person"))
}

/// A mentor suggested to a mentee.
pub struct SuggestedMentor {
    ranked: RankedMentor,
}

#[Object]
impl SuggestedMentor {
    /// The mentor.
    async fn mentor(&self, ctx: &Context<'_>) -> Result<Person> {
        person_of_enrollment(ctx, self.ranked.mentor_enrolment_id).await
    }
    /// Their enrolment (pass its id to `requestMentor`).
    async fn enrollment(&self, ctx: &Context<'_>) -> Result<Enrollment> {
        let row = ctx.data_unchecked::<Loaders>().load_one(EnrollmentId(self.ranked.mentor_enrolment_id)).await?;
        row.map(Enrollment).ok_or_else(|| Error::not_found("enrollment"))
    }
    /// Slots the mentor still has.
    async fn free_capacity(&self) -> u32 {
        self.ranked.free_capacity
    }
    /// Pair score, 0-1000.
    async fn score(&self) -> u32 {
        self.ranked.explanation.score.score
    }
    /// Why this mentor.
    async fn explanation(&self) -> Explanation {
        Explanation(MatchExplanation::clone(&self.ranked.explanation))
    }
}

/// Self-service queries.
#[derive(Default)]
pub struct RequestsQuery;

#[Object]
impl RequestsQuery {
    /// Eligible mentors with a free slot, best first, each explained. Participants ask for
    /// themselves; coordinators pass the mentee's enrolment.
    async fn suggested_mentors(
        &self,
        ctx: &Context<'_>,
        program_id: ID,
        #[graphql(default = 10)] first: i32,
        mentee_enrollment_id: Option<ID>,
    ) -> Result<Vec<SuggestedMentor>> {
        if !(1..=MAX_SUGGESTIONS).contains(&first) {
            return Err(Error::BadInput(format!("first must be between 1 and {MAX_SUGGESTIONS}")));
        }
        let program_id = ids::decode("programId", &program_id, Kind::Program)?;
        let mentee = mentee_enrollment(ctx, program_id, mentee_enrollment_id).await?;
        let (ranked, _) = access::scoped(ctx).suggest_mentors(program_id, mentee, first as usize).await?;
        Ok(ranked.into_iter().map(|ranked| SuggestedMentor { ranked }).collect())
    }
}

/// The mentee enrolment a call acts for: the one a manager names, else the caller's own.
async fn mentee_enrollment(ctx: &Context<'_>, program_id: i64, named: Option<ID>) -> Result<i64> {
    let viewer = access::viewer(ctx);
    if let Some(named) = named.filter(|_| viewer.has_any(MANAGERS)) {
        return ids::decode("menteeEnrollmentId", &named, Kind::Enrollment);
    }
    if !viewer.has(Role::Participant) && viewer.has_any(MANAGERS) {
        return Err(Error::BadInput("menteeEnrollmentId is required for coordinators".into()));
    }
    viewer.require(&[Role::Participant], "self-service matching")?;
    let own = access::own_person(ctx).await?;
    let enrollment = access::scoped(ctx).accepted_enrollment(program_id, own.id, EnrollmentRole::Mentee).await?;
    enrollment
        .map(|row| row.id)
        .ok_or_else(|| Error::Forbidden("you are not an accepted mentee of this program".into()))
}

/// Self-service changes.
#[derive(Default)]
pub struct RequestsMutation;

#[Object]
impl RequestsMutation {
    /// A mentee asks one mentor, with a note; the mentor has the program's response window to answer.
    async fn request_mentor(
        &self,
        ctx: &Context<'_>,
        program_id: ID,
        mentor_enrollment_id: ID,
        #[graphql(default)] note: String,
    ) -> Result<MatchRequest> {
        access::viewer(ctx).require(&[Role::Participant], "requesting a mentor")?;
        let program_id = ids::decode("programId", &program_id, Kind::Program)?;
        let mentor = ids::decode("mentorEnrollmentId", &mentor_enrollment_id, Kind::Enrollment)?;
        let note = crate::domain::text::limited("note", note.trim(), 1_000)?;
        let mentee = mentee_enrollment(ctx, program_id, None).await?;
        Ok(MatchRequest(access::scoped(ctx).request_mentor(program_id, mentee, mentor, note).await?))
    }

    /// The mentor (or a coordinator) accepts: the pair becomes an ACTIVE match if a slot is free.
    async fn accept_match_request(&self, ctx: &Context<'_>, id: ID) -> Result<MatchRequest> {
        answer(ctx, id, relationship::RequestStatus::Accepted, Side::Mentor).await
    }

    /// The mentor (or a coordinator) declines.
    async fn decline_match_request(&self, ctx: &Context<'_>, id: ID) -> Result<MatchRequest> {
        answer(ctx, id, relationship::RequestStatus::Declined, Side::Mentor).await
    }

    /// The mentee (or a coordinator) withdraws a pending request.
    async fn withdraw_match_request(&self, ctx: &Context<'_>, id: ID) -> Result<MatchRequest> {
        answer(ctx, id, relationship::RequestStatus::Withdrawn, Side::Mentee).await
    }
}

/// Which side of a request may act.
enum Side {
    Mentor,
    Mentee,
}

async fn answer(ctx: &Context<'_>, id: ID, to: relationship::RequestStatus, side: Side) -> Result<MatchRequest> {
    let viewer = access::viewer(ctx);
    viewer.require(&[Role::Admin, Role::Coordinator, Role::Participant], "answering requests")?;
    let id = ids::decode("id", &id, Kind::MatchRequest)?;
    let store = access::scoped(ctx);
    if !viewer.has_any(MANAGERS) {
        let own = access::own_person(ctx).await?;
        let request = store.match_request(id).await?;
        let enrollment = request.map(|row| match side {
            Side::Mentor => row.mentor_enrollment_id,
            Side::Mentee => row.mentee_enrollment_id,
        });
        let owner = match enrollment {
            Some(enrollment) => store.enrollment(enrollment).await?.map(|row| row.person_id),
            None => None,
        };
        if owner != Some(own.id) {
            let who = match side {
                Side::Mentor => "the mentor asked",
                Side::Mentee => "the mentee who asked",
            };
            return Err(Error::Forbidden(format!("only {who} (or a coordinator) can do this")));
        }
    }
    Ok(MatchRequest(store.answer_request(id, to).await?))
}
