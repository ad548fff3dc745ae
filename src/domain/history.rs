//! The history of an earlier program (run in spreadsheets before the service), as an import
//! brings it: relationships with their meetings, learnings and feedback. Pure: the shape of each
//! record and its dates against the relationship; people's employment is checked by the store
//! with the rules live records obey (`timeline`).

use chrono::NaiveDate;
use serde::Deserialize;

use super::relationship::{EndEarlyReason, MatchStatus};
use super::timeline::{ActiveDays, RECORD_GRACE_DAYS};

/// Most relationships one history import may carry.
pub const MAX_RELATIONSHIPS: usize = 20_000;

/// A history document: `{"relationships": [...]}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HistoryDocument {
    /// The earlier program's relationships.
    pub relationships: Vec<PastRelationship>,
}

/// One past relationship and its records.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PastRelationship {
    /// The mentor's employee id.
    pub mentor: String,
    /// The mentee's employee id.
    pub mentee: String,
    /// First day.
    pub started_on: NaiveDate,
    /// The end it was planned for (default: the program's relationship length).
    pub planned_end_on: Option<NaiveDate>,
    /// Last day; none while it still runs.
    pub ended_on: Option<NaiveDate>,
    /// How it ended: COMPLETED or ENDED_EARLY (with `endReason`).
    pub ending: Option<String>,
    /// Why it ended early: LEFT_COMPANY, PROGRAM_CANCELLED, SCHEDULING, MISMATCH, PERSONAL.
    pub end_reason: Option<String>,
    /// Its meetings.
    #[serde(default)]
    pub meetings: Vec<PastMeeting>,
    /// Skills learned in it.
    #[serde(default)]
    pub learnings: Vec<PastLearning>,
    /// Feedback answers.
    #[serde(default)]
    pub feedback: Vec<PastFeedback>,
}

/// A meeting that took place.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PastMeeting {
    /// The day it took place.
    pub held_on: NaiveDate,
    /// How long, in minutes.
    pub minutes: i32,
    /// IN_PERSON, VIDEO, PHONE, CHAT or OTHER (default OTHER).
    pub format: Option<String>,
}

/// A skill learned.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PastLearning {
    /// MENTOR or MENTEE: who learned.
    pub learner: String,
    /// The skill's name or external URI in the catalogue.
    pub skill: String,
    /// The day it was recorded.
    pub recorded_on: NaiveDate,
    /// The day the other side confirmed it.
    pub confirmed_on: Option<NaiveDate>,
}

/// A feedback answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PastFeedback {
    /// MENTOR or MENTEE: who answered.
    pub respondent: String,
    /// The day it was given.
    pub submitted_on: NaiveDate,
    /// Satisfaction, 1-5.
    pub satisfaction: i32,
    /// Confidence, 1-5.
    pub confidence: i32,
}

/// How a past relationship stands: its status, end and reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// ACTIVE, COMPLETED or ENDED_EARLY.
    pub status: MatchStatus,
    /// Its active days.
    pub days: ActiveDays,
    /// Why it ended early.
    pub end_reason: Option<EndEarlyReason>,
}

impl PastRelationship {
    /// Checks the relationship's own dates and ending against `today`.
    pub fn outcome(&self, today: NaiveDate) -> Result<Outcome, String> {
        if self.started_on > today {
            return Err(format!("startedOn {} is in the future", self.started_on));
        }
        if let Some(planned) = self.planned_end_on.filter(|planned| *planned < self.started_on) {
            return Err(format!("plannedEndOn {planned} is before startedOn {}", self.started_on));
        }
        let ending = self.ending.as_deref().map(str::to_ascii_uppercase);
        let (status, end_reason) = match (self.ended_on, ending.as_deref()) {
            (None, None) => (MatchStatus::Active, None),
            (None, Some(_)) => return Err("ending needs endedOn".into()),
            (Some(_), None) => return Err("endedOn needs ending: COMPLETED or ENDED_EARLY".into()),
            (Some(_), Some("COMPLETED")) => (MatchStatus::Completed, None),
            (Some(_), Some("ENDED_EARLY")) => {
                let reason = self.end_reason.as_deref().ok_or("ENDED_EARLY needs endReason")?;
                let reason =
                    reason.to_ascii_uppercase().parse::<EndEarlyReason>().map_err(|error| error.to_string())?;
                (MatchStatus::EndedEarly, Some(reason))
            }
            (Some(_), Some(other)) => return Err(format!("ending '{other}' is not COMPLETED or ENDED_EARLY")),
        };
        if let Some(ended) = self.ended_on {
            if ended < self.started_on {
                return Err(format!("endedOn {ended} is before startedOn {}", self.started_on));
            }
            if ended > today {
                return Err(format!("endedOn {ended} is in the future"));
            }
        }
        Ok(Outcome { status, days: ActiveDays { started_on: self.started_on, ended_on: self.ended_on }, end_reason })
    }
}

/// A learning or feedback day lies where live records may be written: from the relationship's
/// start until [`RECORD_GRACE_DAYS`] after its end, and not after today.
pub fn check_record_day(what: &str, day: NaiveDate, days: ActiveDays, today: NaiveDate) -> Result<(), String> {
    if day > today {
        return Err(format!("{what} {day} is in the future"));
    }
    if day < days.started_on {
        return Err(format!("{what} {day} is before the relationship started on {}", days.started_on));
    }
    if let Some(ended) = days.ended_on
        && day > ended + chrono::Duration::days(RECORD_GRACE_DAYS)
    {
        return Err(format!(
            "{what} {day} is more than {RECORD_GRACE_DAYS} days after the relationship ended on {ended}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn relationship(ended_on: Option<&str>, ending: Option<&str>, reason: Option<&str>) -> PastRelationship {
        PastRelationship {
            mentor: "M1".into(),
            mentee: "E1".into(),
            started_on: day("2025-01-10"),
            planned_end_on: None,
            ended_on: ended_on.map(day),
            ending: ending.map(Into::into),
            end_reason: reason.map(Into::into),
            meetings: Vec::new(),
            learnings: Vec::new(),
            feedback: Vec::new(),
        }
    }

    #[test]
    fn an_ending_needs_its_day_and_an_early_end_its_reason() {
        let today = day("2026-06-01");
        assert_eq!(relationship(None, None, None).outcome(today).unwrap().status, MatchStatus::Active);
        let early = relationship(Some("2025-06-30"), Some("ended_early"), Some("SCHEDULING")).outcome(today).unwrap();
        assert_eq!((early.status, early.end_reason), (MatchStatus::EndedEarly, Some(EndEarlyReason::Scheduling)));
        for (past, words) in [
            (relationship(Some("2025-06-30"), None, None), "endedOn needs ending"),
            (relationship(None, Some("COMPLETED"), None), "ending needs endedOn"),
            (relationship(Some("2025-06-30"), Some("ENDED_EARLY"), None), "needs endReason"),
            (relationship(Some("2024-06-30"), Some("COMPLETED"), None), "before startedOn"),
            (relationship(Some("2027-01-01"), Some("COMPLETED"), None), "in the future"),
            (relationship(Some("2025-06-30"), Some("DONE"), None), "not COMPLETED or ENDED_EARLY"),
        ] {
            let error = past.outcome(today).unwrap_err();
            assert!(error.contains(words), "{error}");
        }
    }

    #[test]
    fn records_lie_within_the_relationship_and_its_grace_period() {
        let days = ActiveDays { started_on: day("2025-01-10"), ended_on: Some(day("2025-06-30")) };
        let today = day("2026-01-01");
        assert!(check_record_day("recordedOn", day("2025-07-30"), days, today).is_ok(), "30 days after the end");
        assert!(
            check_record_day("recordedOn", day("2025-07-31"), days, today).unwrap_err().contains("more than 30 days")
        );
        assert!(check_record_day("recordedOn", day("2025-01-09"), days, today).unwrap_err().contains("before"));
    }
}
