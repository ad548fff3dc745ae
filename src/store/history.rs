//! Importing the history of an earlier program: its relationships, meetings, learnings and
//! feedback, checked with the rules live records obey and written in one transaction (a dry run
//! is the same run rolled back). Imported relationships have the source IMPORTED, meetings are
//! logged by `import`, and one `program.history.import` audit event names what came in.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::json;

use super::audit::Change;
use super::entity::{enrollment, feedback, learning, matched_pair, meeting, person, program, skill};
use super::{Scoped, now, today};
use crate::domain::enrollment::{EnrollmentRole, EnrollmentStatus};
use crate::domain::history::{HistoryDocument, MAX_RELATIONSHIPS, check_record_day};
use crate::domain::matching::{MatchExplanation, ScoreBreakdown};
use crate::domain::record::{MeetingDraft, MeetingFormat, feedback_period, rating};
use crate::domain::relationship::{self, MatchSource};
use crate::domain::skill::name_key;
use crate::domain::timeline::{Party, check_meeting_day, check_relationship_start};
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
                let role = role_name(&row.role)?;
                Some(((row.person_id, role), row))
            })
            .collect();
        let mut sides: HashMap<i64, &'static str> = enrollments.keys().map(|(person, role)| (*person, *role)).collect();
        let today = today();
        for (index, past) in document.relationships.iter().enumerate() {
            let path = format!("relationships[{index}]");
            let mut refuse = |path: String, reason: String| report.rejected.push(RejectedRecord { path, reason });
            let (Some(mentor), Some(mentee)) = (people.get(&past.mentor), people.get(&past.mentee)) else {
                let missing = if people.contains_key(&past.mentor) { &past.mentee } else { &past.mentor };
                refuse(path, format!("employee {missing} is not in the directory"));
                continue;
            };
            if mentor.id == mentee.id {
                refuse(path, format!("{} cannot mentor themselves", past.mentor));
                continue;
            }
            let pair = [
                Party { side: "mentor", employment: mentor.employment() },
                Party { side: "mentee", employment: mentee.employment() },
            ];
            let outcome = match past.outcome(today).and_then(|outcome| {
                check_relationship_start(past.started_on, pair).map_err(|error| error.to_string())?;
                outcome_within_employment(pair, outcome.days.ended_on)?;
                Ok(outcome)
            }) {
                Ok(outcome) => outcome,
                Err(reason) => {
                    refuse(path, reason);
                    continue;
                }
            };
            // One side per person per program, in the document as in the program.
            let mut sides_ok = true;
            for (person, side) in [(mentor, "MENTOR"), (mentee, "MENTEE")] {
                match sides.get(&person.id) {
                    Some(taken) if *taken != side => {
                        let reason = format!(
                            "{} is a {} in this program; one side per person",
                            person.employee_id,
                            taken.to_lowercase()
                        );
                        refuse(path.clone(), reason);
                        sides_ok = false;
                    }
                    _ => {
                        sides.insert(person.id, side);
                    }
                }
            }
            if !sides_ok {
                continue;
            }
            let mut records_ok = true;
            let mut meetings = Vec::new();
            for (number, past_meeting) in past.meetings.iter().enumerate() {
                let at = format!("{path}.meetings[{number}]");
                let format = match past_meeting
                    .format
                    .as_deref()
                    .map(|format| format.to_ascii_uppercase().parse::<MeetingFormat>())
                {
                    None => Ok(MeetingFormat::Other),
                    Some(format) => format.map_err(|error| error.to_string()),
                };
                let checked = format.and_then(|format| {
                    let draft = MeetingDraft {
                        held_at: noon(past_meeting.held_on),
                        minutes: past_meeting.minutes,
                        format,
                        agenda: String::new(),
                        notes: String::new(),
                        action_items: Vec::new(),
                    }
                    .validate(Utc::now())
                    .map_err(|error| error.to_string())?;
                    check_meeting_day(past_meeting.held_on, outcome.days, pair, today)
                        .map_err(|error| error.to_string())?;
                    Ok(draft)
                });
                match checked {
                    Ok(draft) => meetings.push(draft),
                    Err(reason) => {
                        refuse(at, reason);
                        records_ok = false;
                    }
                }
            }
            let mut learnings = Vec::new();
            for (number, past_learning) in past.learnings.iter().enumerate() {
                let at = format!("{path}.learnings[{number}]");
                let checked = (|| {
                    let (learner, other) = side(&past_learning.learner, mentor, mentee)?;
                    let key = name_key(&past_learning.skill);
                    let skill = skills
                        .iter()
                        .find(|skill| {
                            skill.name_key == key || skill.external_uri.as_deref() == Some(past_learning.skill.trim())
                        })
                        .ok_or_else(|| {
                            format!("no skill '{}' in the catalogue (by name or URI)", past_learning.skill)
                        })?;
                    check_record_day("recordedOn", past_learning.recorded_on, outcome.days, today)?;
                    if let Some(confirmed) = past_learning.confirmed_on {
                        check_record_day("confirmedOn", confirmed, outcome.days, today)?;
                        if confirmed < past_learning.recorded_on {
                            return Err(format!(
                                "confirmedOn {confirmed} is before recordedOn {}",
                                past_learning.recorded_on
                            ));
                        }
                    }
                    Ok((learner, other, skill.id, past_learning))
                })();
                match checked {
                    Ok(learning) => learnings.push(learning),
                    Err(reason) => {
                        refuse(at, reason);
                        records_ok = false;
                    }
                }
            }
            let mut answers = Vec::new();
            for (number, answer) in past.feedback.iter().enumerate() {
                let at = format!("{path}.feedback[{number}]");
                let checked = (|| {
                    let (respondent, _) = side(&answer.respondent, mentor, mentee)?;
                    rating("satisfaction", answer.satisfaction).map_err(|error| error.to_string())?;
                    rating("confidence", answer.confidence).map_err(|error| error.to_string())?;
                    check_record_day("submittedOn", answer.submitted_on, outcome.days, today)?;
                    Ok((respondent, answer))
                })();
                match checked {
                    Ok(answer) => answers.push(answer),
                    Err(reason) => {
                        refuse(at, reason);
                        records_ok = false;
                    }
                }
            }
            if !records_ok || !report.rejected.is_empty() {
                continue;
            }
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
                        .insert(&txn)
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
            let pair_row = matched_pair::ActiveModel {
                org_id: Set(self.org.to_owned()),
                program_id: Set(program.id),
                mentor_enrollment_id: Set(enrolled[0]),
                mentee_enrollment_id: Set(enrolled[1]),
                mentor_person_id: Set(mentor.id),
                mentee_person_id: Set(mentee.id),
                status: Set(outcome.status.as_str().to_owned()),
                source: Set(MatchSource::Imported.as_str().to_owned()),
                score: Set(0),
                explanation: Set(
                    serde_json::to_string(&explanation).map_err(|error| Error::Internal(error.to_string()))?
                ),
                overridden_rules: Set("[]".into()),
                started_on: Set(Some(past.started_on)),
                planned_end_on: Set(Some(planned)),
                ended_on: Set(past.ended_on),
                end_reason: Set(outcome.end_reason.map(|reason| reason.as_str().to_owned())),
                end_note: Set(past.ended_on.map(|_| "imported".to_owned())),
                pair_objectives: Set("[]".into()),
                version: Set(1),
                created_at: Set(now()),
                updated_at: Set(now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
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
                row.insert(&txn).await?;
                report.meetings += 1;
            }
            for (learner, other, skill_id, past_learning) in learnings {
                learning::ActiveModel {
                    org_id: Set(self.org.to_owned()),
                    match_id: Set(pair_row.id),
                    learner_person_id: Set(learner.0),
                    learner_side: Set(learner.1.to_owned()),
                    skill_id: Set(skill_id),
                    note: Set(String::new()),
                    recorded_by_person_id: Set(Some(learner.0)),
                    confirmed_by_person_id: Set(past_learning.confirmed_on.map(|_| other)),
                    confirmed_at: Set(past_learning.confirmed_on.map(noon)),
                    created_at: Set(noon(past_learning.recorded_on)),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                report.learnings += 1;
            }
            for (respondent, answer) in answers {
                let submitted = noon(answer.submitted_on);
                feedback::ActiveModel {
                    org_id: Set(self.org.to_owned()),
                    match_id: Set(pair_row.id),
                    respondent_person_id: Set(respondent.0),
                    period: Set(feedback_period(submitted)),
                    satisfaction: Set(answer.satisfaction as i16),
                    confidence: Set(answer.confidence as i16),
                    comment: Set(String::new()),
                    submitted_at: Set(submitted),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                report.feedback += 1;
            }
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

fn role_name(role: &str) -> Option<&'static str> {
    match role {
        "MENTOR" => Some("MENTOR"),
        "MENTEE" => Some("MENTEE"),
        _ => None,
    }
}

/// The person of a side (`MENTOR`/`MENTEE`) as (row id, side), and the other side's row id.
fn side(name: &str, mentor: &person::Model, mentee: &person::Model) -> Result<((i64, &'static str), i64), String> {
    match name.to_ascii_uppercase().as_str() {
        "MENTOR" => Ok(((mentor.id, "MENTOR"), mentee.id)),
        "MENTEE" => Ok(((mentee.id, "MENTEE"), mentor.id)),
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
