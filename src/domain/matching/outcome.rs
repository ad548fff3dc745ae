//! What the engine returns: proposals with explanations, unmatched mentees with reasons,
//! ranked mentors for self-service, and errors. Serializable so the service can store
//! or expose them as they are.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::eligibility::Rule;
use super::scoring::ScoreBreakdown;
use super::solver::SolveError;

/// Why a pair is a match: its score breakdown and the rules it satisfies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchExplanation {
    /// Score with both contributions and the skills behind them.
    pub score: ScoreBreakdown,
    /// Readable rules checked, e.g. "mentor is more junior (level 2 < 5)".
    pub rules_checked: Vec<String>,
}

/// One proposed pair from coordinator mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    /// Mentor enrolment id.
    pub mentor_enrolment_id: i64,
    /// Mentee enrolment id.
    pub mentee_enrolment_id: i64,
    /// Why this pair.
    pub explanation: MatchExplanation,
}

/// Why a mentee got no proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UnmatchedReason {
    /// Every mentor breaks at least one program rule for this mentee.
    NoEligibleMentor,
    /// Eligible mentors exist but their free slots went to other mentees.
    CapacityUsedUp,
    /// Eligible mentors exist but every such pair scores below the minimum score.
    BelowMinimumScore,
    /// The mentee has not completed a preparation course the program requires before matching.
    PreparationNotCompleted,
}

/// How many mentors one rule excluded for a mentee (a mentor may break several rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    /// The rule.
    pub rule: Rule,
    /// Mentors excluded by it.
    pub mentors: u32,
}

/// A mentee left without a proposal, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmatchedMentee {
    /// Mentee enrolment id.
    pub mentee_enrolment_id: i64,
    /// Machine-readable reason.
    pub reason: UnmatchedReason,
    /// Human-readable reason.
    pub message: String,
    /// Per-rule exclusion counts (only rules that excluded someone), in rule order.
    pub exclusions: Vec<RuleCount>,
}

/// Result of a coordinator-mode run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchingOutcome {
    /// Proposed pairs, in mentee input order.
    pub proposals: Vec<Proposal>,
    /// Mentees without a proposal (approved ones excluded), in input order.
    pub unmatched: Vec<UnmatchedMentee>,
    /// Sum of the proposals' scores.
    pub total_score: i64,
}

/// A mentor offered to a mentee in self-service mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankedMentor {
    /// Mentor enrolment id.
    pub mentor_enrolment_id: i64,
    /// Slots the mentor still has.
    pub free_capacity: u32,
    /// Why this mentor.
    pub explanation: MatchExplanation,
}

/// Why the engine could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// The program's rules are invalid (readable message).
    InvalidRules(String),
    /// No accepted mentor enrolment has this id.
    UnknownMentor(i64),
    /// No accepted mentee enrolment has this id.
    UnknownMentee(i64),
    /// The same enrolment id appears twice on one side.
    DuplicateEnrolment(i64),
    /// The assignment solver rejected the instance.
    Solver(SolveError),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRules(m) => write!(f, "invalid matching rules: {m}"),
            Self::UnknownMentor(id) => write!(f, "no accepted mentor enrolment {id}"),
            Self::UnknownMentee(id) => write!(f, "no accepted mentee enrolment {id}"),
            Self::DuplicateEnrolment(id) => write!(f, "enrolment {id} appears twice"),
            Self::Solver(e) => write!(f, "solver: {e}"),
        }
    }
}

impl std::error::Error for EngineError {}

impl From<SolveError> for EngineError {
    fn from(e: SolveError) -> Self {
        Self::Solver(e)
    }
}
