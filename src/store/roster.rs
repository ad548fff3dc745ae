//! Reads one program's matching input (enrolments, people, skills, reporting lines,
//! history, used capacity) in a fixed number of queries, whatever the program's size.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use super::entity::{enrollment, matched_pair, person, person_skill, program};
use super::preparation::Unprepared;
use super::programs::rules_of;
use super::{Scoped, parse_stored, today};
use crate::domain::enrollment::{EnrollmentRole, EnrollmentStatus};
use crate::domain::matching::{Candidate, FixedPair, ProgramInput, UnmatchedMentee, UnmatchedReason};
use crate::domain::person::{EmploymentStatus, Generation};
use crate::domain::preparation::Course;
use crate::domain::relationship::{self, MatchStatus};
use crate::domain::skill::SkillRelation;
use crate::error::{Error, Result};

/// A person's `(skill, level)` offers and wants.
type OffersAndWants = (Vec<(i64, u8)>, Vec<(i64, u8)>);

/// How pending proposals count against mentors' capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proposals {
    /// A fresh run replaces them, so they hold no slot.
    Replaced,
    /// They hold their slot (manual pairs, requests, suggestions).
    HoldSlots,
}

/// A program's matching input plus what is needed to turn results back into rows.
pub struct Roster {
    /// What the engine reads.
    pub input: ProgramInput,
    /// Person id of every enrolment in the input.
    pub person_of: HashMap<i64, i64>,
    /// Enrolments left out of the input because a required preparation course is missing.
    pub unprepared: HashMap<i64, Unprepared>,
}

/// Which accepted enrolments of a program a roster holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// All of them: a matching run or a ranking.
    Program,
    /// One mentor's and one mentee's enrolment: checking or forming that pair, which reads only
    /// what the pair's rules look at, so its cost does not grow with the organisation.
    Pair(i64, i64),
}

impl Scoped<'_> {
    /// Builds the engine input of `program` on `db` (a transaction when the result is written).
    pub async fn roster<C: ConnectionTrait>(
        &self,
        db: &C,
        program: &program::Model,
        proposals: Proposals,
    ) -> Result<Roster> {
        self.roster_of(db, program, proposals, &[], Scope::Program).await
    }

    /// The engine input for one pair of `program`, (mentor enrolment, mentee enrolment): the same
    /// rules and scores as in the whole program's roster, with only these two enrolments in it.
    /// `keep` lists enrolments to keep even when they lack a required preparation course (an
    /// ADMIN's override).
    pub async fn pair_roster<C: ConnectionTrait>(
        &self,
        db: &C,
        program: &program::Model,
        (mentor, mentee): (i64, i64),
        keep: &[i64],
    ) -> Result<Roster> {
        self.roster_of(db, program, Proposals::HoldSlots, keep, Scope::Pair(mentor, mentee)).await
    }

    async fn roster_of<C: ConnectionTrait>(
        &self,
        db: &C,
        program: &program::Model,
        proposals: Proposals,
        keep: &[i64],
        scope: Scope,
    ) -> Result<Roster> {
        let mut enrollments = enrollment::Entity::find()
            .filter(enrollment::Column::OrgId.eq(self.org))
            .filter(enrollment::Column::ProgramId.eq(program.id))
            .filter(enrollment::Column::Status.eq(EnrollmentStatus::Accepted.as_str()));
        if let Scope::Pair(mentor, mentee) = scope {
            enrollments = enrollments.filter(enrollment::Column::Id.is_in([mentor, mentee]));
        }
        let enrollments = enrollments.all(db).await?;
        let depth = usize::from(rules_of(program)?.reporting_line_depth);
        let person_ids: Vec<i64> = enrollments.iter().map(|row| row.person_id).collect();
        let (people, matches) = match scope {
            Scope::Program => (
                person::Entity::find().filter(person::Column::OrgId.eq(self.org)).all(db).await?,
                matched_pair::Entity::find().filter(matched_pair::Column::OrgId.eq(self.org)).all(db).await?,
            ),
            Scope::Pair(mentor, mentee) => (
                self.people_and_managers(db, &person_ids, depth).await?,
                self.pair_history(db, program.id, (mentor, mentee), &enrollments).await?,
            ),
        };
        let skills = person_skill::Entity::find()
            .filter(person_skill::Column::OrgId.eq(self.org))
            .filter(person_skill::Column::PersonId.is_in(person_ids))
            .all(db)
            .await?;

        let by_id: HashMap<i64, &person::Model> = people.iter().map(|row| (row.id, row)).collect();
        let by_employee: HashMap<&str, &person::Model> =
            people.iter().map(|row| (row.employee_id.as_str(), row)).collect();
        let mut skills_of: HashMap<i64, OffersAndWants> = HashMap::new();
        for row in &skills {
            let entry = skills_of.entry(row.person_id).or_default();
            let level = u8::try_from(row.strength).unwrap_or(1);
            match parse_stored::<SkillRelation>(&row.relation)? {
                SkillRelation::Offers => entry.0.push((row.skill_id, level)),
                SkillRelation::Wants => entry.1.push((row.skill_id, level)),
            }
        }
        let mut input = ProgramInput { rules: rules_of(program)?, ..Default::default() };
        let mut history = History::default();
        for row in &matches {
            history.add(row, program.id, proposals)?;
        }
        let starts = relationship::start_date(today(), program.starts_on);
        let unprepared = self.unprepared(db, program.id, &enrollments).await?;
        let mut person_of = HashMap::new();
        for row in &enrollments {
            let Some(person) = by_id.get(&row.person_id) else { continue };
            if unprepared.contains_key(&row.id) && !keep.contains(&row.id) {
                continue;
            }
            // Only people employed on the day a new relationship would start take part; someone
            // serving notice past that day still does, someone gone by then does not.
            if !person.employment().employed_on(starts) || person.employment_status != EmploymentStatus::Active.as_str()
            {
                continue;
            }
            let (offers, wants) = skills_of.get(&person.id).cloned().unwrap_or_default();
            let used = history.slots_used.get(&row.id).copied().unwrap_or(0);
            let candidate = Candidate {
                enrolment_id: row.id,
                person_id: person.id,
                level: person.level,
                generation_rank: person
                    .generation
                    .as_deref()
                    .and_then(|text| text.parse::<Generation>().ok())
                    .map(Generation::rank),
                department: person.department.clone(),
                reporting_chain: chain(person, &by_employee, depth),
                offers,
                wants,
                free_capacity: u32::try_from(row.capacity.unwrap_or(1)).unwrap_or(0).saturating_sub(used),
            };
            person_of.insert(row.id, person.id);
            match parse_stored::<EnrollmentRole>(&row.role)? {
                EnrollmentRole::Mentor => input.mentors.push(candidate),
                EnrollmentRole::Mentee => input.mentees.push(candidate),
            }
        }
        input.previous_pairs = history.previous_pairs;
        input.fixed = history.fixed;
        Ok(Roster { input, person_of, unprepared })
    }

    /// The people `ids` and their managers up to `depth` levels above them, one read per level.
    async fn people_and_managers<C: ConnectionTrait>(
        &self,
        db: &C,
        ids: &[i64],
        depth: usize,
    ) -> Result<Vec<person::Model>> {
        let mut people = person::Entity::find()
            .filter(person::Column::OrgId.eq(self.org))
            .filter(person::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?;
        let mut level = people.clone();
        for _ in 0..depth {
            let known: HashSet<&str> = people.iter().map(|row| row.employee_id.as_str()).collect();
            let above: HashSet<String> = level
                .iter()
                .filter_map(|row| row.manager_employee_id.clone())
                .filter(|manager| !known.contains(manager.as_str()))
                .collect();
            if above.is_empty() {
                break;
            }
            level = person::Entity::find()
                .filter(person::Column::OrgId.eq(self.org))
                .filter(person::Column::EmployeeId.is_in(above))
                .all(db)
                .await?;
            people.extend(level.iter().cloned());
        }
        Ok(people)
    }

    /// The matches a pair's check reads: this program's matches of the mentor's or the mentee's
    /// enrolment (slots, an approved pair) and any earlier relationship of the two people.
    async fn pair_history<C: ConnectionTrait>(
        &self,
        db: &C,
        program_id: i64,
        (mentor, mentee): (i64, i64),
        enrollments: &[enrollment::Model],
    ) -> Result<Vec<matched_pair::Model>> {
        let person = |id: i64| enrollments.iter().find(|row| row.id == id).map(|row| row.person_id);
        let mut either = Condition::any().add(
            Condition::all().add(matched_pair::Column::ProgramId.eq(program_id)).add(
                Condition::any()
                    .add(matched_pair::Column::MentorEnrollmentId.eq(mentor))
                    .add(matched_pair::Column::MenteeEnrollmentId.eq(mentee)),
            ),
        );
        if let (Some(mentor_person), Some(mentee_person)) = (person(mentor), person(mentee)) {
            either = either.add(
                Condition::all()
                    .add(matched_pair::Column::MentorPersonId.eq(mentor_person))
                    .add(matched_pair::Column::MenteePersonId.eq(mentee_person)),
            );
        }
        Ok(matched_pair::Entity::find().filter(matched_pair::Column::OrgId.eq(self.org)).filter(either).all(db).await?)
    }
}

impl Roster {
    /// Refuses, naming the courses, when one of these enrolments has not completed a required
    /// preparation course.
    pub fn refuse_unprepared(&self, enrollments: &[i64]) -> Result<()> {
        match enrollments.iter().find_map(|id| self.unprepared.get(id)) {
            Some(unprepared) => {
                let missing: Vec<&Course> = unprepared.missing.iter().collect();
                Err(Error::PreparationNotCompleted(crate::domain::preparation::describe(&missing)))
            }
            None => Ok(()),
        }
    }

    /// Unprepared mentees without an approved pair, as the matching outcome reports them; their
    /// people join `person_of`.
    pub fn unprepared_mentees(&mut self) -> Vec<UnmatchedMentee> {
        let paired: HashSet<i64> = self.input.fixed.iter().map(|pair| pair.mentee_enrolment_id).collect();
        let mut ids: Vec<i64> = self
            .unprepared
            .iter()
            .filter(|(id, gap)| gap.role == EnrollmentRole::Mentee && !paired.contains(id))
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids.into_iter()
            .map(|id| {
                let gap = &self.unprepared[&id];
                self.person_of.insert(id, gap.person_id);
                let missing: Vec<&Course> = gap.missing.iter().collect();
                UnmatchedMentee {
                    mentee_enrolment_id: id,
                    reason: UnmatchedReason::PreparationNotCompleted,
                    message: crate::domain::preparation::describe(&missing),
                    exclusions: Vec::new(),
                }
            })
            .collect()
    }
}

/// What earlier matches mean for a new run.
#[derive(Default)]
struct History {
    previous_pairs: HashSet<(i64, i64)>,
    fixed: Vec<FixedPair>,
    /// Slots held by pairs that are not in `fixed` (which the engine subtracts itself).
    slots_used: HashMap<i64, u32>,
}

impl History {
    fn add(&mut self, row: &matched_pair::Model, program_id: i64, proposals: Proposals) -> Result<()> {
        let status: MatchStatus = parse_stored(&row.status)?;
        let this_program = row.program_id == program_id;
        if status.was_relationship() && !(this_program && status == MatchStatus::Active) {
            self.previous_pairs.insert((row.mentor_person_id, row.mentee_person_id));
        }
        if this_program && status == MatchStatus::Declined {
            // A pair a coordinator turned down is not proposed again in this program.
            self.previous_pairs.insert((row.mentor_person_id, row.mentee_person_id));
        }
        if this_program && status == MatchStatus::Active {
            self.fixed.push(FixedPair {
                mentor_enrolment_id: row.mentor_enrollment_id,
                mentee_enrolment_id: row.mentee_enrollment_id,
            });
        }
        if this_program && status == MatchStatus::Proposed && proposals == Proposals::HoldSlots {
            *self.slots_used.entry(row.mentor_enrollment_id).or_default() += 1;
        }
        Ok(())
    }
}

/// The person's managers, nearest first, up to `depth` levels (cycles in the directory stop the walk).
fn chain(person: &person::Model, by_employee: &HashMap<&str, &person::Model>, depth: usize) -> Vec<i64> {
    let mut chain = Vec::new();
    let mut next = person.manager_employee_id.as_deref();
    while let Some(employee_id) = next {
        let Some(manager) = by_employee.get(employee_id) else { break };
        if chain.len() >= depth || manager.id == person.id || chain.contains(&manager.id) {
            break;
        }
        chain.push(manager.id);
        next = manager.manager_employee_id.as_deref();
    }
    chain
}
