//! What a participant should do next, derived from their running relationships.

use async_graphql::{Context, Enum, Object};
use chrono::{Duration, Utc};

use super::access;
use super::loaders::{FeedbackOfMatch, LearningsOfMatch, Loaders, MeetingsOfMatch};
use super::matches::Match;
use super::preparation::PreparationCourse;
use super::records::Learning;
use crate::domain::record::feedback_period;
use crate::domain::relationship::MatchStatus;
use crate::error::Result;
use crate::store::entity::{learning, matched_pair, preparation_course};

/// Days without a meeting after which a running relationship is flagged.
const MEETING_GAP_DAYS: i64 = 30;

/// Kinds of things due.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum DueKind {
    /// No meeting logged in the last month.
    NoRecentMeeting,
    /// A learning your counterpart (or a coordinator) recorded awaits your confirmation.
    LearningToConfirm,
    /// You have not given feedback this month.
    FeedbackDue,
    /// A preparation course your program requires before you can be matched.
    PreparationCourse,
}

/// One thing due, with the match (and learning), or the course, it is about.
pub struct DueItem {
    kind: DueKind,
    pair: Option<matched_pair::Model>,
    learning: Option<learning::Model>,
    course: Option<preparation_course::Model>,
    message: String,
}

#[Object]
impl DueItem {
    /// What kind of thing.
    async fn kind(&self) -> DueKind {
        self.kind
    }
    /// The relationship; null for PREPARATION_COURSE.
    async fn r#match(&self) -> Option<Match> {
        self.pair.clone().map(Match)
    }
    /// The course to complete, for PREPARATION_COURSE (its activity IRI is the link).
    async fn course(&self) -> Option<PreparationCourse> {
        self.course.clone().map(PreparationCourse)
    }
    /// The learning to confirm, for LEARNING_TO_CONFIRM.
    async fn learning(&self) -> Option<Learning> {
        self.learning.clone().map(Learning)
    }
    /// In words.
    async fn message(&self) -> &str {
        &self.message
    }
}

/// Everything due for the viewer, oldest relationship first.
pub async fn due_items(ctx: &Context<'_>) -> Result<Vec<DueItem>> {
    let Some(me) = access::participant_person(ctx).await? else { return Ok(Vec::new()) };
    let loaders = ctx.data_unchecked::<Loaders>();
    let pairs = access::scoped(ctx).relationships_of(me).await?;
    let running: Vec<matched_pair::Model> =
        pairs.into_iter().filter(|pair| pair.status == MatchStatus::Active.as_str()).collect();
    let now = Utc::now();
    let mut due = Vec::new();
    for pair in running {
        let meetings = loaders.load_one(MeetingsOfMatch(pair.id)).await?.unwrap_or_default();
        let last = meetings.iter().map(|meeting| meeting.held_at).max();
        if last.is_none_or(|last| now - last > Duration::days(MEETING_GAP_DAYS)) {
            let message = match last {
                Some(last) => format!("no meeting since {}", last.date_naive()),
                None => "no meeting logged yet".to_owned(),
            };
            let pair = Some(pair.clone());
            due.push(DueItem { kind: DueKind::NoRecentMeeting, pair, learning: None, course: None, message });
        }
        let learnings = loaders.load_one(LearningsOfMatch(pair.id)).await?.unwrap_or_default();
        for learning in learnings {
            if learning.confirmed_at.is_none() && learning.recorded_by_person_id != Some(me) {
                let message = "a learning recorded for your pair awaits your confirmation".to_owned();
                due.push(DueItem {
                    kind: DueKind::LearningToConfirm,
                    pair: Some(pair.clone()),
                    learning: Some(learning),
                    course: None,
                    message,
                });
            }
        }
        let feedback = loaders.load_one(FeedbackOfMatch(pair.id)).await?.unwrap_or_default();
        let period = feedback_period(now);
        if !feedback.iter().any(|row| row.respondent_person_id == me && row.period == period) {
            let message = format!("no feedback from you for {period}");
            due.push(DueItem { kind: DueKind::FeedbackDue, pair: Some(pair), learning: None, course: None, message });
        }
    }
    for course in access::scoped(ctx).missing_preparation(me).await? {
        let message = format!(
            "complete '{}', which your program requires before matching: {}",
            course.title, course.activity_iri
        );
        due.push(DueItem {
            kind: DueKind::PreparationCourse,
            pair: None,
            learning: None,
            course: Some(course),
            message,
        });
    }
    Ok(due)
}
