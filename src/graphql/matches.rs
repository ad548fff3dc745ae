//! A match (a mentoring relationship) as clients read it: the pair, its status, why it was
//! formed, and what happened in it.

use std::collections::BTreeMap;

use async_graphql::{Context, ID, Lookahead, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::access::{self, READERS};
use super::enrollments::Enrollment;
use super::enums::{self, EndEarlyReason, MatchSource, MatchStatus, MatchingRule};
use super::ids::{self, Kind};
use super::loaders::{
    EnrollmentId, FeedbackOfMatch, LearningsOfMatch, Loaders, MeetingsOfMatch, PersonId, ProgramId, SkillId,
    SkillsOfPerson,
};
use super::people::Person;
use super::programs::Program;
use super::records::{Feedback, Learning, Meeting, may_read_records};
use super::skills::Skill;
use crate::domain::matching::{self as engine, MatchExplanation};
use crate::domain::relationship;
use crate::error::{Error, Result};
use crate::store::entity::{feedback, matched_pair};

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
    /// Why it ended early.
    async fn end_reason(&self) -> Result<Option<EndEarlyReason>> {
        self.0.end_reason.as_deref().map(enums::stored::<relationship::EndEarlyReason, _>).transpose()
    }
    /// What the pair agreed to work on.
    async fn pair_objectives(&self) -> Result<Vec<String>> {
        serde_json::from_str(&self.0.pair_objectives)
            .map_err(|error| Error::Internal(format!("match {} objectives: {error}", self.0.id)))
    }
    /// For one of the pair: the other person (their name, department and skills; no private fields).
    async fn counterpart(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match access::side_in(ctx, &self.0).await? {
            Some(relationship::PairSide::Mentor) => person(ctx, self.0.mentee_person_id).await.map(Some),
            Some(relationship::PairSide::Mentee) => person(ctx, self.0.mentor_person_id).await.map(Some),
            None => Ok(None),
        }
    }
    /// Meetings, newest first unless `order` says otherwise (private parts for the pair only).
    /// Paged by `first` (at most that many) and `after` (a meeting's `id` from the previous
    /// page: the page starts after it); every page reads the match's meetings already loaded
    /// for the whole list of matches, so paging adds no statement.
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] order: MeetingOrder,
        first: Option<i32>,
        after: Option<ID>,
    ) -> Result<Vec<Meeting>> {
        require_records(ctx, &self.0).await?;
        let first = first
            .map(|first| usize::try_from(first).map_err(|_| Error::BadInput("first must be 0 or more".into())))
            .transpose()?;
        let after = after.map(|after| ids::decode("after", &after, Kind::Meeting)).transpose()?;
        let rows = ctx.data_unchecked::<Loaders>().load_one(MeetingsOfMatch(self.0.id)).await?.unwrap_or_default();
        let oldest_first = order == MeetingOrder::OldestFirst;
        let page =
            crate::domain::record::meetings_page(rows.iter().collect(), |row| row.id, oldest_first, after, first)?;
        let pair = std::sync::Arc::new(self.0.clone());
        Ok(page.into_iter().map(|row| Meeting { row: row.clone(), pair: pair.clone() }).collect())
    }
    /// How many meetings, how long in total, and the latest: what coordinators follow.
    async fn meeting_stats(&self, ctx: &Context<'_>) -> Result<MeetingStats> {
        require_records(ctx, &self.0).await?;
        let rows = ctx.data_unchecked::<Loaders>().load_one(MeetingsOfMatch(self.0.id)).await?.unwrap_or_default();
        Ok(MeetingStats {
            count: rows.len() as i32,
            total_minutes: rows.iter().map(|row| i64::from(row.minutes)).sum(),
            last_held_at: rows.iter().map(|row| row.held_at).max(),
        })
    }
    /// Skills learned in this relationship, by either side.
    async fn learnings(&self, ctx: &Context<'_>) -> Result<Vec<Learning>> {
        require_records(ctx, &self.0).await?;
        let rows = ctx.data_unchecked::<Loaders>().load_one(LearningsOfMatch(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(Learning).collect())
    }
    /// The feedback that counts: the latest per person and month. Participants see their own.
    async fn feedback(&self, ctx: &Context<'_>) -> Result<Vec<Feedback>> {
        require_records(ctx, &self.0).await?;
        let own = if access::viewer(ctx).has_any(READERS) { None } else { access::participant_person(ctx).await? };
        let rows = ctx.data_unchecked::<Loaders>().load_one(FeedbackOfMatch(self.0.id)).await?.unwrap_or_default();
        let mut latest: BTreeMap<(i64, String), feedback::Model> = BTreeMap::new();
        for row in rows.into_iter().filter(|row| own.is_none_or(|own| row.respondent_person_id == own)) {
            // Latest means by submittedAt, ties broken by id, whatever order the rows came in.
            let key = (row.respondent_person_id, row.period.clone());
            if latest.get(&key).is_none_or(|kept| (row.submitted_at, row.id) > (kept.submitted_at, kept.id)) {
                latest.insert(key, row);
            }
        }
        Ok(latest.into_values().map(Feedback).collect())
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

/// Loads, in one batch per relation, what the selections of a match (`edges { node }` and
/// `nodes` of a connection, or a single match) will ask of these matches.
///
/// Fields resolve item by item, and the runtime's cooperative scheduling can split one level's
/// DataLoader keys into several batches on a large page; fetching the page's relations here up
/// front keeps the statement count independent of the page size.
pub async fn prefetch(ctx: &Context<'_>, selections: &[Lookahead<'_>], rows: &[matched_pair::Model]) -> Result<()> {
    let node = Selected(selections);
    let loaders = ctx.data_unchecked::<Loaders>();
    let mut people: Vec<i64> = Vec::new();
    let mut skill_owners: Vec<i64> = Vec::new();
    let mentors: Vec<i64> = rows.iter().map(|row| row.mentor_person_id).collect();
    let mentees: Vec<i64> = rows.iter().map(|row| row.mentee_person_id).collect();
    for (side, ids) in [("mentor", &mentors), ("mentee", &mentees)] {
        if node.field(side).exists() {
            people.extend(ids);
        }
        if node.field(side).field("skills").exists() {
            skill_owners.extend(ids);
        }
    }
    let match_ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    if node.field("meetings").exists() || node.field("meetingStats").exists() {
        loaders.load_many(match_ids.iter().map(|id| MeetingsOfMatch(*id))).await?;
    }
    let mut skills: Vec<i64> = Vec::new();
    if node.field("learnings").exists() {
        let learnings = loaders.load_many(match_ids.iter().map(|id| LearningsOfMatch(*id))).await?;
        for row in learnings.values().flatten() {
            people.push(row.learner_person_id);
            people.extend(row.recorded_by_person_id);
            skills.push(row.skill_id);
        }
    }
    if node.field("feedback").exists() {
        let feedback = loaders.load_many(match_ids.iter().map(|id| FeedbackOfMatch(*id))).await?;
        people.extend(feedback.values().flatten().map(|row| row.respondent_person_id));
    }
    loaders.load_many(people.into_iter().map(PersonId)).await?;
    let entries = loaders.load_many(skill_owners.into_iter().map(SkillsOfPerson)).await?;
    skills.extend(entries.values().flat_map(|entries| entries.iter()).map(|entry| entry.skill_id));
    loaders.load_many(skills.into_iter().map(SkillId)).await?;
    Ok(())
}

/// Several selections of the same object, asked as one: a field exists when any selects it.
struct Selected<'a, 'b>(&'a [Lookahead<'b>]);

impl Selected<'_, '_> {
    fn field(&self, name: &str) -> SelectedField<'_> {
        SelectedField(self.0.iter().map(|selection| selection.field(name)).collect())
    }
}

/// A field under [`Selected`].
struct SelectedField<'a>(Vec<Lookahead<'a>>);

impl SelectedField<'_> {
    fn field(&self, name: &str) -> SelectedField<'_> {
        SelectedField(self.0.iter().map(|selection| selection.field(name)).collect())
    }

    fn exists(&self) -> bool {
        self.0.iter().any(Lookahead::exists)
    }
}

async fn require_records(ctx: &Context<'_>, pair: &matched_pair::Model) -> Result<()> {
    if may_read_records(ctx, pair).await? {
        Ok(())
    } else {
        Err(Error::Forbidden("a match's records are for the pair, coordinators and analysts".into()))
    }
}

/// The order a relationship's meetings are listed in.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum MeetingOrder {
    /// Latest first (ties: the later logged first).
    #[default]
    NewestFirst,
    /// Earliest first.
    OldestFirst,
}

/// A relationship's meetings in numbers.
#[derive(SimpleObject)]
pub struct MeetingStats {
    /// Meetings logged.
    count: i32,
    /// Their total length in minutes.
    total_minutes: i64,
    /// The latest.
    last_held_at: Option<DateTime<Utc>>,
}

pub(super) async fn person(ctx: &Context<'_>, id: i64) -> Result<Person> {
    let row = ctx.data_unchecked::<Loaders>().load_one(PersonId(id)).await?;
    row.map(Person).ok_or_else(|| Error::not_found("person"))
}

pub(super) async fn enrollment(ctx: &Context<'_>, id: i64) -> Result<Enrollment> {
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
