//! Records of a relationship as clients read and write them: meetings (notes private to
//! the pair), skills learned both ways (confirmed by the other side), and feedback.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::access::{self, READERS};
use super::enums::{self, MeetingFormat, PairSide, SkillCategory};
use super::ids::{self, Kind};
use super::loaders::{Loaders, PersonId, SkillId};
use super::matches::person;
use super::people::Person;
use super::skills::Skill;
use crate::domain::person::check_batch_size;
use crate::domain::record::{ActionItem as DomainActionItem, MeetingDraft};
use crate::domain::relationship::{self, MatchStatus};
use crate::error::{Error, Result};
use crate::store::entity::{feedback, learning, matched_pair, meeting};
use crate::store::records::LearnedSkill;

/// A meeting of a pair. Agenda, notes and action items are private to the two of them;
/// coordinators and analysts see when, how long and how.
pub struct Meeting {
    /// The row.
    pub row: meeting::Model,
    /// The match it belongs to (to decide who may read the private parts), shared by the
    /// match's meetings rather than copied into each.
    pub pair: std::sync::Arc<matched_pair::Model>,
}

impl Meeting {
    async fn private<'a>(&'a self, ctx: &Context<'_>) -> Result<&'a meeting::Model> {
        match access::side_in(ctx, &self.pair).await? {
            Some(_) => Ok(&self.row),
            None => Err(Error::Forbidden("meeting notes are private to the pair".into())),
        }
    }
}

#[Object]
impl Meeting {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Meeting, self.row.id)
    }
    /// When it took place.
    async fn held_at(&self) -> DateTime<Utc> {
        self.row.held_at
    }
    /// How long, in minutes.
    async fn minutes(&self) -> i32 {
        self.row.minutes
    }
    /// How it took place.
    async fn format(&self) -> Result<MeetingFormat> {
        enums::stored::<crate::domain::record::MeetingFormat, _>(&self.row.format)
    }
    /// What was planned (the pair only).
    async fn agenda(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(Some(self.private(ctx).await?.agenda.clone()))
    }
    /// What was said (the pair only).
    async fn notes(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(Some(self.private(ctx).await?.notes.clone()))
    }
    /// Follow-ups with done flags (the pair only).
    async fn action_items(&self, ctx: &Context<'_>) -> Result<Option<Vec<ActionItem>>> {
        let items: Vec<DomainActionItem> = serde_json::from_str(&self.private(ctx).await?.action_items)
            .map_err(|error| Error::Internal(format!("meeting {} action items: {error}", self.row.id)))?;
        Ok(Some(items.into_iter().map(|item| ActionItem { text: item.text, done: item.done }).collect()))
    }
    /// Bumped by every change; send it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.row.version
    }
}

/// A follow-up agreed in a meeting.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "ActionItemInput")]
pub struct ActionItem {
    /// What is to be done.
    pub text: String,
    /// Whether it is done.
    #[graphql(default)]
    pub done: bool,
}

/// A meeting as logged or edited.
#[derive(InputObject)]
pub struct MeetingInput {
    /// When it took place (not in the future).
    pub held_at: DateTime<Utc>,
    /// How long, in minutes (1-600).
    pub minutes: i32,
    /// How it took place.
    pub format: MeetingFormat,
    /// What was planned.
    #[graphql(default)]
    pub agenda: String,
    /// What was said.
    #[graphql(default)]
    pub notes: String,
    /// Follow-ups.
    #[graphql(default)]
    pub action_items: Vec<ActionItem>,
}

impl From<MeetingInput> for MeetingDraft {
    fn from(input: MeetingInput) -> Self {
        MeetingDraft {
            held_at: input.held_at,
            minutes: input.minutes,
            format: input.format.into(),
            agenda: input.agenda,
            notes: input.notes,
            action_items: input
                .action_items
                .into_iter()
                .map(|item| DomainActionItem { text: item.text, done: item.done })
                .collect(),
        }
    }
}

/// One meeting of a `logMeetings` batch.
#[derive(InputObject)]
pub struct LogMeetingInput {
    /// The relationship.
    pub match_id: ID,
    /// The meeting.
    pub meeting: MeetingInput,
}

/// A skill one side of a pair learned; learning is two-way, so mentors learn too.
pub struct Learning(pub learning::Model);

#[Object]
impl Learning {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Learning, self.0.id)
    }
    /// Who learned it.
    async fn learner(&self, ctx: &Context<'_>) -> Result<Person> {
        person(ctx, self.0.learner_person_id).await
    }
    /// MENTOR or MENTEE.
    async fn learner_side(&self) -> Result<PairSide> {
        enums::stored::<relationship::PairSide, _>(&self.0.learner_side)
    }
    /// The skill.
    async fn skill(&self, ctx: &Context<'_>) -> Result<Skill> {
        let row = ctx.data_unchecked::<Loaders>().load_one(SkillId(self.0.skill_id)).await?;
        row.map(Skill).ok_or_else(|| Error::not_found("skill"))
    }
    /// A short note.
    async fn note(&self) -> &str {
        &self.0.note
    }
    /// Who recorded it (null when a coordinator did).
    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match self.0.recorded_by_person_id {
            Some(id) => ctx.data_unchecked::<Loaders>().load_one(PersonId(id)).await.map(|row| row.map(Person)),
            None => Ok(None),
        }
    }
    /// Whether the other side confirmed it.
    async fn confirmed(&self) -> bool {
        self.0.confirmed_at.is_some()
    }
    /// When it was confirmed.
    async fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.0.confirmed_at
    }
    /// When it was recorded.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// One side's ratings of the relationship.
pub struct Feedback(pub feedback::Model);

#[Object]
impl Feedback {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Feedback, self.0.id)
    }
    /// Who gave it.
    async fn respondent(&self, ctx: &Context<'_>) -> Result<Person> {
        person(ctx, self.0.respondent_person_id).await
    }
    /// The month it counts for (`YYYY-MM`).
    async fn period(&self) -> &str {
        &self.0.period
    }
    /// Satisfaction, 1-5.
    async fn satisfaction(&self) -> i32 {
        i32::from(self.0.satisfaction)
    }
    /// Confidence, 1-5.
    async fn confidence(&self) -> i32 {
        i32::from(self.0.confidence)
    }
    /// Free comment.
    async fn comment(&self) -> &str {
        &self.0.comment
    }
    /// When it was given.
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
}

/// A skill not yet in the catalogue.
#[derive(InputObject)]
pub struct NewSkillInput {
    /// Its name.
    pub name: String,
    /// Its category.
    pub category: SkillCategory,
}

/// A skill learned in a match.
#[derive(InputObject)]
pub struct RecordLearningInput {
    /// The match.
    pub match_id: ID,
    /// Who learned: MENTOR or MENTEE.
    pub learner: PairSide,
    /// A catalogue skill...
    pub skill_id: Option<ID>,
    /// ...or a new one, added to the catalogue.
    pub new_skill: Option<NewSkillInput>,
    /// A short note.
    #[graphql(default)]
    pub note: String,
}

/// Writing the records of a relationship.
#[derive(Default)]
pub struct RecordsMutation;

#[Object]
impl RecordsMutation {
    /// Logs a meeting (the two people of the match, or a coordinator).
    async fn log_meeting(&self, ctx: &Context<'_>, match_id: ID, input: MeetingInput) -> Result<Meeting> {
        let pair = pair_for(ctx, &match_id, "logging a meeting").await?;
        let row = access::scoped(ctx).log_meeting(pair.id, input.into()).await?;
        Ok(Meeting { row, pair: pair.into() })
    }

    /// Logs up to 1,000 meetings of the organisation's relationships in one call (ADMIN or
    /// COORDINATOR: what an integration brings from calendars), all or nothing: each entry
    /// follows `logMeeting`'s rules, and the first that breaks one is named by its index
    /// (`meetings[3]: ...`) and nothing is written.
    async fn log_meetings(&self, ctx: &Context<'_>, meetings: Vec<LogMeetingInput>) -> Result<Vec<Meeting>> {
        access::viewer(ctx).require(access::MANAGERS, "logging meetings in bulk")?;
        check_batch_size("meetings", meetings.len())?;
        let mut batch = Vec::with_capacity(meetings.len());
        for (index, entry) in meetings.into_iter().enumerate() {
            let match_id = ids::decode(&format!("meetings[{index}].matchId"), &entry.match_id, Kind::Match)?;
            batch.push((match_id, entry.meeting.into()));
        }
        let logged = access::scoped(ctx).log_meetings(batch).await?;
        Ok(logged.into_iter().map(|(row, pair)| Meeting { row, pair: pair.into() }).collect())
    }

    /// Rewrites a meeting; a stale `expectedVersion` gets CONFLICT and changes nothing.
    async fn update_meeting(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: MeetingInput,
    ) -> Result<Meeting> {
        let (id, pair) = meeting_for(ctx, &id, "editing a meeting").await?;
        let row = access::scoped(ctx).update_meeting(id, expected_version, input.into()).await?;
        Ok(Meeting { row, pair: pair.into() })
    }

    /// Deletes a meeting; a stale `expectedVersion` gets CONFLICT and deletes nothing.
    async fn delete_meeting(&self, ctx: &Context<'_>, id: ID, expected_version: i32) -> Result<ID> {
        let (number, _) = meeting_for(ctx, &id, "deleting a meeting").await?;
        access::scoped(ctx).delete_meeting(number, expected_version).await?;
        Ok(id)
    }

    /// Records a skill one side learned, from the catalogue or new; the other side confirms it.
    async fn record_learning(&self, ctx: &Context<'_>, input: RecordLearningInput) -> Result<Learning> {
        let pair = pair_for(ctx, &input.match_id, "recording a learning").await?;
        let recorder = access::side_in(ctx, &pair).await?.and(access::participant_person(ctx).await?);
        let skill = match (input.skill_id, input.new_skill) {
            (Some(id), None) => LearnedSkill::Existing(ids::decode("skillId", &id, Kind::Skill)?),
            (None, Some(new)) => LearnedSkill::New { name: new.name, category: new.category.into() },
            _ => return Err(Error::BadInput("pass exactly one of skillId or newSkill".into())),
        };
        let row =
            access::scoped(ctx).record_learning(pair.id, input.learner.into(), skill, &input.note, recorder).await?;
        Ok(Learning(row))
    }

    /// The other side of the pair confirms a learning.
    async fn confirm_learning(&self, ctx: &Context<'_>, id: ID) -> Result<Learning> {
        let number = ids::decode("id", &id, Kind::Learning)?;
        let store = access::scoped(ctx);
        let row = store.learning(number).await?;
        let pair = match &row {
            Some(row) => store.matched_pair(row.match_id).await?,
            None => None,
        };
        let confirmer = match pair {
            Some(pair) => access::side_in(ctx, &pair).await?.and(access::participant_person(ctx).await?),
            None => None,
        };
        let confirmer = confirmer
            .ok_or_else(|| Error::Forbidden("learnings are confirmed by the other person of the pair".into()))?;
        Ok(Learning(store.confirm_learning(number, confirmer).await?))
    }

    /// One side rates the relationship (any number of times; the latest per month counts).
    async fn submit_feedback(
        &self,
        ctx: &Context<'_>,
        match_id: ID,
        satisfaction: i32,
        confidence: i32,
        #[graphql(default)] comment: String,
    ) -> Result<Feedback> {
        let pair = pair_for(ctx, &match_id, "giving feedback").await?;
        let respondent = access::side_in(ctx, &pair).await?.and(access::participant_person(ctx).await?);
        let respondent =
            respondent.ok_or_else(|| Error::Forbidden("feedback comes from the two people of the match".into()))?;
        let row = access::scoped(ctx).submit_feedback(pair.id, respondent, satisfaction, confidence, &comment).await?;
        Ok(Feedback(row))
    }
}

/// The match `id` names, if the viewer may write its records (the pair or a coordinator).
pub async fn pair_for(ctx: &Context<'_>, id: &ID, doing: &str) -> Result<matched_pair::Model> {
    let number = ids::decode("matchId", id, Kind::Match)?;
    let pair = access::scoped(ctx).matched_pair(number).await?;
    writable_pair(ctx, pair, "match", doing).await
}

async fn meeting_for(ctx: &Context<'_>, id: &ID, doing: &str) -> Result<(i64, matched_pair::Model)> {
    let number = ids::decode("id", id, Kind::Meeting)?;
    let store = access::scoped(ctx);
    let pair = match store.meeting(number).await? {
        Some(meeting) => store.matched_pair(meeting.match_id).await?,
        None => None,
    };
    Ok((number, writable_pair(ctx, pair, "meeting", doing).await?))
}

/// The pair's records are written by the two people of a running (or finished) relationship and
/// by coordinators. Anyone else is refused before learning whether `what` exists; proposals stay
/// with coordinators until approved.
async fn writable_pair(
    ctx: &Context<'_>,
    pair: Option<matched_pair::Model>,
    what: &str,
    doing: &str,
) -> Result<matched_pair::Model> {
    let manager = access::viewer(ctx).has_any(access::MANAGERS);
    let refused = || Error::Forbidden(format!("{doing} is for the two people of this match and coordinators"));
    let Some(pair) = pair else {
        return Err(if manager { Error::not_found(what) } else { refused() });
    };
    access::require_pair_or_manager(ctx, &pair, doing).await?;
    let proposal = !crate::store::parse_stored::<MatchStatus>(&pair.status)?.was_relationship();
    if proposal && !manager {
        return Err(refused());
    }
    Ok(pair)
}

/// Whether the viewer may read a match's records: directory readers, or one of the pair.
pub async fn may_read_records(ctx: &Context<'_>, pair: &matched_pair::Model) -> Result<bool> {
    Ok(access::viewer(ctx).has_any(READERS) || access::side_in(ctx, pair).await?.is_some())
}
