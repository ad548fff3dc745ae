//! The Relay `Node` interface and `node(id:)`, plus `viewer`: who the token says you are.

use async_graphql::{Context, ID, Interface, Object};

use super::access::{self, ANYONE, READERS};
use super::audit::AuditEvent;
use super::enrollments::Enrollment;
use super::enums::Role;
use super::ids::{self, Kind};
use super::matches::Match;
use super::people::Person;
use super::preparation::PreparationCourse;
use super::programs::Program;
use super::records::{Feedback, Learning, Meeting, may_read_records};
use super::requests::MatchRequest;
use super::scim::ScimToken;
use super::skills::Skill;
use super::training::LrsClient;
use crate::domain::relationship::MatchStatus;
use crate::error::{Error, Result};

/// Anything with a global id.
// One value per `node` call, built and dropped within the request: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global id, opaque to clients."))]
pub enum Node {
    /// A person.
    Person(Person),
    /// A skill.
    Skill(Skill),
    /// A program.
    Program(Program),
    /// An enrolment.
    Enrollment(Enrollment),
    /// An audit event.
    AuditEvent(AuditEvent),
    /// A mentoring relationship.
    Match(Match),
    /// A self-service request.
    MatchRequest(MatchRequest),
    /// A logged meeting.
    Meeting(Meeting),
    /// A skill learned in a match.
    Learning(Learning),
    /// One side's feedback on a match.
    Feedback(Feedback),
    /// A SCIM client's secret (its hash only).
    ScimToken(ScimToken),
    /// An LRS client (its key; the secret's hash only).
    LrsClient(LrsClient),
    /// A program's preparation course.
    PreparationCourse(PreparationCourse),
}

/// The caller, as the token describes them.
pub struct ViewerInfo;

#[Object(name = "Viewer")]
impl ViewerInfo {
    /// The organisation.
    async fn org<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &access::viewer(ctx).org
    }
    /// The token subject.
    async fn subject<'a>(&self, ctx: &Context<'a>) -> &'a str {
        &access::viewer(ctx).subject
    }
    /// Roles granted.
    async fn roles(&self, ctx: &Context<'_>) -> Vec<Role> {
        access::viewer(ctx).roles.iter().map(|role| (*role).into()).collect()
    }
    /// The viewer's enrolments.
    async fn enrollments(&self, ctx: &Context<'_>) -> Result<Vec<Enrollment>> {
        let Some(person) = access::participant_person(ctx).await? else { return Ok(Vec::new()) };
        let filter = crate::store::enrollments::EnrollmentFilter { person_id: Some(person), ..Default::default() };
        let page = crate::store::page::PageRequest { first: Some(1_000), ..Default::default() };
        Ok(access::scoped(ctx).enrollments(&filter, page).await?.items.into_iter().map(Enrollment).collect())
    }
    /// The viewer's relationships across programs (not proposals).
    async fn matches(&self, ctx: &Context<'_>) -> Result<Vec<Match>> {
        let Some(person) = access::participant_person(ctx).await? else { return Ok(Vec::new()) };
        let rows = access::scoped(ctx).relationships_of(person).await?;
        super::matches::prefetch(ctx, &[ctx.look_ahead()], &rows).await?;
        Ok(rows.into_iter().map(Match).collect())
    }
    /// What needs the viewer's attention: no meeting for a month, learnings to confirm, feedback due.
    async fn due(&self, ctx: &Context<'_>) -> Result<Vec<super::due::DueItem>> {
        super::due::due_items(ctx).await
    }
    /// The viewer's directory entry, when the token names one that exists (FORBIDDEN to a
    /// participant who has left the company).
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        access::participant_person(ctx).await?;
        match access::viewer(ctx).employee_id.as_deref() {
            Some(employee_id) => Ok(access::scoped(ctx).person_by_employee_id(employee_id).await?.map(Person::from)),
            None => Ok(None),
        }
    }
}

/// Directory readers see any pair; a participant only pairs they are part of.
async fn involved(ctx: &Context<'_>, people: &[i64]) -> Result<()> {
    let viewer = access::viewer(ctx);
    if viewer.has_any(READERS) {
        return Ok(());
    }
    viewer.require(&[crate::auth::Role::Participant], "reading matches")?;
    let own = access::own_person(ctx).await?.id;
    if people.contains(&own) {
        Ok(())
    } else {
        Err(Error::Forbidden("participants can read their own matches only".into()))
    }
}

async fn readable(ctx: &Context<'_>, pair: &crate::store::entity::matched_pair::Model) -> Result<()> {
    if may_read_records(ctx, pair).await? {
        Ok(())
    } else {
        Err(Error::Forbidden("a match's records are for the pair, coordinators and analysts".into()))
    }
}

/// `node` and `viewer`.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by global id; null when nothing with that id exists in your organisation.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let (kind, id) = ids::decode_any(&id)?;
        let viewer = access::viewer(ctx);
        let store = access::scoped(ctx);
        let node = match kind {
            Kind::Person => match store.person(id).await? {
                Some(row) => {
                    access::require_self_or_manager_or_analyst(ctx, &row, "reading this person").await?;
                    Some(Node::Person(Person::from(row)))
                }
                None => None,
            },
            Kind::Skill => {
                viewer.require(ANYONE, "reading the catalogue")?;
                store.skill(id).await?.map(|row| Node::Skill(Skill::from(row)))
            }
            Kind::Program => {
                viewer.require(ANYONE, "reading programs")?;
                store.program(id).await?.map(|row| Node::Program(Program(row)))
            }
            Kind::Enrollment => match store.enrollment(id).await? {
                Some(row) if viewer.has_any(READERS) => Some(Node::Enrollment(Enrollment(row))),
                Some(row) => {
                    access::require_self_or_manager(ctx, row.person_id, "reading this enrolment").await?;
                    Some(Node::Enrollment(Enrollment(row)))
                }
                None => None,
            },
            Kind::AuditEvent => {
                viewer.require(&[crate::auth::Role::Admin], "reading the audit trail")?;
                store.audit_event(id).await?.map(|row| Node::AuditEvent(AuditEvent(row)))
            }
            Kind::Match => match store.matched_pair(id).await? {
                Some(row) => {
                    involved(ctx, &[row.mentor_person_id, row.mentee_person_id]).await?;
                    let relationship = crate::store::parse_stored::<MatchStatus>(&row.status)?.was_relationship();
                    if !relationship && !viewer.has_any(READERS) {
                        return Err(Error::Forbidden("proposals are visible to coordinators until approved".into()));
                    }
                    Some(Node::Match(Match(row)))
                }
                None => None,
            },
            Kind::MatchRequest => match store.match_request(id).await? {
                Some(row) => {
                    let mentor = store.enrollment(row.mentor_enrollment_id).await?.map(|e| e.person_id);
                    let mentee = store.enrollment(row.mentee_enrollment_id).await?.map(|e| e.person_id);
                    involved(ctx, &[mentor.unwrap_or_default(), mentee.unwrap_or_default()]).await?;
                    Some(Node::MatchRequest(MatchRequest(row)))
                }
                None => None,
            },
            Kind::Meeting => match store.meeting(id).await? {
                Some(row) => {
                    let pair = store.matched_pair(row.match_id).await?.ok_or_else(|| Error::not_found("match"))?;
                    readable(ctx, &pair).await?;
                    Some(Node::Meeting(Meeting { row, pair: pair.into() }))
                }
                None => None,
            },
            Kind::Learning => match store.learning(id).await? {
                Some(row) => {
                    let pair = store.matched_pair(row.match_id).await?.ok_or_else(|| Error::not_found("match"))?;
                    readable(ctx, &pair).await?;
                    Some(Node::Learning(Learning(row)))
                }
                None => None,
            },
            Kind::Feedback => match store.feedback(id).await? {
                Some(row) => {
                    let pair = store.matched_pair(row.match_id).await?.ok_or_else(|| Error::not_found("match"))?;
                    readable(ctx, &pair).await?;
                    // Like `Match.feedback`: within the pair, each person reads only their own answers.
                    if !viewer.has_any(READERS)
                        && access::participant_person(ctx).await? != Some(row.respondent_person_id)
                    {
                        return Err(Error::Forbidden("each person of the pair reads only their own feedback".into()));
                    }
                    Some(Node::Feedback(Feedback(row)))
                }
                None => None,
            },
            Kind::ScimToken => {
                viewer.require(&[crate::auth::Role::Admin], "reading SCIM tokens")?;
                store.scim_token(id).await?.map(|row| Node::ScimToken(ScimToken(row)))
            }
            Kind::LrsClient => {
                viewer.require(&[crate::auth::Role::Admin], "reading LRS clients")?;
                store.lrs_client_by_id(id).await?.map(|row| Node::LrsClient(LrsClient(row)))
            }
            Kind::PreparationCourse => {
                store.preparation_course(id).await?.map(|row| Node::PreparationCourse(PreparationCourse(row)))
            }
        };
        Ok(node)
    }

    /// Who the token says you are.
    async fn viewer(&self) -> ViewerInfo {
        ViewerInfo
    }
}
