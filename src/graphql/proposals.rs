//! Coordinator matching: optimal proposals with explanations, approval, decline and manual pairs.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::access::{self, MANAGERS};
use super::enrollments::Enrollment;
use super::enums::{MatchingRule, UnmatchedReason};
use super::ids::{self, Kind};
use super::matches::{Explanation, Match, enrollment, person};
use super::people::Person;
use crate::auth::Role;
use crate::domain::matching::{self as engine, MatchExplanation};
use crate::error::{Error, Result};
use crate::store::entity::matched_pair;
use crate::store::matching::{ManualPair, OVERRIDABLE};

/// One pair of a proposal run.
pub struct MatchProposal {
    mentor_person: i64,
    mentee_person: i64,
    explanation: MatchExplanation,
    stored: Option<matched_pair::Model>,
}

#[Object]
impl MatchProposal {
    /// The mentor.
    async fn mentor(&self, ctx: &Context<'_>) -> Result<Person> {
        person(ctx, self.mentor_person).await
    }
    /// The mentee.
    async fn mentee(&self, ctx: &Context<'_>) -> Result<Person> {
        person(ctx, self.mentee_person).await
    }
    /// Pair score, 0-1000.
    async fn score(&self) -> u32 {
        self.explanation.score.score
    }
    /// Why this pair.
    async fn explanation(&self) -> Explanation {
        Explanation(self.explanation.clone())
    }
    /// The stored PROPOSED match (null on a dry run).
    async fn r#match(&self) -> Option<Match> {
        self.stored.clone().map(Match)
    }
}

/// A mentee the run left unmatched, and why.
pub struct UnmatchedMentee {
    person: i64,
    enrollment: i64,
    reason: engine::UnmatchedReason,
    message: String,
    exclusions: Vec<engine::RuleCount>,
}

/// How many mentors one rule excluded.
#[derive(SimpleObject)]
pub struct RuleExclusion {
    /// The rule.
    rule: MatchingRule,
    /// Mentors it excluded.
    mentors: u32,
}

#[Object]
impl UnmatchedMentee {
    /// The mentee.
    async fn mentee(&self, ctx: &Context<'_>) -> Result<Person> {
        person(ctx, self.person).await
    }
    /// Their enrolment.
    async fn enrollment(&self, ctx: &Context<'_>) -> Result<Enrollment> {
        enrollment(ctx, self.enrollment).await
    }
    /// NO_ELIGIBLE_MENTOR, CAPACITY_USED_UP, BELOW_MINIMUM_SCORE or PREPARATION_NOT_COMPLETED.
    async fn reason(&self) -> UnmatchedReason {
        self.reason.into()
    }
    /// The reason in words.
    async fn message(&self) -> &str {
        &self.message
    }
    /// How many mentors each rule excluded.
    async fn exclusions(&self) -> Vec<RuleExclusion> {
        self.exclusions.iter().map(|count| RuleExclusion { rule: count.rule.into(), mentors: count.mentors }).collect()
    }
}

/// What `proposeMatches` did.
#[derive(SimpleObject)]
pub struct ProposeMatchesPayload {
    /// Whether nothing was stored.
    dry_run: bool,
    /// Mentees given a proposal.
    matched_count: i32,
    /// Sum of the proposals' scores.
    total_score: i64,
    /// The proposals, each with its explanation.
    proposals: Vec<MatchProposal>,
    /// Mentees left unmatched, each with the reason.
    unmatched: Vec<UnmatchedMentee>,
}

/// A coordinator's hand-made pair.
#[derive(InputObject)]
pub struct PairManuallyInput {
    /// The program.
    program_id: ID,
    /// The mentor's enrolment.
    mentor_enrollment_id: ID,
    /// The mentee's enrolment.
    mentee_enrollment_id: ID,
    /// Rules to override (ADMIN only): SENIORITY, REPORTING_LINE, SAME_DEPARTMENT, PREVIOUS_RELATIONSHIP.
    #[graphql(default)]
    override_rules: Vec<MatchingRule>,
    /// Pair people who have not completed a required preparation course (ADMIN only).
    #[graphql(default)]
    override_preparation: bool,
}

/// Coordinator matching.
#[derive(Default)]
pub struct ProposalsMutation;

#[Object]
impl ProposalsMutation {
    /// Solves the program's assignment optimally and stores the pairs as PROPOSED (replacing
    /// earlier proposals; ACTIVE pairs are kept). `dryRun` only returns them.
    async fn propose_matches(
        &self,
        ctx: &Context<'_>,
        program_id: ID,
        dry_run: Option<bool>,
    ) -> Result<ProposeMatchesPayload> {
        let dry_run = dry_run.unwrap_or(false);
        access::viewer(ctx).require(MANAGERS, "matching")?;
        let program_id = ids::decode("programId", &program_id, Kind::Program)?;
        let run = access::scoped(ctx).propose_matches(program_id, dry_run).await?;
        let person_of = |enrollment: i64| run.person_of.get(&enrollment).copied().unwrap_or_default();
        let mut stored = run.stored.into_iter().map(Some).chain(std::iter::repeat(None));
        let proposals = run
            .outcome
            .proposals
            .into_iter()
            .map(|proposal| MatchProposal {
                mentor_person: person_of(proposal.mentor_enrolment_id),
                mentee_person: person_of(proposal.mentee_enrolment_id),
                explanation: proposal.explanation,
                stored: stored.next().flatten(),
            })
            .collect::<Vec<_>>();
        let unmatched = run
            .outcome
            .unmatched
            .into_iter()
            .map(|mentee| UnmatchedMentee {
                person: person_of(mentee.mentee_enrolment_id),
                enrollment: mentee.mentee_enrolment_id,
                reason: mentee.reason,
                message: mentee.message,
                exclusions: mentee.exclusions,
            })
            .collect();
        Ok(ProposeMatchesPayload {
            dry_run,
            matched_count: proposals.len() as i32,
            total_score: run.outcome.total_score,
            proposals,
            unmatched,
        })
    }

    /// Approves a proposal: it becomes ACTIVE, starting today (or on the program's first day)
    /// and planned to run the program's default relationship length.
    async fn approve_match(&self, ctx: &Context<'_>, id: ID) -> Result<Match> {
        access::viewer(ctx).require(MANAGERS, "approving matches")?;
        let id = ids::decode("id", &id, Kind::Match)?;
        Ok(Match(access::scoped(ctx).decide_match(id, true, None).await?))
    }

    /// Declines a proposal; the pair is not proposed again in this program.
    async fn decline_match(&self, ctx: &Context<'_>, id: ID, note: Option<String>) -> Result<Match> {
        access::viewer(ctx).require(MANAGERS, "declining matches")?;
        let id = ids::decode("id", &id, Kind::Match)?;
        let note = crate::domain::text::optional("note", note.as_deref(), 2_000)?;
        Ok(Match(access::scoped(ctx).decide_match(id, false, note).await?))
    }

    /// Pairs a mentor and a mentee by hand as an ACTIVE match, checked against the same rules;
    /// an ADMIN may override a rule, which the audit trail records.
    async fn pair_manually(&self, ctx: &Context<'_>, input: PairManuallyInput) -> Result<Match> {
        let viewer = access::viewer(ctx);
        viewer.require(MANAGERS, "pairing by hand")?;
        let overrides: Vec<engine::Rule> = input.override_rules.into_iter().map(Into::into).collect();
        if !overrides.is_empty() {
            viewer.require(&[Role::Admin], "overriding a matching rule")?;
        }
        if input.override_preparation {
            viewer.require(&[Role::Admin], "pairing people who are not prepared")?;
        }
        if let Some(rule) = overrides.iter().find(|rule| !OVERRIDABLE.contains(rule)) {
            return Err(Error::BadInput(format!("{rule:?} cannot be overridden; only the pair rules can")));
        }
        let pair = ManualPair {
            program_id: ids::decode("programId", &input.program_id, Kind::Program)?,
            mentor_enrollment_id: ids::decode("mentorEnrollmentId", &input.mentor_enrollment_id, Kind::Enrollment)?,
            mentee_enrollment_id: ids::decode("menteeEnrollmentId", &input.mentee_enrollment_id, Kind::Enrollment)?,
            overrides,
            override_preparation: input.override_preparation,
        };
        Ok(Match(access::scoped(ctx).pair_manually(pair).await?))
    }
}
