//! Preparation courses of programs, the completions the LMS reports, and who is not yet
//! prepared for matching.

use super::OneOf;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use super::audit::Change;
use super::entity::{course_completion, enrollment, person, preparation_course};
use super::{Scoped, now, parse_stored};
use crate::domain::enrollment::{EnrollmentRole, EnrollmentStatus};
use crate::domain::preparation::{self, Audience, Course};
use crate::error::{Error, Result};

/// A completion as the LMS reports it.
#[derive(Debug, Clone)]
pub struct ReportedCompletion {
    pub employee_id: String,
    pub activity_iri: String,
    pub completed_at: DateTime<Utc>,
    pub score: Option<f64>,
}

/// An accepted enrolment whose person lacks a required course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unprepared {
    pub person_id: i64,
    pub role: EnrollmentRole,
    /// The required courses not completed, in course order.
    pub missing: Vec<Course>,
}

/// What a batch of completions changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompletionCounts {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// Statements about someone not in the directory or a course no program lists (xAPI only).
    pub ignored: u32,
}

/// How a batch treats completions the service cannot place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// Refuse the batch (GraphQL: the LMS names exactly what it reports).
    Refuse,
    /// Ignore them (xAPI: an LMS forwards all its statements, most about other courses).
    Ignore,
}

impl preparation_course::Model {
    /// The course as the gate reads it.
    pub fn course(&self) -> Result<Course> {
        Ok(Course {
            activity_iri: self.activity_iri.clone(),
            title: self.title.clone(),
            audience: parse_stored(&self.audience)?,
            required_before_matching: self.required_before_matching,
        })
    }
}

impl Scoped<'_> {
    /// Adds a preparation course to a program.
    pub async fn add_preparation_course(
        &self,
        program_id: i64,
        activity_iri: &str,
        title: &str,
        audience: Audience,
        required_before_matching: bool,
    ) -> Result<preparation_course::Model> {
        let (activity_iri, title) = preparation::course(activity_iri, title)?;
        let txn = self.begin().await?;
        self.program_in(&txn, program_id).await?.ok_or_else(|| Error::not_found("program"))?;
        let existing = preparation_course::Entity::find()
            .filter(preparation_course::Column::OrgId.eq(self.org))
            .filter(preparation_course::Column::ProgramId.eq(program_id))
            .filter(preparation_course::Column::ActivityIri.eq(activity_iri.as_str()))
            .one(&txn)
            .await?;
        if existing.is_some() {
            return Err(Error::Conflict(format!("the program already lists the course {activity_iri}")));
        }
        let row = preparation_course::ActiveModel {
            org_id: Set(self.org.to_owned()),
            program_id: Set(program_id),
            activity_iri: Set(activity_iri),
            title: Set(title),
            audience: Set(audience.as_str().to_owned()),
            required_before_matching: Set(required_before_matching),
            created_at: Set(now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let details = json!({ "programId": program_id, "activityIri": row.activity_iri, "audience": row.audience,
                               "required": row.required_before_matching });
        let change =
            Change { action: "program.course.add", entity_type: "PreparationCourse", entity_id: Some(row.id), details };
        self.audit(&txn, change).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Removes a preparation course from its program.
    pub async fn remove_preparation_course(&self, id: i64) -> Result<preparation_course::Model> {
        let txn = self.begin().await?;
        let row = preparation_course::Entity::find_by_id(id)
            .filter(preparation_course::Column::OrgId.eq(self.org))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("preparation course"))?;
        preparation_course::Entity::delete_by_id(id).exec(&txn).await?;
        let details = json!({ "programId": row.program_id, "activityIri": row.activity_iri });
        let change =
            Change { action: "program.course.remove", entity_type: "PreparationCourse", entity_id: Some(id), details };
        self.audit(&txn, change).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// One preparation course.
    pub async fn preparation_course(&self, id: i64) -> Result<Option<preparation_course::Model>> {
        Ok(preparation_course::Entity::find_by_id(id)
            .filter(preparation_course::Column::OrgId.eq(self.org))
            .one(self.db)
            .await?)
    }

    /// The courses of these programs, in the order they were added.
    pub async fn preparation_courses(&self, program_ids: &[i64]) -> Result<Vec<preparation_course::Model>> {
        Ok(preparation_course::Entity::find()
            .filter(preparation_course::Column::OrgId.eq(self.org))
            .filter(preparation_course::Column::ProgramId.one_of(self.backend(), program_ids.iter().copied()))
            .order_by_asc(preparation_course::Column::Id)
            .all(self.db)
            .await?)
    }

    /// Records completions the LMS reports, all or none: an unknown employee or a course no
    /// program lists refuses the batch. Reporting the same completion again changes nothing.
    pub async fn record_course_completions(
        &self,
        reported: &[ReportedCompletion],
        unknown: Unknown,
    ) -> Result<CompletionCounts> {
        let txn = self.begin().await?;
        let counts = self.record_completions_in(&txn, reported, unknown).await?;
        let details = json!({ "created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged,
                               "ignored": counts.ignored });
        let change = Change { action: "course.completions", entity_type: "CourseCompletion", entity_id: None, details };
        self.audit(&txn, change).await?;
        txn.commit().await?;
        Ok(counts)
    }

    async fn record_completions_in<C: ConnectionTrait>(
        &self,
        db: &C,
        reported: &[ReportedCompletion],
        unknown: Unknown,
    ) -> Result<CompletionCounts> {
        let employee_ids: HashSet<&str> = reported.iter().map(|item| item.employee_id.as_str()).collect();
        let people: HashMap<String, i64> = person::Entity::find()
            .filter(person::Column::OrgId.eq(self.org))
            .filter(person::Column::EmployeeId.is_in(employee_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|row| (row.employee_id, row.id))
            .collect();
        let known: HashSet<String> = preparation_course::Entity::find()
            .filter(preparation_course::Column::OrgId.eq(self.org))
            .all(db)
            .await?
            .into_iter()
            .map(|course| course.activity_iri)
            .collect();
        // What is stored for these people, kept current as the batch writes, so a completion
        // reported twice in one batch is found the second time.
        let mut stored: HashMap<(i64, String), course_completion::Model> = course_completion::Entity::find()
            .filter(course_completion::Column::OrgId.eq(self.org))
            .filter(course_completion::Column::PersonId.is_in(people.values().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|row| ((row.person_id, row.activity_iri.clone()), row))
            .collect();
        let mut counts = CompletionCounts::default();
        for (index, item) in reported.iter().enumerate() {
            let at = |message: String| Error::BadInput(format!("completions[{index}]: {message}"));
            let placed = match (people.get(&item.employee_id), known.contains(&item.activity_iri)) {
                (Some(person), true) => Ok(*person),
                (None, _) => Err(at(format!("no employee {}", item.employee_id))),
                (_, false) => Err(at(format!("{} is not a preparation course of any program", item.activity_iri))),
            };
            let person = match (placed, unknown) {
                (Ok(person), _) => person,
                (Err(_), Unknown::Ignore) => {
                    counts.ignored += 1;
                    continue;
                }
                (Err(error), Unknown::Refuse) => return Err(error),
            };
            let score = preparation::score(item.score).map_err(|error| at(error.to_string()))?;
            let key = (person, item.activity_iri.clone());
            let written = match stored.get(&key) {
                Some(row) if row.completed_at == item.completed_at && row.score == score => {
                    counts.unchanged += 1;
                    continue;
                }
                Some(row) => {
                    let mut active = row.clone().into_active_model();
                    active.completed_at = Set(item.completed_at);
                    active.score = Set(score);
                    active.recorded_at = Set(now());
                    counts.updated += 1;
                    active.update(db).await?
                }
                None => {
                    counts.created += 1;
                    course_completion::ActiveModel {
                        org_id: Set(self.org.to_owned()),
                        person_id: Set(person),
                        activity_iri: Set(item.activity_iri.clone()),
                        completed_at: Set(item.completed_at),
                        score: Set(score),
                        recorded_at: Set(now()),
                        ..Default::default()
                    }
                    .insert(db)
                    .await?
                }
            };
            stored.insert(key, written);
        }
        Ok(counts)
    }

    /// The required courses `person` has not completed in the programs they are accepted in,
    /// program by program.
    pub async fn missing_preparation(&self, person_id: i64) -> Result<Vec<preparation_course::Model>> {
        let enrollments = enrollment::Entity::find()
            .filter(enrollment::Column::OrgId.eq(self.org))
            .filter(enrollment::Column::PersonId.eq(person_id))
            .filter(enrollment::Column::Status.eq(EnrollmentStatus::Accepted.as_str()))
            .order_by_asc(enrollment::Column::ProgramId)
            .all(self.db)
            .await?;
        let programs: Vec<i64> = enrollments.iter().map(|row| row.program_id).collect();
        let courses = self.preparation_courses(&programs).await?;
        if courses.is_empty() {
            return Ok(Vec::new());
        }
        let completed: Vec<String> = course_completion::Entity::find()
            .filter(course_completion::Column::OrgId.eq(self.org))
            .filter(course_completion::Column::PersonId.eq(person_id))
            .all(self.db)
            .await?
            .into_iter()
            .map(|row| row.activity_iri)
            .collect();
        let done: HashSet<&str> = completed.iter().map(String::as_str).collect();
        let mut missing = Vec::new();
        for row in &enrollments {
            let of_program: Vec<&preparation_course::Model> =
                courses.iter().filter(|course| course.program_id == row.program_id).collect();
            let gate: Vec<Course> = of_program.iter().map(|course| course.course()).collect::<Result<_>>()?;
            let lacking = preparation::missing(&gate, parse_stored(&row.role)?, &done);
            missing.extend(
                of_program
                    .into_iter()
                    .filter(|course| lacking.iter().any(|gap| gap.activity_iri == course.activity_iri))
                    .cloned(),
            );
        }
        Ok(missing)
    }

    /// Accepted enrolments of a program whose person has not completed a required course, with
    /// the courses missing, in course order.
    pub async fn unprepared<C: ConnectionTrait>(
        &self,
        db: &C,
        program_id: i64,
        enrollments: &[enrollment::Model],
    ) -> Result<HashMap<i64, Unprepared>> {
        let courses: Vec<Course> = preparation_course::Entity::find()
            .filter(preparation_course::Column::OrgId.eq(self.org))
            .filter(preparation_course::Column::ProgramId.eq(program_id))
            .filter(preparation_course::Column::RequiredBeforeMatching.eq(true))
            .order_by_asc(preparation_course::Column::Id)
            .all(db)
            .await?
            .iter()
            .map(preparation_course::Model::course)
            .collect::<Result<_>>()?;
        if courses.is_empty() {
            return Ok(HashMap::new());
        }
        let people: HashSet<i64> = enrollments.iter().map(|row| row.person_id).collect();
        let iris: Vec<&str> = courses.iter().map(|course| course.activity_iri.as_str()).collect();
        let mut completed: HashMap<i64, HashSet<String>> = HashMap::new();
        for row in course_completion::Entity::find()
            .filter(course_completion::Column::OrgId.eq(self.org))
            .filter(course_completion::Column::PersonId.is_in(people))
            .filter(course_completion::Column::ActivityIri.is_in(iris))
            .all(db)
            .await?
        {
            completed.entry(row.person_id).or_default().insert(row.activity_iri);
        }
        let mut unprepared = HashMap::new();
        for row in enrollments.iter().filter(|row| row.status == EnrollmentStatus::Accepted.as_str()) {
            let role: EnrollmentRole = parse_stored(&row.role)?;
            let done: HashSet<&str> =
                completed.get(&row.person_id).map(|set| set.iter().map(String::as_str).collect()).unwrap_or_default();
            let missing: Vec<Course> = preparation::missing(&courses, role, &done).into_iter().cloned().collect();
            if !missing.is_empty() {
                unprepared.insert(row.id, Unprepared { person_id: row.person_id, role, missing });
            }
        }
        Ok(unprepared)
    }
}
