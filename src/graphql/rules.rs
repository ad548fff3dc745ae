//! Matching rules as GraphQL sees them: a read view and a partial input.

use async_graphql::{InputObject, Object};

use super::enums::{MatchingMode, MatchingObjective, SeniorityRule};
use crate::domain::matching::MatchingRules;

/// How a program forms pairs and which pairs it allows.
pub struct MatchingRulesView(pub MatchingRules);

#[Object(name = "MatchingRules")]
impl MatchingRulesView {
    /// COORDINATOR, SELF_SERVICE or BOTH.
    async fn mode(&self) -> MatchingMode {
        self.0.mode.into()
    }
    /// What the coordinator's assignment optimises.
    async fn objective(&self) -> MatchingObjective {
        self.0.objective.into()
    }
    /// Pairs scoring below this (0-1000) are not proposed.
    async fn min_score(&self) -> Option<u32> {
        self.0.min_score
    }
    /// Seniority direction required of pairs.
    async fn seniority(&self) -> SeniorityRule {
        self.0.seniority.into()
    }
    /// Manager levels checked each way for the reporting-line rule (0 = off).
    async fn reporting_line_depth(&self) -> u8 {
        self.0.reporting_line_depth
    }
    /// Whether mentor and mentee must be in different departments.
    async fn different_department(&self) -> bool {
        self.0.different_department
    }
    /// Relative weight of the mentor covering the mentee's wants.
    async fn wants_covered_weight(&self) -> u32 {
        self.0.weights.wants_covered
    }
    /// Relative weight of the mentee teaching back.
    async fn teach_back_weight(&self) -> u32 {
        self.0.weights.teach_back
    }
    /// Days a mentor has to answer a self-service request.
    async fn response_window_days(&self) -> u16 {
        self.0.response_window_days
    }
}

/// Changes to matching rules; omitted fields keep their current (or default) value.
#[derive(InputObject, Default)]
pub struct MatchingRulesInput {
    /// COORDINATOR, SELF_SERVICE or BOTH.
    pub mode: Option<MatchingMode>,
    /// PARTICIPATION or SCORE.
    pub objective: Option<MatchingObjective>,
    /// Minimum pair score 0-1000; send `clearMinScore: true` to remove it.
    pub min_score: Option<u32>,
    /// Removes the minimum score.
    #[graphql(default)]
    pub clear_min_score: bool,
    /// Seniority direction.
    pub seniority: Option<SeniorityRule>,
    /// Manager levels checked each way (0-10, 0 = off).
    pub reporting_line_depth: Option<u8>,
    /// Require different departments.
    pub different_department: Option<bool>,
    /// Weight of wants covered.
    pub wants_covered_weight: Option<u32>,
    /// Weight of teaching back.
    pub teach_back_weight: Option<u32>,
    /// Days to answer a request (1-90).
    pub response_window_days: Option<u16>,
}

impl MatchingRulesInput {
    /// The rules after these changes (validated later with the rest of the program).
    pub fn apply(self, mut rules: MatchingRules) -> MatchingRules {
        if let Some(mode) = self.mode {
            rules.mode = mode.into();
        }
        if let Some(objective) = self.objective {
            rules.objective = objective.into();
        }
        if self.clear_min_score {
            rules.min_score = None;
        } else if self.min_score.is_some() {
            rules.min_score = self.min_score;
        }
        if let Some(seniority) = self.seniority {
            rules.seniority = seniority.into();
        }
        rules.reporting_line_depth = self.reporting_line_depth.unwrap_or(rules.reporting_line_depth);
        rules.different_department = self.different_department.unwrap_or(rules.different_department);
        rules.weights.wants_covered = self.wants_covered_weight.unwrap_or(rules.weights.wants_covered);
        rules.weights.teach_back = self.teach_back_weight.unwrap_or(rules.weights.teach_back);
        rules.response_window_days = self.response_window_days.unwrap_or(rules.response_window_days);
        rules
    }
}
