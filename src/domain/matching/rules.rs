//! Program-level matching rules as stored (JSON via serde) on a program, with defaults and validation.

use serde::{Deserialize, Serialize};

/// Which seniority relation a mentor must have to the mentee (hard constraint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SeniorityRule {
    /// No seniority constraint.
    None,
    /// Mentor's level is strictly lower than the mentee's.
    MentorMoreJunior,
    /// Mentor's generation rank is strictly higher (younger) than the mentee's.
    MentorYoungerGeneration,
    /// Either more junior by level or of a younger generation.
    MentorMoreJuniorOrYounger,
    /// Both more junior by level and of a younger generation.
    MentorMoreJuniorAndYounger,
    /// Classic mentoring: mentor's level is strictly higher than the mentee's.
    MentorMoreSenior,
}

/// What the coordinator-mode solver optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MatchingObjective {
    /// Most mentees matched first, then the largest total score.
    Participation,
    /// Largest total score (mentees may stay unmatched); ties go to more pairs.
    Score,
}

/// How pairs are formed in a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MatchingMode {
    /// A coordinator runs the solver and approves proposals.
    Coordinator,
    /// Mentees pick from a ranked list of mentors.
    SelfService,
    /// Both of the above are available.
    Both,
}

/// Relative weights of the two directions of a pair's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreWeights {
    /// Weight of how well the mentor's offers cover the mentee's wants.
    pub wants_covered: u32,
    /// Weight of how well the mentee's offers cover the mentor's wants.
    pub teach_back: u32,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        Self { wants_covered: 70, teach_back: 30 }
    }
}

/// All tunable matching rules of one program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MatchingRules {
    /// How pairs are formed.
    pub mode: MatchingMode,
    /// What the coordinator solver optimises.
    pub objective: MatchingObjective,
    /// Pairs scoring below this (0..=1000) are ineligible under `Score` and in ranking.
    pub min_score: Option<u32>,
    /// Seniority constraint between mentor and mentee.
    pub seniority: SeniorityRule,
    /// Manager levels checked in each direction; 0 disables the reporting-line rule.
    pub reporting_line_depth: u8,
    /// Whether mentor and mentee must be in different departments.
    pub different_department: bool,
    /// Relative weights of the score's two directions.
    pub weights: ScoreWeights,
    /// Days a self-service request stays open.
    pub response_window_days: u16,
}

impl Default for MatchingRules {
    fn default() -> Self {
        Self {
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

/// Largest score a pair can have.
pub const MAX_SCORE: u32 = 1000;

/// Deepest reporting line a program may ask to check.
pub const MAX_REPORTING_LINE_DEPTH: u8 = 10;

impl MatchingRules {
    /// Checks the rules and returns a readable message for the first problem found.
    pub fn validate(&self) -> Result<(), String> {
        if self.weights.wants_covered == 0 && self.weights.teach_back == 0 {
            return Err("score weights cannot both be 0".to_owned());
        }
        if let Some(min) = self.min_score
            && min > MAX_SCORE
        {
            return Err(format!("minimum score must be between 0 and {MAX_SCORE} (got {min})"));
        }
        if !(1..=90).contains(&self.response_window_days) {
            return Err(format!("response window must be between 1 and 90 days (got {})", self.response_window_days));
        }
        if self.reporting_line_depth > MAX_REPORTING_LINE_DEPTH {
            return Err(format!(
                "reporting line depth must be at most {MAX_REPORTING_LINE_DEPTH} (got {})",
                self.reporting_line_depth
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_documented_values() {
        let r = MatchingRules::default();
        assert_eq!(r.validate(), Ok(()));
        assert_eq!(r.mode, MatchingMode::Coordinator);
        assert_eq!(r.objective, MatchingObjective::Participation);
        assert_eq!(r.seniority, SeniorityRule::MentorMoreJuniorOrYounger);
        assert_eq!(r.reporting_line_depth, 3);
        assert_eq!(r.weights, ScoreWeights { wants_covered: 70, teach_back: 30 });
        assert_eq!(r.response_window_days, 7);
    }

    #[test]
    fn validate_rejects_each_bad_field() {
        let base = MatchingRules::default();
        let zero_weights = MatchingRules { weights: ScoreWeights { wants_covered: 0, teach_back: 0 }, ..base.clone() };
        assert!(zero_weights.validate().unwrap_err().contains("weights"));
        let high_min = MatchingRules { min_score: Some(1001), ..base.clone() };
        assert!(high_min.validate().unwrap_err().contains("minimum score"));
        let window = MatchingRules { response_window_days: 0, ..base.clone() };
        assert!(window.validate().unwrap_err().contains("response window"));
        let window = MatchingRules { response_window_days: 91, ..base.clone() };
        assert!(window.validate().is_err());
        let depth = MatchingRules { reporting_line_depth: 11, ..base.clone() };
        assert!(depth.validate().unwrap_err().contains("depth"));
        let edge = MatchingRules { min_score: Some(1000), reporting_line_depth: 10, ..base };
        assert_eq!(edge.validate(), Ok(()));
    }
}
