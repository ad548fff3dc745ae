//! What happens inside a relationship: meetings with action items, skills learned
//! (both ways), and feedback. These are the records outcome metrics and LMS training
//! records are built from, so their values are checked here once.

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use super::{DomainError, invalid, text, text_enum};

text_enum! {
    /// How a meeting took place.
    MeetingFormat {
        InPerson => "IN_PERSON",
        Video => "VIDEO",
        Phone => "PHONE",
        Chat => "CHAT",
        Other => "OTHER",
    }
}

/// The longest meeting that can be logged, in minutes.
pub const MAX_MEETING_MINUTES: i32 = 600;

/// A follow-up agreed in a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    /// What is to be done.
    pub text: String,
    /// Whether it is done.
    pub done: bool,
}

/// A meeting as logged, before validation.
#[derive(Debug, Clone)]
pub struct MeetingDraft {
    /// When it took place.
    pub held_at: DateTime<Utc>,
    /// How long, in minutes.
    pub minutes: i32,
    /// How.
    pub format: MeetingFormat,
    /// What was planned (private to the pair).
    pub agenda: String,
    /// What was said (private to the pair).
    pub notes: String,
    /// Follow-ups (private to the pair).
    pub action_items: Vec<ActionItem>,
}

impl MeetingDraft {
    /// Checks duration, texts and that the meeting is not in the future.
    pub fn validate(mut self, now: DateTime<Utc>) -> Result<MeetingDraft, DomainError> {
        text::in_range("minutes", self.minutes, 1, MAX_MEETING_MINUTES)?;
        if self.held_at > now + chrono::Duration::hours(1) {
            return Err(invalid(format!("heldAt {} is in the future; log meetings once they happened", self.held_at)));
        }
        self.agenda = text::limited("agenda", self.agenda.trim(), 4_000)?;
        self.notes = text::limited("notes", self.notes.trim(), 10_000)?;
        if self.action_items.len() > 50 {
            return Err(invalid(format!("at most 50 action items, got {}", self.action_items.len())));
        }
        for (index, item) in self.action_items.iter_mut().enumerate() {
            item.text = text::required(&format!("actionItems[{index}].text"), &item.text, 500)?;
        }
        Ok(self)
    }
}

/// A satisfaction or confidence rating, 1 to 5.
pub fn rating(field: &str, value: i32) -> Result<i32, DomainError> {
    text::in_range(field, value, 1, 5)
}

/// The month a feedback counts for, as `YYYY-MM`: the latest per person and month counts.
pub fn feedback_period(at: DateTime<Utc>) -> String {
    format!("{:04}-{:02}", at.year(), at.month())
}

/// A learning note: short free text.
pub fn learning_note(value: &str) -> Result<String, DomainError> {
    text::limited("note", value.trim(), 1_000)
}

/// One page of a relationship's meetings, given newest first (latest `held_at`, then highest
/// id): in the order asked, starting after the meeting `after` when given, at most `first`.
pub fn meetings_page<T>(
    newest_first: Vec<T>,
    id: impl Fn(&T) -> i64,
    oldest_first: bool,
    after: Option<i64>,
    first: Option<usize>,
) -> Result<Vec<T>, DomainError> {
    let mut meetings = newest_first;
    if oldest_first {
        meetings.reverse();
    }
    if let Some(after) = after {
        let Some(place) = meetings.iter().position(|meeting| id(meeting) == after) else {
            return Err(invalid("after is not a meeting of this match"));
        };
        meetings.drain(..=place);
    }
    if let Some(first) = first {
        meetings.truncate(first);
    }
    Ok(meetings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meetings_page_in_either_order_after_a_meeting() {
        let newest_first = vec![9, 7, 4, 2];
        let page = |oldest, after, first| meetings_page(newest_first.clone(), |id| *id, oldest, after, first);
        assert_eq!(page(false, None, None).unwrap(), [9, 7, 4, 2]);
        assert_eq!(page(true, None, Some(3)).unwrap(), [2, 4, 7]);
        assert_eq!(page(false, Some(7), Some(1)).unwrap(), [4]);
        assert_eq!(page(true, Some(7), None).unwrap(), [9]);
        assert_eq!(page(false, Some(2), None).unwrap(), Vec::<i64>::new(), "after the last: an empty page");
        assert_eq!(page(false, None, Some(0)).unwrap(), Vec::<i64>::new());
        assert!(page(false, Some(5), None).is_err(), "5 is not one of them");
    }

    fn draft() -> MeetingDraft {
        MeetingDraft {
            held_at: Utc::now(),
            minutes: 45,
            format: MeetingFormat::Video,
            agenda: " Instagram basics ".into(),
            notes: String::new(),
            action_items: vec![ActionItem { text: "Post once".into(), done: false }],
        }
    }

    #[test]
    fn a_meeting_needs_a_sensible_duration_and_a_past_date() {
        assert_eq!(draft().validate(Utc::now()).unwrap().agenda, "Instagram basics");
        assert!(MeetingDraft { minutes: 0, ..draft() }.validate(Utc::now()).is_err());
        assert!(MeetingDraft { minutes: 601, ..draft() }.validate(Utc::now()).is_err());
        let future = MeetingDraft { held_at: Utc::now() + chrono::Duration::days(2), ..draft() };
        assert!(future.validate(Utc::now()).unwrap_err().to_string().contains("in the future"));
    }

    #[test]
    fn action_items_need_text() {
        let empty = MeetingDraft { action_items: vec![ActionItem { text: " ".into(), done: true }], ..draft() };
        assert!(empty.validate(Utc::now()).unwrap_err().to_string().contains("actionItems[0].text"));
    }

    #[test]
    fn feedback_counts_per_calendar_month() {
        let at = DateTime::parse_from_rfc3339("2027-03-31T23:59:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(feedback_period(at), "2027-03");
        assert!(rating("satisfaction", 6).is_err());
    }
}
