//! Matching engine for reverse-mentoring programs: scores mentor-mentee pairs from
//! their skills, enforces the program's hard rules, and solves the assignment exactly.
//!
//! Pure and deterministic: no IO, no clock, no randomness, so the same input always
//! gives the same proposals. Entry points: [`propose`] (coordinator mode),
//! [`rank_mentors`] (self-service), [`check_pair`] (manual pairing), and the bare
//! solver [`solver::solve`] with the benchmark-file reader in [`bench_file`].

pub mod bench_file;
pub mod eligibility;
pub mod engine;
pub mod input;
pub mod outcome;
pub mod rules;
pub mod scoring;
pub mod solver;
mod solver_kernel;
mod solver_sparsify;
mod solver_state;

#[cfg(test)]
mod engine_outcome_tests;
#[cfg(test)]
mod engine_tests;
#[cfg(test)]
mod solver_props;

pub use self::eligibility::{Rule, RuleViolation};
pub use self::engine::{check_pair, explain_pair, propose, rank_mentors};
pub use self::input::{Candidate, FixedPair, ProgramInput};
pub use self::outcome::{
    EngineError, MatchExplanation, MatchingOutcome, Proposal, RankedMentor, RuleCount, UnmatchedMentee, UnmatchedReason,
};
pub use self::rules::{MatchingMode, MatchingObjective, MatchingRules, ScoreWeights, SeniorityRule};
pub use self::scoring::{ScoreBreakdown, SkillMatch};
