//! Engine input: the accepted enrolments of one program, its rules, its history and
//! the pairs already approved. Plain data so the service can fill it from its tables.

use std::collections::HashSet;

use super::rules::MatchingRules;

/// One accepted enrolment on either side of a program.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidate {
    /// Enrolment id (unique within the program and side).
    pub enrolment_id: i64,
    /// Person id; the same person may be enrolled on both sides.
    pub person_id: i64,
    /// Job level; higher is more senior.
    pub level: i32,
    /// Generation rank; higher is a younger generation; `None` never satisfies a generation rule.
    pub generation_rank: Option<u8>,
    /// Department name; `None` never satisfies the different-department rule.
    pub department: Option<String>,
    /// Manager person ids, nearest first.
    pub reporting_chain: Vec<i64>,
    /// Skills this person can teach: `(skill_id, proficiency 1..=5)`.
    pub offers: Vec<(i64, u8)>,
    /// Skills this person wants to learn: `(skill_id, priority 1..=5)`.
    pub wants: Vec<(i64, u8)>,
    /// Mentors only: slots still open, before the engine subtracts `ProgramInput::fixed`.
    pub free_capacity: u32,
}

/// An approved (or otherwise settled) pair that the engine must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FixedPair {
    /// Mentor enrolment id.
    pub mentor_enrolment_id: i64,
    /// Mentee enrolment id.
    pub mentee_enrolment_id: i64,
}

/// Everything the engine needs about one program.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramInput {
    /// The program's rules.
    pub rules: MatchingRules,
    /// Accepted mentor enrolments.
    pub mentors: Vec<Candidate>,
    /// Accepted mentee enrolments.
    pub mentees: Vec<Candidate>,
    /// Earlier relationships as `(mentor_person_id, mentee_person_id)`; checked in that
    /// orientation only, so add both orientations to forbid a reversed repeat too.
    pub previous_pairs: HashSet<(i64, i64)>,
    /// Pairs already approved: they use one slot of their mentor each, and their mentees
    /// are not matched again.
    pub fixed: Vec<FixedPair>,
}
