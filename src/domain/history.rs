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

/// One CSV file of a history import: its header and its rows with their line numbers.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The header row.
    pub header: Vec<String>,
    /// The rows after it, each with its line (the header is line 1).
    pub rows: Vec<(u64, Vec<String>)>,
}

/// A history document built from CSV files, and where each of its records came from, so that a
/// refusal names the file and line rather than a place in a document nobody sent.
#[derive(Debug)]
pub struct FromTables {
    /// The document.
    pub document: HistoryDocument,
    /// `relationships[0].meetings[1]` -> `meetings line 3`.
    pub origins: std::collections::HashMap<String, String>,
}

/// The files of a CSV history import, named as the multipart parts are: `relationships`
/// (`key, mentor, mentee, startedOn, plannedEndOn, endedOn, ending, endReason`), and optionally
/// `meetings` (`relationship, heldOn, minutes, format`), `learnings` (`relationship, learner,
/// skill, recordedOn, confirmedOn`) and `feedback` (`relationship, respondent, submittedOn,
/// satisfaction, confidence`), where `relationship` is a relationship's `key`.
pub fn from_tables(
    relationships: &Table,
    meetings: &Table,
    learnings: &Table,
    feedback: &Table,
) -> Result<FromTables, Vec<(String, String)>> {
    use std::collections::HashMap;
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut document = HistoryDocument { relationships: Vec::new() };
    let mut origins = HashMap::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let Some(read) =
        Reader::new("relationships", relationships, &["key", "mentor", "mentee", "startedOn"], &mut errors)
    else {
        return Err(errors);
    };
    for (line, cells) in &relationships.rows {
        let at = format!("relationships line {line}");
        let parsed = (|| {
            let key = read.text(cells, "key").ok_or("key is empty")?;
            if by_key.contains_key(&key) {
                return Err(format!("key {key} is used twice"));
            }
            let past = PastRelationship {
                mentor: read.text(cells, "mentor").ok_or("mentor is empty")?,
                mentee: read.text(cells, "mentee").ok_or("mentee is empty")?,
                started_on: read.date(cells, "startedOn")?.ok_or("startedOn is empty")?,
                planned_end_on: read.date(cells, "plannedEndOn")?,
                ended_on: read.date(cells, "endedOn")?,
                ending: read.text(cells, "ending"),
                end_reason: read.text(cells, "endReason"),
                meetings: Vec::new(),
                learnings: Vec::new(),
                feedback: Vec::new(),
            };
            Ok((key, past))
        })();
        match parsed {
            Ok((key, past)) => {
                origins.insert(format!("relationships[{}]", document.relationships.len()), at);
                by_key.insert(key, document.relationships.len());
                document.relationships.push(past);
            }
            Err(reason) => errors.push((at, reason)),
        }
    }
    let mut children = |name: &'static str, table: &Table, required: &[&str], add: &mut AddRecord<'_>| {
        if table.header.is_empty() && table.rows.is_empty() {
            return;
        }
        let mut required_with_key = vec!["relationship"];
        required_with_key.extend_from_slice(required);
        let Some(read) = Reader::new(name, table, &required_with_key, &mut errors) else { return };
        for (line, cells) in &table.rows {
            let at = format!("{name} line {line}");
            let index = match read.text(cells, "relationship").and_then(|key| by_key.get(&key).copied()) {
                Some(index) => index,
                None => {
                    let key = read.text(cells, "relationship").unwrap_or_default();
                    errors.push((at, format!("relationship '{key}' is not a key of the relationships file")));
                    continue;
                }
            };
            match add(&read, cells, &mut document.relationships[index]) {
                Ok(path) => {
                    origins.insert(format!("relationships[{index}].{path}"), at);
                }
                Err(reason) => errors.push((at, reason)),
            }
        }
    };
    children("meetings", meetings, &["heldOn", "minutes"], &mut |read, cells, past| {
        let meeting = PastMeeting {
            held_on: read.date(cells, "heldOn")?.ok_or("heldOn is empty")?,
            minutes: read.integer(cells, "minutes")?.ok_or("minutes is empty")?,
            format: read.text(cells, "format"),
        };
        past.meetings.push(meeting);
        Ok(format!("meetings[{}]", past.meetings.len() - 1))
    });
    children("learnings", learnings, &["learner", "skill", "recordedOn"], &mut |read, cells, past| {
        let learning = PastLearning {
            learner: read.text(cells, "learner").ok_or("learner is empty")?,
            skill: read.text(cells, "skill").ok_or("skill is empty")?,
            recorded_on: read.date(cells, "recordedOn")?.ok_or("recordedOn is empty")?,
            confirmed_on: read.date(cells, "confirmedOn")?,
        };
        past.learnings.push(learning);
        Ok(format!("learnings[{}]", past.learnings.len() - 1))
    });
    children(
        "feedback",
        feedback,
        &["respondent", "submittedOn", "satisfaction", "confidence"],
        &mut |read, cells, past| {
            let answer = PastFeedback {
                respondent: read.text(cells, "respondent").ok_or("respondent is empty")?,
                submitted_on: read.date(cells, "submittedOn")?.ok_or("submittedOn is empty")?,
                satisfaction: read.integer(cells, "satisfaction")?.ok_or("satisfaction is empty")?,
                confidence: read.integer(cells, "confidence")?.ok_or("confidence is empty")?,
            };
            past.feedback.push(answer);
            Ok(format!("feedback[{}]", past.feedback.len() - 1))
        },
    );
    if errors.is_empty() { Ok(FromTables { document, origins }) } else { Err(errors) }
}

/// Adds one row of a child file (meetings, learnings, feedback) to its relationship and
/// returns its place under it (`meetings[1]`).
type AddRecord<'a> = dyn FnMut(&Reader, &[String], &mut PastRelationship) -> Result<String, String> + 'a;

/// Reads the cells of one file by column name.
struct Reader {
    columns: std::collections::HashMap<String, usize>,
}

impl Reader {
    /// The file's columns; `None` (with an error) when a required one is missing.
    fn new(name: &str, table: &Table, required: &[&str], errors: &mut Vec<(String, String)>) -> Option<Reader> {
        let columns: std::collections::HashMap<String, usize> =
            table.header.iter().enumerate().map(|(index, column)| (super::import::folded(column), index)).collect();
        let missing: Vec<&str> =
            required.iter().copied().filter(|column| !columns.contains_key(&super::import::folded(column))).collect();
        if missing.is_empty() {
            Some(Reader { columns })
        } else {
            errors.push((format!("{name} line 1"), format!("the header has no {} column", missing.join(", "))));
            None
        }
    }

    fn text(&self, cells: &[String], column: &str) -> Option<String> {
        let index = *self.columns.get(&super::import::folded(column))?;
        cells.get(index).map(|cell| cell.trim().to_owned()).filter(|cell| !cell.is_empty())
    }

    fn date(&self, cells: &[String], column: &str) -> Result<Option<NaiveDate>, String> {
        self.text(cells, column)
            .map(|text| text.parse::<NaiveDate>().map_err(|_| format!("{column} '{text}' is not a date (YYYY-MM-DD)")))
            .transpose()
    }

    fn integer(&self, cells: &[String], column: &str) -> Result<Option<i32>, String> {
        self.text(cells, column)
            .map(|text| text.parse::<i32>().map_err(|_| format!("{column} '{text}' is not a whole number")))
            .transpose()
    }
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

    fn table(rows: &[&[&str]]) -> Table {
        let owned = |row: &[&str]| row.iter().map(|cell| (*cell).to_owned()).collect::<Vec<String>>();
        Table {
            header: owned(rows[0]),
            rows: rows[1..].iter().enumerate().map(|(index, row)| (index as u64 + 2, owned(row))).collect(),
        }
    }

    #[test]
    fn csv_files_become_one_document_and_remember_their_lines() {
        let relationships = table(&[
            &["Key", "Mentor", "Mentee", "Started On", "Ended On", "Ending"],
            &["R1", "M1", "E1", "2025-01-15", "2025-06-30", "COMPLETED"],
        ]);
        let meetings = table(&[
            &["relationship", "heldOn", "minutes", "format"],
            &["R1", "2025-02-01", "45", "VIDEO"],
            &["R1", "2025-03-01", "30", ""],
        ]);
        let built = from_tables(&relationships, &meetings, &Table::default(), &Table::default()).unwrap();
        let past = &built.document.relationships[0];
        assert_eq!((past.mentor.as_str(), past.ended_on, past.meetings.len()), ("M1", Some(day("2025-06-30")), 2));
        assert_eq!(past.meetings[1].format, None);
        assert_eq!(built.origins["relationships[0].meetings[1]"], "meetings line 3");
        let bad = table(&[
            &["relationship", "heldOn", "minutes"],
            &["R9", "2025-02-01", "45"],
            &["R1", "2025-02-01", "long"],
        ]);
        let errors = from_tables(&relationships, &bad, &Table::default(), &Table::default()).unwrap_err();
        assert_eq!(
            errors[0],
            ("meetings line 2".to_owned(), "relationship 'R9' is not a key of the relationships file".to_owned())
        );
        assert_eq!(errors[1], ("meetings line 3".to_owned(), "minutes 'long' is not a whole number".to_owned()));
        let headless = table(&[&["mentor", "mentee"]]);
        let errors = from_tables(&headless, &Table::default(), &Table::default(), &Table::default()).unwrap_err();
        assert_eq!(errors[0].1, "the header has no key, startedOn column");
    }
}
