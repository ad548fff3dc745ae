//! Importing the history of an earlier program: its relationships, meetings, learnings and
//! feedback, checked with the rules live records obey and written in one transaction (a dry run
//! is the same run rolled back). Imported relationships have the source IMPORTED, meetings are
//! logged by `import`, and one `program.history.import` audit event names what came in.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::json;

use super::audit::Change;
use super::entity::{enrollment, feedback, learning, meeting, person, program, skill};
use super::{Scoped, now, today};
use crate::domain::enrollment::{EnrollmentRole, EnrollmentStatus};
use crate::domain::history::{
    HistoryDocument, MAX_RELATIONSHIPS, Outcome, PastFeedback, PastLearning, PastMeeting, PastRelationship,
    check_record_day,
};
use crate::domain::matching::{MatchExplanation, ScoreBreakdown};
use crate::domain::record::{MeetingDraft, MeetingFormat, feedback_period, rating};
use crate::domain::relationship::{self, MatchSource};
use crate::domain::skill::name_key;
use crate::domain::timeline::{ActiveDays, Party, check_meeting_day, check_relationship_start, within_employment};
use crate::error::{Error, Result};

/// What a history import did (or would do).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryReport {
    /// Nothing was written: a dry run.
    pub dry_run: bool,
    /// The records are stored.
    pub written: bool,
    /// Relationships imported.
    pub relationships: usize,
    /// Enrolments created for people not yet enrolled on that side.
    pub enrollments_created: usize,
    /// Meetings imported.
    pub meetings: usize,
    /// Learnings imported.
    pub learnings: usize,
    /// Feedback answers imported.
    pub feedback: usize,
    /// Refused records (`relationships[2].meetings[0]`) and why; any refusal means nothing is written.
    pub rejected: Vec<RejectedRecord>,
}

/// One refused record.
#[derive(Debug, Serialize)]
pub struct RejectedRecord {
    /// Where it is in the document.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// Noon UTC of `day`: a record known by its day only.
fn noon(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN)).and_utc()
}

impl Scoped<'_> {
    /// Imports `document` into program `program_id`, all or nothing.
    pub async fn import_history(
        &self,
        program_id: i64,
        document: HistoryDocument,
        dry_run: bool,
    ) -> Result<HistoryReport> {
        if document.relationships.len() > MAX_RELATIONSHIPS {
            return Err(Error::BadInput(format!("a history import holds at most {MAX_RELATIONSHIPS} relationships")));
        }
        let mut report = HistoryReport { dry_run, ..Default::default() };
        let txn = self.begin().await?;
        let program = program::Entity::find_by_id(program_id)
            .filter(program::Column::OrgId.eq(self.org))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("program"))?;
        let mut ids: Vec<&str> = Vec::new();
        for past in &document.relationships {
            ids.extend([past.mentor.as_str(), past.mentee.as_str()]);
        }
        let mut people = HashMap::new();
        for chunk in ids.chunks(500) {
            people.extend(self.people_by_employee_ids(&txn, chunk).await?);
        }
        let skills = skill::Entity::find().filter(skill::Column::OrgId.eq(self.org)).all(&txn).await?;
        let mut enrollments: HashMap<(i64, &'static str), enrollment::Model> = enrollment::Entity::find()
            .filter(enrollment::Column::OrgId.eq(self.org))
            .filter(enrollment::Column::ProgramId.eq(program.id))
            .all(&txn)
            .await?
            .into_iter()
            .filter_map(|row| {
                let role = row.role.parse::<EnrollmentRole>().ok()?.as_str();
                Some(((row.person_id, role), row))
            })
            .collect();
        let mut sides: HashMap<i64, &'static str> = enrollments.keys().map(|(person, role)| (*person, *role)).collect();
        let today = today();
        for (index, past) in document.relationships.iter().enumerate() {
            let path = format!("relationships[{index}]");
            let (Some(mentor), Some(mentee)) = (people.get(&past.mentor), people.get(&past.mentee)) else {
                let missing = if people.contains_key(&past.mentor) { &past.mentee } else { &past.mentor };
                let reason = format!("employee {missing} is not in the directory");
                report.rejected.push(RejectedRecord { path, reason });
                continue;
            };
            let outcome = match check_relationship(past, mentor, mentee, &mut sides, today) {
                Ok(outcome) => outcome,
                Err(reason) => {
                    report.rejected.push(RejectedRecord { path, reason });
                    continue;
                }
            };
            let pair = parties(mentor, mentee);
            let rejected = &mut report.rejected;
            let meetings = checked_all(&path, "meetings", &past.meetings, rejected, |meeting| {
                check_meeting(meeting, outcome.days, pair, today)
            });
            let learnings = checked_all(&path, "learnings", &past.learnings, rejected, |learning| {
                check_learning(learning, (mentor, mentee), &skills, outcome.days, today)
            });
            let answers = checked_all(&path, "feedback", &past.feedback, rejected, |answer| {
                check_answer(answer, (mentor, mentee), outcome.days, today)
            });
            let (Some(meetings), Some(learnings), Some(answers)) = (meetings, learnings, answers) else { continue };
            if !report.rejected.is_empty() {
                // Something is refused: nothing will be written, only the checks go on.
                continue;
            }
            let checked = CheckedRelationship { past, mentor, mentee, outcome, meetings, learnings, answers };
            self.write_relationship(&txn, &program, checked, &mut enrollments, &mut report).await?;
        }
        if !report.rejected.is_empty() || dry_run {
            txn.rollback().await?;
            return Ok(report);
        }
        let details = json!({ "programId": program.id, "source": "history import", "relationships": report.relationships,
                              "enrollmentsCreated": report.enrollments_created, "meetings": report.meetings,
                              "learnings": report.learnings, "feedback": report.feedback });
        let change =
            Change { action: "program.history.import", entity_type: "Program", entity_id: Some(program.id), details };
        self.audit(&txn, change).await?;
        txn.commit().await?;
        report.written = true;
        Ok(report)
    }
}

impl Scoped<'_> {
    /// Writes one checked relationship: enrolments where missing, the match, its records.
    async fn write_relationship(
        &self,
        txn: &DatabaseTransaction,
        program: &program::Model,
        checked: CheckedRelationship<'_>,
        enrollments: &mut HashMap<(i64, &'static str), enrollment::Model>,
        report: &mut HistoryReport,
    ) -> Result<()> {
        let CheckedRelationship { past, mentor, mentee, outcome, meetings, learnings, answers } = checked;
        let mut enrolled = Vec::with_capacity(2);
        for (person, role) in [(mentor, EnrollmentRole::Mentor), (mentee, EnrollmentRole::Mentee)] {
            let key = (person.id, role.as_str());
            let row = match enrollments.get(&key) {
                Some(row) => row.clone(),
                None => {
                    let row = enrollment::ActiveModel {
                        org_id: Set(self.org.to_owned()),
                        program_id: Set(program.id),
                        person_id: Set(person.id),
                        role: Set(role.as_str().to_owned()),
                        status: Set(EnrollmentStatus::Accepted.as_str().to_owned()),
                        capacity: Set(None),
                        goals: Set(String::new()),
                        version: Set(1),
                        created_at: Set(now()),
                        updated_at: Set(now()),
                        ..Default::default()
                    }
                    .insert(txn)
                    .await?;
                    report.enrollments_created += 1;
                    enrollments.insert(key, row.clone());
                    row
                }
            };
            enrolled.push(row.id);
        }
        let explanation = MatchExplanation {
            score: ScoreBreakdown {
                score: 0,
                wants_points: 0,
                teach_back_points: 0,
                wants_covered: Vec::new(),
                taught_back: Vec::new(),
            },
            rules_checked: vec!["imported from an earlier program's records; not scored".into()],
        };
        let planned = past
            .planned_end_on
            .unwrap_or_else(|| relationship::planned_end(past.started_on, program.relationship_months));
        // The same row every new match is, then the outcome the earlier program recorded.
        let person_of = HashMap::from([(enrolled[0], mentor.id), (enrolled[1], mentee.id)]);
        let mut pair_row =
            self.new_match(program, (enrolled[0], enrolled[1]), &person_of, &explanation, MatchSource::Imported, &[])?;
        pair_row.status = Set(outcome.status.as_str().to_owned());
        pair_row.started_on = Set(Some(past.started_on));
        pair_row.planned_end_on = Set(Some(planned));
        pair_row.ended_on = Set(past.ended_on);
        pair_row.end_reason = Set(outcome.end_reason.map(|reason| reason.as_str().to_owned()));
        pair_row.end_note = Set(past.ended_on.map(|_| "imported".to_owned()));
        let pair_row = pair_row.insert(txn).await?;
        report.relationships += 1;
        for draft in &meetings {
            let mut row = meeting::ActiveModel {
                org_id: Set(self.org.to_owned()),
                match_id: Set(pair_row.id),
                logged_by: Set("import".into()),
                version: Set(1),
                created_at: Set(now()),
                ..Default::default()
            };
            super::records::fill(&mut row, draft)?;
            row.insert(txn).await?;
            report.meetings += 1;
        }
        for learned in learnings {
            learning::ActiveModel {
                org_id: Set(self.org.to_owned()),
                match_id: Set(pair_row.id),
                learner_person_id: Set(learned.learner),
                learner_side: Set(learned.side.to_owned()),
                skill_id: Set(learned.skill),
                note: Set(String::new()),
                recorded_by_person_id: Set(Some(learned.learner)),
                confirmed_by_person_id: Set(learned.confirmed_on.map(|_| learned.other)),
                confirmed_at: Set(learned.confirmed_on.map(noon)),
                created_at: Set(noon(learned.recorded_on)),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            report.learnings += 1;
        }
        for (respondent, answer) in answers {
            let submitted = noon(answer.submitted_on);
            feedback::ActiveModel {
                org_id: Set(self.org.to_owned()),
                match_id: Set(pair_row.id),
                respondent_person_id: Set(respondent),
                period: Set(feedback_period(submitted)),
                satisfaction: Set(answer.satisfaction as i16),
                confidence: Set(answer.confidence as i16),
                comment: Set(String::new()),
                submitted_at: Set(submitted),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            report.feedback += 1;
        }
        Ok(())
    }
}

/// A past relationship that passed every check, with its checked records.
struct CheckedRelationship<'a> {
    past: &'a PastRelationship,
    mentor: &'a person::Model,
    mentee: &'a person::Model,
    outcome: Outcome,
    meetings: Vec<MeetingDraft>,
    learnings: Vec<CheckedLearning>,
    answers: Vec<(i64, &'a PastFeedback)>,
}

/// A learning ready to write.
struct CheckedLearning {
    learner: i64,
    side: &'static str,
    other: i64,
    skill: i64,
    recorded_on: NaiveDate,
    confirmed_on: Option<NaiveDate>,
}

fn parties(mentor: &person::Model, mentee: &person::Model) -> [Party; 2] {
    [party("MENTOR", mentor), party("MENTEE", mentee)]
}

/// The relationship's own checks: two people, its dates and ending, both employments, and one
/// side per person per program (`sides`, which it extends).
fn check_relationship(
    past: &PastRelationship,
    mentor: &person::Model,
    mentee: &person::Model,
    sides: &mut HashMap<i64, &'static str>,
    today: NaiveDate,
) -> Result<Outcome, String> {
    if mentor.id == mentee.id {
        return Err(format!("{} cannot mentor themselves", past.mentor));
    }
    let outcome = past.outcome(today)?;
    let pair = parties(mentor, mentee);
    check_relationship_start(past.started_on, pair).map_err(|error| error.to_string())?;
    outcome_within_employment(pair, outcome.days.ended_on)?;
    for (person, side) in [(mentor, "MENTOR"), (mentee, "MENTEE")] {
        if let Some(taken) = sides.get(&person.id).filter(|taken| **taken != side) {
            return Err(format!(
                "{} is a {} in this program; one side per person",
                person.employee_id,
                taken.to_lowercase()
            ));
        }
    }
    sides.insert(mentor.id, "MENTOR");
    sides.insert(mentee.id, "MENTEE");
    Ok(outcome)
}

/// Checks each of `items` (a relationship's `kind` records): all of them pass, or each refusal
/// is added to `rejected` with its place and `None` comes back.
fn checked_all<'p, P, T>(
    path: &str,
    kind: &str,
    items: &'p [P],
    rejected: &mut Vec<RejectedRecord>,
    mut check: impl FnMut(&'p P) -> Result<T, String>,
) -> Option<Vec<T>> {
    let mut kept = Vec::with_capacity(items.len());
    let mut all_passed = true;
    for (number, item) in items.iter().enumerate() {
        match check(item) {
            Ok(value) => kept.push(value),
            Err(reason) => {
                rejected.push(RejectedRecord { path: format!("{path}.{kind}[{number}]"), reason });
                all_passed = false;
            }
        }
    }
    all_passed.then_some(kept)
}

fn check_meeting(
    meeting: &PastMeeting,
    days: ActiveDays,
    pair: [Party; 2],
    today: NaiveDate,
) -> Result<MeetingDraft, String> {
    let format = match meeting.format.as_deref() {
        None => MeetingFormat::Other,
        Some(format) => format.to_ascii_uppercase().parse::<MeetingFormat>().map_err(|error| error.to_string())?,
    };
    let draft = MeetingDraft {
        held_at: noon(meeting.held_on),
        minutes: meeting.minutes,
        format,
        agenda: String::new(),
        notes: String::new(),
        action_items: Vec::new(),
    }
    .validate(Utc::now())
    .map_err(|error| error.to_string())?;
    check_meeting_day(meeting.held_on, days, pair, today).map_err(|error| error.to_string())?;
    Ok(draft)
}

fn check_learning(
    learning: &PastLearning,
    (mentor, mentee): (&person::Model, &person::Model),
    skills: &[skill::Model],
    days: ActiveDays,
    today: NaiveDate,
) -> Result<CheckedLearning, String> {
    let (learner, side, other) = sides_of(&learning.learner, mentor, mentee)?;
    let key = name_key(&learning.skill);
    let skill = skills
        .iter()
        .find(|skill| skill.name_key == key || skill.external_uri.as_deref() == Some(learning.skill.trim()))
        .ok_or_else(|| format!("no skill '{}' in the catalogue (by name or URI)", learning.skill))?;
    check_record_day("recordedOn", learning.recorded_on, days, today)?;
    // The learner records it, the other side confirms it: each while employed.
    within_employment("recordedOn", learning.recorded_on, party(side, learner)).map_err(|error| error.to_string())?;
    if let Some(confirmed) = learning.confirmed_on {
        check_record_day("confirmedOn", confirmed, days, today)?;
        if confirmed < learning.recorded_on {
            return Err(format!("confirmedOn {confirmed} is before recordedOn {}", learning.recorded_on));
        }
        let other_side = if side == "MENTOR" { "MENTEE" } else { "MENTOR" };
        within_employment("confirmedOn", confirmed, party(other_side, other)).map_err(|error| error.to_string())?;
    }
    Ok(CheckedLearning {
        learner: learner.id,
        side,
        other: other.id,
        skill: skill.id,
        recorded_on: learning.recorded_on,
        confirmed_on: learning.confirmed_on,
    })
}

fn check_answer<'p>(
    answer: &'p PastFeedback,
    (mentor, mentee): (&person::Model, &person::Model),
    days: ActiveDays,
    today: NaiveDate,
) -> Result<(i64, &'p PastFeedback), String> {
    let (respondent, side, _) = sides_of(&answer.respondent, mentor, mentee)?;
    rating("satisfaction", answer.satisfaction).map_err(|error| error.to_string())?;
    rating("confidence", answer.confidence).map_err(|error| error.to_string())?;
    check_record_day("submittedOn", answer.submitted_on, days, today)?;
    within_employment("submittedOn", answer.submitted_on, party(side, respondent))
        .map_err(|error| error.to_string())?;
    Ok((respondent.id, answer))
}

/// A person of the pair, for the employment checks' messages.
fn party(side: &str, person: &person::Model) -> Party {
    Party { side: if side == "MENTOR" { "mentor" } else { "mentee" }, employment: person.employment() }
}

/// The person of a side (`MENTOR`/`MENTEE`), the side, and the other person.
fn sides_of<'a>(
    name: &str,
    mentor: &'a person::Model,
    mentee: &'a person::Model,
) -> Result<(&'a person::Model, &'static str, &'a person::Model), String> {
    match name.to_ascii_uppercase().as_str() {
        "MENTOR" => Ok((mentor, "MENTOR", mentee)),
        "MENTEE" => Ok((mentee, "MENTEE", mentor)),
        other => Err(format!("'{other}' is not MENTOR or MENTEE")),
    }
}

/// A relationship ends by both people's last day, and one still running needs both employed.
fn outcome_within_employment(pair: [Party; 2], ended_on: Option<NaiveDate>) -> Result<(), String> {
    for party in pair {
        if let Some(left) = party.employment.left_on {
            match ended_on {
                Some(ended) if ended > left => {
                    return Err(format!("endedOn {ended} is after the {}'s last day {left}", party.side));
                }
                None => {
                    return Err(format!(
                        "the {} left on {left}: a relationship cannot run past a departure; give its endedOn",
                        party.side
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}
