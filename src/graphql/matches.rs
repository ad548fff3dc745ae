//! Coordinator matching: optimal proposals with explanations, approval, decline and manual pairs.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::access::{self, MANAGERS};
use super::enrollments::Enrollment;
use super::enums::{self, MatchSource, MatchStatus, MatchingRule, UnmatchedReason};
use super::ids::{self, Kind};
use super::loaders::{EnrollmentId, Loaders, PersonId, ProgramId, SkillId};
use super::people::Person;
use super::programs::Program;
use super::skills::Skill;
use crate::auth::Role;
use crate::domain::matching::{self as engine, MatchExplanation};
use crate::domain::relationship;
use crate::error::{Error, Result};
use crate::store::entity::matched_pair;
use crate::store::matching::{ManualPair, OVERRIDABLE};

/// A mentoring relationship between a mentor and a mentee.
pub struct Match(pub matched_pair::Model);

#[Object]
impl Match {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Match, self.0.id)
    }
    /// The program.
    async fn program(&self, ctx: &Context<'_>) -> Result<Program> {
        let row = ctx.data_unchecked::<Loaders>().load_one(ProgramId(self.0.program_id)).await?;
        row.map(Program).ok_or_else(|| Error::not_found("program"))
    }
    /// The mentor (in reverse mentoring, usually the more junior person).
    async fn mentor(&self, ctx: &Context<'_>) -> Result<Person> {
        person(ctx, self.0.mentor_person_id).await
    }
    /// The mentee.
    async fn mentee(&self, ctx: &Context<'_>) -> Result<Person> {
        person(ctx, self.0.mentee_person_id).await
    }
    /// The mentor's enrolment.
    async fn mentor_enrollment(&self, ctx: &Context<'_>) -> Result<Enrollment> {
        enrollment(ctx, self.0.mentor_enrollment_id).await
    }
    /// The mentee's enrolment.
    async fn mentee_enrollment(&self, ctx: &Context<'_>) -> Result<Enrollment> {
        enrollment(ctx, self.0.mentee_enrollment_id).await
    }
    /// PROPOSED, ACTIVE, COMPLETED, ENDED_EARLY or DECLINED.
    async fn status(&self) -> Result<MatchStatus> {
        enums::stored::<relationship::MatchStatus, _>(&self.0.status)
    }
    /// ENGINE, MANUAL or REQUEST.
    async fn source(&self) -> Result<MatchSource> {
        enums::stored::<relationship::MatchSource, _>(&self.0.source)
    }
    /// Pair score, 0-1000.
    async fn score(&self) -> i32 {
        self.0.score
    }
    /// Why this pair: skills covered each way, each side's contribution, rules checked.
    async fn explanation(&self) -> Result<Explanation> {
        serde_json::from_str(&self.0.explanation)
            .map(Explanation)
            .map_err(|error| Error::Internal(format!("match {} explanation: {error}", self.0.id)))
    }
    /// Rules an ADMIN overrode to make this pair (manual pairs only).
    async fn overridden_rules(&self) -> Result<Vec<MatchingRule>> {
        let rules: Vec<engine::Rule> = serde_json::from_str(&self.0.overridden_rules)
            .map_err(|error| Error::Internal(format!("match {} overrides: {error}", self.0.id)))?;
        Ok(rules.into_iter().map(Into::into).collect())
    }
    /// First day of the relationship.
    async fn started_on(&self) -> Option<NaiveDate> {
        self.0.started_on
    }
    /// Planned last day (the program's default length; extendable).
    async fn planned_end_on(&self) -> Option<NaiveDate> {
        self.0.planned_end_on
    }
    /// Actual last day.
    async fn ended_on(&self) -> Option<NaiveDate> {
        self.0.ended_on
    }
    /// A coordinator's note when declining or ending.
    async fn note(&self) -> Option<&str> {
        self.0.end_note.as_deref()
    }
    /// Bumped by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was proposed or made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

async fn person(ctx: &Context<'_>, id: i64) -> Result<Person> {
    let row = ctx.data_unchecked::<Loaders>().load_one(PersonId(id)).await?;
    row.map(Person).ok_or_else(|| Error::not_found("person"))
}

async fn enrollment(ctx: &Context<'_>, id: i64) -> Result<Enrollment> {
    let row = ctx.data_unchecked::<Loaders>().load_one(EnrollmentId(id)).await?;
    row.map(Enrollment).ok_or_else(|| Error::not_found("enrollment"))
}

/// Why a pair fits: its score parts, the skills behind them, and the rules it meets.
pub struct Explanation(pub MatchExplanation);

#[Object(name = "MatchExplanation")]
impl Explanation {
    /// Total score, 0-1000.
    async fn score(&self) -> u32 {
        self.0.score.score
    }
    /// Points from the mentor covering the mentee's wants.
    async fn wants_points(&self) -> u32 {
        self.0.score.wants_points
    }
    /// Points from the mentee teaching the mentor back.
    async fn teach_back_points(&self) -> u32 {
        self.0.score.teach_back_points
    }
    /// The mentee's wants the mentor offers.
    async fn wants_covered(&self) -> Vec<SkillCoverage> {
        self.0.score.wants_covered.iter().map(|skill| SkillCoverage(*skill)).collect()
    }
    /// The mentor's wants the mentee offers (reverse mentoring is two-way).
    async fn taught_back(&self) -> Vec<SkillCoverage> {
        self.0.score.taught_back.iter().map(|skill| SkillCoverage(*skill)).collect()
    }
    /// Each rule checked, in words.
    async fn rules_checked(&self) -> &[String] {
        &self.0.rules_checked
    }
}

/// One skill one side wants and the other offers.
pub struct SkillCoverage(engine::SkillMatch);

#[Object]
impl SkillCoverage {
    /// The skill.
    async fn skill(&self, ctx: &Context<'_>) -> Result<Skill> {
        let row = ctx.data_unchecked::<Loaders>().load_one(SkillId(self.0.skill_id)).await?;
        row.map(Skill).ok_or_else(|| Error::not_found("skill"))
    }
    /// How much the learner wants it, 1-5.
    async fn priority(&self) -> u8 {
        self.0.priority
    }
    /// How well the teacher knows it, 1-5.
    async fn proficiency(&self) -> u8 {
        self.0.proficiency
    }
}

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
    /// NO_ELIGIBLE_MENTOR, CAPACITY_USED_UP or BELOW_MINIMUM_SCORE.
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
}

/// Coordinator matching.
#[derive(Default)]
pub struct MatchesMutation;

#[Object]
impl MatchesMutation {
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
        if let Some(rule) = overrides.iter().find(|rule| !OVERRIDABLE.contains(rule)) {
            return Err(Error::BadInput(format!("{rule:?} cannot be overridden; only the pair rules can")));
        }
        let pair = ManualPair {
            program_id: ids::decode("programId", &input.program_id, Kind::Program)?,
            mentor_enrollment_id: ids::decode("mentorEnrollmentId", &input.mentor_enrollment_id, Kind::Enrollment)?,
            mentee_enrollment_id: ids::decode("menteeEnrollmentId", &input.mentee_enrollment_id, Kind::Enrollment)?,
            overrides,
        };
        Ok(Match(access::scoped(ctx).pair_manually(pair).await?))
    }
}
