//! The integrity report: the rules of `timeline`, applied to records already stored, so an
//! operator sees what older versions of the service let in (meetings outside their
//! relationship, relationships outliving a departure, ends before starts, ...).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::relationship::MatchStatus;
use super::text_enum;
use super::timeline::{self, ActiveDays, Employment, Party};

/// A person as the report reads them.
#[derive(Debug, Clone)]
pub struct StoredPerson {
    /// Row id.
    pub id: i64,
    /// The HRIS key, for messages.
    pub employee_id: String,
    /// Hire date and last day.
    pub employment: Employment,
    /// Whether the stored status says LEFT.
    pub marked_left: bool,
}

/// A relationship as the report reads it.
#[derive(Debug, Clone)]
pub struct StoredRelationship {
    /// Row id.
    pub id: i64,
    /// Mentor's person id.
    pub mentor: i64,
    /// Mentee's person id.
    pub mentee: i64,
    /// Its status.
    pub status: MatchStatus,
    /// First day.
    pub started_on: Option<NaiveDate>,
    /// Last day.
    pub ended_on: Option<NaiveDate>,
}

/// A dated record of a relationship: a meeting (when held) or a feedback (when given, and by whom).
#[derive(Debug, Clone)]
pub struct StoredRecord {
    /// Row id.
    pub id: i64,
    /// The relationship.
    pub match_id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who gave it (feedback only).
    pub respondent: Option<i64>,
}

/// What a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A person.
    Person,
    /// A relationship.
    Match,
    /// A meeting.
    Meeting,
    /// A feedback.
    Feedback,
}

text_enum! {
    /// The kinds of broken record the report finds.
    ProblemKind {
        /// Marked LEFT without a last day in the past.
        StatusWithoutDeparture => "STATUS_WITHOUT_DEPARTURE",
        /// A running or finished relationship with no start date.
        RelationshipWithoutStart => "RELATIONSHIP_WITHOUT_START",
        /// Ended before it started.
        EndsBeforeStart => "ENDS_BEFORE_START",
        /// Ended on a day still to come.
        EndsInFuture => "ENDS_IN_FUTURE",
        /// Started before a person was hired or after their last day.
        StartsOutsideEmployment => "STARTS_OUTSIDE_EMPLOYMENT",
        /// Still running, or ended later, after a person's last day.
        OutlivesDeparture => "OUTLIVES_DEPARTURE",
        /// A meeting outside its relationship's days or either person's employment, or in the future.
        MeetingOutOfDates => "MEETING_OUT_OF_DATES",
        /// Feedback given after the respondent's last day.
        FeedbackAfterDeparture => "FEEDBACK_AFTER_DEPARTURE",
    }
}

/// One broken record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// What it is about.
    pub subject: Subject,
    /// The row id.
    pub id: i64,
    /// The dates in conflict, in words.
    pub message: String,
}

/// Every problem in one organisation's records on `today`, people first, then relationships,
/// meetings and feedback, each in id order.
pub fn check(
    people: &[StoredPerson],
    relationships: &[StoredRelationship],
    meetings: &[StoredRecord],
    feedback: &[StoredRecord],
    today: NaiveDate,
) -> Vec<Problem> {
    let by_id: HashMap<i64, &StoredPerson> = people.iter().map(|person| (person.id, person)).collect();
    let mut problems = Vec::new();
    for person in people {
        if person.marked_left && !person.employment.has_left(today) {
            let message = match person.employment.left_on {
                Some(left) => format!("{} is marked LEFT but their last day {left} is not past", person.employee_id),
                None => format!("{} is marked LEFT without a last day", person.employee_id),
            };
            problems.push(Problem {
                kind: ProblemKind::StatusWithoutDeparture,
                subject: Subject::Person,
                id: person.id,
                message,
            });
        }
    }
    let mut days_of = HashMap::new();
    for relationship in relationships.iter().filter(|relationship| relationship.status.was_relationship()) {
        let pair = parties(relationship, &by_id);
        let found = check_relationship(relationship, pair, today);
        if let (Some(started_on), Some(pair)) = (relationship.started_on, pair) {
            days_of.insert(relationship.id, (ActiveDays { started_on, ended_on: relationship.ended_on }, pair));
        }
        problems.extend(found.into_iter().map(|(kind, message)| Problem {
            kind,
            subject: Subject::Match,
            id: relationship.id,
            message: format!("match {}: {message}", relationship.id),
        }));
    }
    for meeting in meetings {
        let Some((days, pair)) = days_of.get(&meeting.match_id) else { continue };
        if let Err(error) = timeline::check_meeting_day(meeting.at.date_naive(), *days, *pair, today) {
            let message = format!("meeting {} of match {}: {error}", meeting.id, meeting.match_id);
            problems.push(Problem {
                kind: ProblemKind::MeetingOutOfDates,
                subject: Subject::Meeting,
                id: meeting.id,
                message,
            });
        }
    }
    for answer in feedback {
        let respondent = answer.respondent.and_then(|id| by_id.get(&id));
        let Some((person, left)) = respondent.and_then(|person| person.employment.left_on.map(|left| (person, left)))
        else {
            continue;
        };
        if answer.at.date_naive() > left {
            let message = format!(
                "feedback {} by {} was given on {}, after their last day {left}",
                answer.id,
                person.employee_id,
                answer.at.date_naive()
            );
            problems.push(Problem {
                kind: ProblemKind::FeedbackAfterDeparture,
                subject: Subject::Feedback,
                id: answer.id,
                message,
            });
        }
    }
    problems
}

fn parties(relationship: &StoredRelationship, by_id: &HashMap<i64, &StoredPerson>) -> Option<[Party; 2]> {
    let mentor = by_id.get(&relationship.mentor)?;
    let mentee = by_id.get(&relationship.mentee)?;
    Some([
        Party { side: "mentor", employment: mentor.employment },
        Party { side: "mentee", employment: mentee.employment },
    ])
}

fn check_relationship(
    relationship: &StoredRelationship,
    pair: Option<[Party; 2]>,
    today: NaiveDate,
) -> Vec<(ProblemKind, String)> {
    let Some(started_on) = relationship.started_on else {
        return vec![(ProblemKind::RelationshipWithoutStart, format!("{} without a start date", relationship.status))];
    };
    let mut found = Vec::new();
    if let Some(ended) = relationship.ended_on {
        if ended < started_on {
            found.push((ProblemKind::EndsBeforeStart, format!("ended on {ended}, before it started on {started_on}")));
        }
        if ended > today {
            found.push((ProblemKind::EndsInFuture, format!("ended on {ended}, a day still to come")));
        }
    }
    let Some(pair) = pair else { return found };
    if let Err(error) = timeline::check_relationship_start(started_on, pair) {
        found.push((ProblemKind::StartsOutsideEmployment, error.to_string()));
    }
    for party in pair {
        let Some(left) = party.employment.left_on.filter(|_| party.employment.has_left(today)) else { continue };
        let last = timeline::departure_end(left, Some(started_on));
        let runs_on = match relationship.ended_on {
            None if relationship.status == MatchStatus::Active => Some("is still ACTIVE".to_owned()),
            Some(ended) if ended > last => Some(format!("ended on {ended}")),
            _ => None,
        };
        if let Some(runs_on) = runs_on {
            let message = format!("{runs_on} although the {} left on {left}", party.side);
            found.push((ProblemKind::OutlivesDeparture, message));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        date(y, m, d).and_hms_opt(12, 0, 0).unwrap().and_utc()
    }

    fn person(id: i64, hired: NaiveDate, left: Option<NaiveDate>, marked_left: bool) -> StoredPerson {
        StoredPerson {
            id,
            employee_id: format!("E{id}"),
            employment: Employment { hired_on: Some(hired), left_on: left },
            marked_left,
        }
    }

    fn relationship(id: i64, status: MatchStatus, started: NaiveDate, ended: Option<NaiveDate>) -> StoredRelationship {
        StoredRelationship { id, mentor: 1, mentee: 2, status, started_on: Some(started), ended_on: ended }
    }

    #[test]
    fn clean_records_give_an_empty_report() {
        let today = date(2026, 12, 2);
        let people = [person(1, date(2020, 1, 1), None, false), person(2, date(2015, 1, 1), None, false)];
        let matches = [relationship(10, MatchStatus::Active, date(2026, 3, 1), None)];
        let meetings = [StoredRecord { id: 100, match_id: 10, at: at(2026, 3, 2), respondent: None }];
        assert_eq!(check(&people, &matches, &meetings, &[], today), Vec::new());
    }

    #[test]
    fn what_the_old_service_let_in_is_listed_with_its_dates() {
        let today = date(2026, 12, 2);
        let people = [
            person(1, date(2026, 4, 1), Some(date(2026, 10, 31)), true),
            person(2, date(2015, 1, 1), Some(date(2027, 1, 31)), true),
        ];
        let matches = [
            relationship(10, MatchStatus::Active, date(2026, 3, 1), None),
            relationship(11, MatchStatus::EndedEarly, date(2026, 6, 1), Some(date(2026, 5, 1))),
            relationship(12, MatchStatus::EndedEarly, date(2026, 6, 1), Some(date(2027, 1, 31))),
            relationship(13, MatchStatus::Declined, date(2026, 6, 1), Some(date(2001, 1, 1))),
        ];
        let meetings = [StoredRecord { id: 100, match_id: 10, at: at(2001, 5, 1), respondent: None }];
        let feedback = [StoredRecord { id: 200, match_id: 10, at: at(2026, 11, 15), respondent: Some(1) }];
        let problems = check(&people, &matches, &meetings, &feedback, today);
        let found: Vec<(ProblemKind, i64)> = problems.iter().map(|problem| (problem.kind, problem.id)).collect();
        assert_eq!(
            found,
            vec![
                (ProblemKind::StatusWithoutDeparture, 2),
                (ProblemKind::StartsOutsideEmployment, 10),
                (ProblemKind::OutlivesDeparture, 10),
                (ProblemKind::EndsBeforeStart, 11),
                (ProblemKind::EndsInFuture, 12),
                (ProblemKind::OutlivesDeparture, 12),
                (ProblemKind::MeetingOutOfDates, 100),
                (ProblemKind::FeedbackAfterDeparture, 200),
            ]
        );
        let message = |id| &problems.iter().find(|problem| problem.id == id).unwrap().message;
        assert!(message(2).contains("last day 2027-01-31 is not past"));
        assert!(message(100).contains("heldAt 2001-05-01 is before the relationship started on 2026-03-01"));
        assert!(message(200).contains("given on 2026-11-15, after their last day 2026-10-31"));
        assert!(problems[1].message.contains("2026-03-01 is before the mentor was hired on 2026-04-01"));
        assert!(problems[2].message.contains("is still ACTIVE although the mentor left on 2026-10-31"));
    }
}
