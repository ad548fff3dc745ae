//! Dates that must obey time: a person's employment (hire date to last day), a
//! relationship's active days, when a meeting may be dated, how long after its end a pair
//! may still write records, and what a change of departure date means.
//!
//! Outcome metrics count days of employment and of relationships, so every write that
//! dates something goes through these rules, and the integrity report applies the same
//! rules to what is already stored.

use chrono::{Duration, NaiveDate};

use super::person::EmploymentStatus;
use super::{DomainError, invalid};

/// Days after a relationship ended during which the pair (or a coordinator) may still log
/// late meetings, record or confirm learnings and give feedback.
pub const RECORD_GRACE_DAYS: i64 = 30;

/// A person's employment: `left_on` is their last working day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Employment {
    /// First day of employment, when known.
    pub hired_on: Option<NaiveDate>,
    /// Last working day, when a departure is recorded (it may lie in the future: a notice period).
    pub left_on: Option<NaiveDate>,
}

impl Employment {
    /// Whether the person works here on `day` (hired on or before it, last day on or after it).
    pub fn employed_on(&self, day: NaiveDate) -> bool {
        self.hired_on.is_none_or(|hired| hired <= day) && self.left_on.is_none_or(|left| left >= day)
    }

    /// Whether the departure took effect: their last day is behind them.
    pub fn has_left(&self, today: NaiveDate) -> bool {
        self.left_on.is_some_and(|left| left < today)
    }

    /// The status the directory shows on `today`.
    pub fn status(&self, today: NaiveDate) -> EmploymentStatus {
        if self.has_left(today) { EmploymentStatus::Left } else { EmploymentStatus::Active }
    }
}

/// One side of a pair, for messages: "mentor" or "mentee", and their employment.
#[derive(Debug, Clone, Copy)]
pub struct Party {
    /// "mentor" or "mentee".
    pub side: &'static str,
    /// Their employment.
    pub employment: Employment,
}

/// The days a relationship runs: from its start to its end (both counted), or open while running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveDays {
    /// First day.
    pub started_on: NaiveDate,
    /// Last day, once it ended.
    pub ended_on: Option<NaiveDate>,
}

/// A meeting lies within its relationship's active days, not after today, and within both
/// people's employment.
pub fn check_meeting_day(
    day: NaiveDate,
    relationship: ActiveDays,
    pair: [Party; 2],
    today: NaiveDate,
) -> Result<(), DomainError> {
    if day > today {
        return Err(invalid(format!(
            "heldAt {day} is in the future (today is {today}); log meetings once they happened"
        )));
    }
    if day < relationship.started_on {
        return Err(invalid(format!("heldAt {day} is before the relationship started on {}", relationship.started_on)));
    }
    if let Some(ended) = relationship.ended_on.filter(|ended| day > *ended) {
        return Err(invalid(format!("heldAt {day} is after the relationship ended on {ended}")));
    }
    for party in pair {
        within_employment("heldAt", day, party)?;
    }
    Ok(())
}

/// A relationship starts on a day both people are employed.
pub fn check_relationship_start(start: NaiveDate, pair: [Party; 2]) -> Result<(), DomainError> {
    for party in pair {
        within_employment("the relationship's start", start, party)?;
    }
    Ok(())
}

/// `day` (what `what` names) lies within the party's employment: hired by then, not gone before it.
pub fn within_employment(what: &str, day: NaiveDate, party: Party) -> Result<(), DomainError> {
    let Party { side, employment } = party;
    if let Some(hired) = employment.hired_on.filter(|hired| day < *hired) {
        return Err(invalid(format!("{what} {day} is before the {side} was hired on {hired}")));
    }
    if let Some(left) = employment.left_on.filter(|left| day > *left) {
        return Err(invalid(format!("{what} {day} is after the {side}'s last day {left}")));
    }
    Ok(())
}

/// The one rule for writing a relationship's records (meetings, learnings, feedback): once it
/// started, until [`RECORD_GRACE_DAYS`] after it ended.
pub fn check_record_window(relationship: ActiveDays, today: NaiveDate) -> Result<(), DomainError> {
    if relationship.started_on > today {
        return Err(DomainError::IllegalTransition(format!(
            "this relationship starts on {}; its records begin then",
            relationship.started_on
        )));
    }
    match relationship.ended_on {
        Some(ended) if today > ended + Duration::days(RECORD_GRACE_DAYS) => {
            Err(DomainError::IllegalTransition(format!(
                "this relationship ended on {ended}; its records could be added until {} ({RECORD_GRACE_DAYS} days after)",
                ended + Duration::days(RECORD_GRACE_DAYS)
            )))
        }
        _ => Ok(()),
    }
}

/// The day a departure ends a running relationship: the person's last day, but never before
/// the relationship's start.
pub fn departure_end(left_on: NaiveDate, started_on: Option<NaiveDate>) -> NaiveDate {
    started_on.map_or(left_on, |started| left_on.max(started))
}

/// What a new departure date (or none) means for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepartureStep {
    /// Nothing changes.
    Unchanged,
    /// A last day today or later: the person stays employed and matched until then.
    Scheduled(NaiveDate),
    /// A last day in the past: the departure takes effect now.
    Departed(NaiveDate),
    /// A scheduled departure is called off.
    Cancelled,
    /// The directory lists someone who had left as employed again.
    Rehired,
}

/// Decides what setting `new_left_on` does to `current` on `today`. A scheduled departure may
/// be moved or cancelled until it takes effect; after that its date is history.
pub fn departure_step(
    current: Employment,
    new_left_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<DepartureStep, DomainError> {
    if let (Some(hired), Some(left)) = (current.hired_on, new_left_on)
        && left < hired
    {
        return Err(invalid(format!("leftOn {left} is before hiredOn {hired}")));
    }
    if new_left_on == current.left_on {
        return Ok(DepartureStep::Unchanged);
    }
    match (current.left_on.filter(|_| current.has_left(today)), new_left_on) {
        (Some(_), None) => Ok(DepartureStep::Rehired),
        (Some(effective), Some(other)) => Err(DomainError::IllegalTransition(format!(
            "the departure on {effective} already took effect; it cannot be moved to {other}"
        ))),
        (None, None) => Ok(DepartureStep::Cancelled),
        (None, Some(left)) if left < today => Ok(DepartureStep::Departed(left)),
        (None, Some(left)) => Ok(DepartureStep::Scheduled(left)),
    }
}

/// What a directory's `active` flag (SCIM) means for a person on `today`, given their dates and
/// whether their departure already took effect: the last working day to store and the step.
/// `false` is a departure that takes effect at once, today being the last day (or an earlier one
/// already recorded); `true` brings back someone who had left. Anything else changes nothing.
pub fn directory_step(
    current: Employment,
    departed: bool,
    active: bool,
    today: NaiveDate,
) -> Result<(Option<NaiveDate>, DepartureStep), DomainError> {
    match (active, departed) {
        (false, false) => {
            let last_day = current.left_on.filter(|left| *left < today).unwrap_or(today);
            if let Some(hired) = current.hired_on.filter(|hired| *hired > last_day) {
                return Err(invalid(format!("cannot be deactivated on {last_day}: hired on {hired}")));
            }
            Ok((Some(last_day), DepartureStep::Departed(last_day)))
        }
        (true, true) => Ok((None, DepartureStep::Rehired)),
        _ => Ok((current.left_on, DepartureStep::Unchanged)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_deactivates_at_once_and_brings_people_back() {
        let today = date(2026, 6, 10);
        let employed = Employment { hired_on: Some(date(2020, 1, 1)), left_on: None };
        assert_eq!(directory_step(employed, false, false, today), Ok((Some(today), DepartureStep::Departed(today))));
        let notice = Employment { left_on: Some(date(2026, 7, 31)), ..employed };
        assert_eq!(directory_step(notice, false, false, today).unwrap().0, Some(today), "a notice period is cut short");
        let overdue = Employment { left_on: Some(date(2026, 6, 1)), ..employed };
        assert_eq!(directory_step(overdue, false, false, today).unwrap().0, Some(date(2026, 6, 1)));
        let gone = Employment { left_on: Some(date(2026, 1, 31)), ..employed };
        assert_eq!(directory_step(gone, true, true, today), Ok((None, DepartureStep::Rehired)));
        assert_eq!(directory_step(gone, true, false, today), Ok((gone.left_on, DepartureStep::Unchanged)));
        assert_eq!(directory_step(notice, false, true, today), Ok((notice.left_on, DepartureStep::Unchanged)));
        let future_hire = Employment { hired_on: Some(date(2026, 9, 1)), left_on: None };
        assert!(directory_step(future_hire, false, false, today).is_err());
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn employed(hired: Option<NaiveDate>, left: Option<NaiveDate>) -> Employment {
        Employment { hired_on: hired, left_on: left }
    }

    fn pair(mentor: Employment, mentee: Employment) -> [Party; 2] {
        [Party { side: "mentor", employment: mentor }, Party { side: "mentee", employment: mentee }]
    }

    #[test]
    fn the_last_day_is_a_working_day_and_the_departure_shows_the_day_after() {
        let person = employed(Some(date(2020, 1, 15)), Some(date(2026, 11, 30)));
        assert!(person.employed_on(date(2026, 11, 30)));
        assert!(!person.employed_on(date(2026, 12, 1)));
        assert!(!person.employed_on(date(2020, 1, 14)));
        assert_eq!(person.status(date(2026, 11, 30)), EmploymentStatus::Active);
        assert_eq!(person.status(date(2026, 12, 1)), EmploymentStatus::Left);
    }

    #[test]
    fn a_meeting_lies_within_the_relationship_and_both_employments() {
        let today = date(2026, 12, 2);
        let running = ActiveDays { started_on: date(2026, 3, 1), ended_on: None };
        let people = pair(employed(Some(date(2026, 2, 1)), None), employed(Some(date(2010, 1, 1)), None));
        assert!(check_meeting_day(date(2026, 3, 1), running, people, today).is_ok());
        assert!(check_meeting_day(today, running, people, today).is_ok());
        let cases = [
            (date(2001, 5, 1), running, people, "before the relationship started on 2026-03-01"),
            (date(2026, 12, 3), running, people, "in the future"),
            (
                date(2026, 7, 2),
                ActiveDays { started_on: date(2026, 3, 1), ended_on: Some(date(2026, 7, 1)) },
                people,
                "after the relationship ended on 2026-07-01",
            ),
            (
                date(2026, 3, 5),
                running,
                pair(employed(Some(date(2026, 3, 10)), None), employed(None, None)),
                "before the mentor was hired on 2026-03-10",
            ),
            (
                date(2026, 6, 1),
                running,
                pair(employed(None, None), employed(None, Some(date(2026, 5, 31)))),
                "after the mentee's last day 2026-05-31",
            ),
        ];
        for (day, relationship, people, expected) in cases {
            let error = check_meeting_day(day, relationship, people, today).unwrap_err().to_string();
            assert!(error.contains(expected), "{error:?} should mention {expected:?}");
        }
    }

    #[test]
    fn a_relationship_starts_while_both_are_employed() {
        let start = date(2027, 1, 11);
        assert!(check_relationship_start(start, pair(employed(None, None), employed(None, Some(start)))).is_ok());
        let late_hire = pair(employed(Some(date(2027, 2, 1)), None), employed(None, None));
        assert!(
            check_relationship_start(start, late_hire)
                .unwrap_err()
                .to_string()
                .contains("the relationship's start 2027-01-11 is before the mentor was hired on 2027-02-01")
        );
        let leaving = pair(employed(None, None), employed(None, Some(date(2026, 12, 31))));
        assert!(check_relationship_start(start, leaving).unwrap_err().to_string().contains("mentee's last day"));
    }

    #[test]
    fn records_are_written_from_the_start_until_the_grace_period_after_the_end() {
        let ended = ActiveDays { started_on: date(2026, 3, 1), ended_on: Some(date(2026, 10, 31)) };
        assert!(check_record_window(ended, date(2026, 11, 30)).is_ok());
        let late = check_record_window(ended, date(2026, 12, 1)).unwrap_err();
        assert!(matches!(late, DomainError::IllegalTransition(_)));
        assert!(late.to_string().contains("ended on 2026-10-31; its records could be added until 2026-11-30"));
        let future = ActiveDays { started_on: date(2027, 1, 11), ended_on: None };
        assert!(check_record_window(future, date(2026, 12, 2)).unwrap_err().to_string().contains("starts on"));
    }

    #[test]
    fn a_departure_never_ends_a_relationship_before_its_start() {
        assert_eq!(departure_end(date(2026, 10, 31), Some(date(2026, 3, 1))), date(2026, 10, 31));
        assert_eq!(departure_end(date(2026, 1, 31), Some(date(2026, 3, 1))), date(2026, 3, 1));
        assert_eq!(departure_end(date(2026, 1, 31), None), date(2026, 1, 31));
    }

    #[test]
    fn departures_are_scheduled_moved_cancelled_until_they_take_effect() {
        let today = date(2026, 12, 2);
        let none = employed(Some(date(2020, 1, 1)), None);
        let scheduled = employed(Some(date(2020, 1, 1)), Some(date(2026, 12, 31)));
        let gone = employed(Some(date(2020, 1, 1)), Some(date(2026, 11, 30)));
        let step = |current, new| departure_step(current, new, today);
        assert_eq!(step(none, Some(date(2026, 12, 31))), Ok(DepartureStep::Scheduled(date(2026, 12, 31))));
        assert_eq!(step(none, Some(today)), Ok(DepartureStep::Scheduled(today)), "the last day is still worked");
        assert_eq!(step(none, Some(date(2026, 12, 1))), Ok(DepartureStep::Departed(date(2026, 12, 1))));
        assert_eq!(step(scheduled, Some(date(2027, 1, 15))), Ok(DepartureStep::Scheduled(date(2027, 1, 15))));
        assert_eq!(step(scheduled, Some(date(2026, 11, 1))), Ok(DepartureStep::Departed(date(2026, 11, 1))));
        assert_eq!(step(scheduled, None), Ok(DepartureStep::Cancelled));
        assert_eq!(step(gone, Some(date(2026, 11, 30))), Ok(DepartureStep::Unchanged));
        assert_eq!(step(gone, None), Ok(DepartureStep::Rehired));
        let moved = step(gone, Some(date(2026, 10, 1))).unwrap_err().to_string();
        assert!(moved.contains("already took effect"), "{moved}");
        let before_hire = step(none, Some(date(2019, 12, 31))).unwrap_err().to_string();
        assert!(before_hire.contains("before hiredOn 2020-01-01"), "{before_hire}");
    }
}
