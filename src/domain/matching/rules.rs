//! The matching rules a program stores: mode, objective, hard constraints and score weights.

use serde::{Deserialize, Serialize};

/// Which seniority direction a program demands of its pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SeniorityRule {
    /// No seniority constraint.
    None,
    /// The mentor's level is lower than the mentee's.
    MentorMoreJunior,
    /// The mentor belongs to a younger generation.
    MentorYoungerGeneration,
    /// Either of the two above.
    MentorMoreJuniorOrYounger,
    /// Both of the two above.
    MentorMoreJuniorAndYounger,
    /// Traditional mentoring: the mentor's level is higher.
    MentorMoreSenior,
}

/// What the coordinator's assignment optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MatchingObjective {
    /// As many mentees matched as possible, then the best total score.
    Participation,
    /// The best total score; a mentee may stay unmatched.
    Score,
}

/// Who forms pairs in a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MatchingMode {
    /// Coordinators propose and approve pairs.
    Coordinator,
    /// Mentees request mentors themselves.
    SelfService,
    /// Both of the above.
    Both,
}

/// Relative weights of the two halves of a pair's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreWeights {
    /// How much the mentor covering the mentee's wants counts.
    pub wants_covered: u32,
    /// How much the mentee teaching back counts.
    pub teach_back: u32,
}

/// A program's matching rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MatchingRules {
    /// Who forms pairs.
    pub mode: MatchingMode,
    /// What the assignment optimises.
    pub objective: MatchingObjective,
    /// Pairs scoring below this (0-1000) are not proposed.
    pub min_score: Option<u32>,
    /// Seniority constraint.
    pub seniority: SeniorityRule,
    /// Manager levels checked each way; 0 disables the reporting-line rule.
    pub reporting_line_depth: u8,
    /// Whether mentor and mentee must work in different departments.
    pub different_department: bool,
    /// Score weights.
    pub weights: ScoreWeights,
    /// Days a mentor has to answer a self-service request.
    pub response_window_days: u16,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights { wants_covered: 70, teach_back: 30 }
    }
}

impl Default for MatchingRules {
    fn default() -> Self {
        MatchingRules {
            mode: MatchingMode::Coordinator,
            objective: MatchingObjective::Participation,
            min_score: None,
            seniority: SeniorityRule::MentorMoreJuniorOrYounger,
            reporting_line_depth: 3,
            different_department: false,
            weights: ScoreWeights::default(),
            response_window_days: 7,
        }
    }
}

impl MatchingRules {
    /// Checks the numbers are meaningful; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.weights.wants_covered == 0 && self.weights.teach_back == 0 {
            return Err("weights wantsCovered and teachBack cannot both be 0".into());
        }
        if self.weights.wants_covered > 1_000 || self.weights.teach_back > 1_000 {
            return Err("weights must be at most 1000".into());
        }
        if self.min_score.is_some_and(|score| score > 1_000) {
            return Err("minScore must be between 0 and 1000".into());
        }
        if !(1..=90).contains(&self.response_window_days) {
            return Err("responseWindowDays must be between 1 and 90".into());
        }
        if self.reporting_line_depth > 10 {
            return Err("reportingLineDepth must be between 0 and 10".into());
        }
        Ok(())
    }
}
