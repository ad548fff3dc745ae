//! The three entry points the service calls: coordinator proposals ([`propose`]),
//! self-service ranking ([`rank_mentors`]) and manual-pair checking ([`check_pair`]).
//! All of them apply the same rules and scores, so a pair is judged the same way
//! whichever path created it.

use std::collections::HashMap;

use super::eligibility::{PAIR_RULES, Roster, Rule, RuleViolation};
use super::input::ProgramInput;
use super::outcome::{
    EngineError, MatchExplanation, MatchingOutcome, Proposal, RankedMentor, RuleCount, UnmatchedMentee, UnmatchedReason,
};
use super::rules::MatchingObjective;
use super::scoring::{SkillIndex, explain_score, split_points};
use super::solver::{AssignmentProblem, Edge, solve};

/// A program prepared once: people indexed, approved pairs applied to capacities.
struct Program {
    roster: Roster,
    /// Free slots per mentor after approved pairs.
    free: Vec<u32>,
    /// Mentees that already have an approved pair.
    settled: Vec<bool>,
    mentor_index: HashMap<i64, usize>,
    mentee_index: HashMap<i64, usize>,
}

fn index_of(ids: impl Iterator<Item = i64>) -> Result<HashMap<i64, usize>, EngineError> {
    let mut map = HashMap::new();
    for (k, id) in ids.enumerate() {
        if map.insert(id, k).is_some() {
            return Err(EngineError::DuplicateEnrolment(id));
        }
    }
    Ok(map)
}

impl Program {
    fn new(input: &ProgramInput) -> Result<Self, EngineError> {
        input.rules.validate().map_err(EngineError::InvalidRules)?;
        let mentor_index = index_of(input.mentors.iter().map(|c| c.enrolment_id))?;
        let mentee_index = index_of(input.mentees.iter().map(|c| c.enrolment_id))?;
        let mut free: Vec<u32> = input.mentors.iter().map(|c| c.free_capacity).collect();
        let mut settled = vec![false; input.mentees.len()];
        // Approved pairs naming enrolments no longer accepted cannot use a slot here.
        for f in &input.fixed {
            if let Some(&j) = mentor_index.get(&f.mentor_enrolment_id) {
                free[j] = free[j].saturating_sub(1);
            }
            if let Some(&i) = mentee_index.get(&f.mentee_enrolment_id) {
                settled[i] = true;
            }
        }
        let roster = Roster::new(input);
        Ok(Self { roster, free, settled, mentor_index, mentee_index })
    }

    fn explain(&self, j: usize, i: usize) -> MatchExplanation {
        let r = &self.roster;
        MatchExplanation {
            score: explain_score(r.rules.weights, &r.mentors[j].profile, &r.mentees[i].profile),
            rules_checked: r.rules_checked(j, i, self.free[j]),
        }
    }

    /// Minimum score a pair needs, when the objective or ranking uses one.
    fn min_score(&self, ranking: bool) -> u32 {
        let rules = &self.roster.rules;
        match (ranking || rules.objective == MatchingObjective::Score, rules.min_score) {
            (true, Some(min)) => min,
            _ => 0,
        }
    }

    /// Every eligible (mentee, mentor with a free slot) pair and its score, scored via
    /// the skill index so the cost follows the skill overlaps, not skills x skills.
    fn eligible_edges(&self) -> Vec<Edge> {
        let r = &self.roster;
        let profiles: Vec<_> = r.mentors.iter().map(|m| &m.profile).collect();
        let index = SkillIndex::new(&profiles);
        let (mut wants_acc, mut back_acc) = (vec![0u64; profiles.len()], vec![0u64; profiles.len()]);
        let min = self.min_score(false);
        let mut edges = Vec::new();
        for (i, mentee) in r.mentees.iter().enumerate() {
            if self.settled[i] {
                continue;
            }
            wants_acc.fill(0);
            back_acc.fill(0);
            index.accumulate(&mentee.profile, &mut wants_acc, &mut back_acc);
            for (j, mentor) in r.mentors.iter().enumerate() {
                if self.free[j] == 0 || r.broken(j, i) != 0 {
                    continue;
                }
                let (a, b) = split_points(
                    r.rules.weights,
                    wants_acc[j],
                    mentee.profile.want_ceiling,
                    back_acc[j],
                    mentor.profile.want_ceiling,
                );
                if a + b >= min {
                    edges.push(Edge { mentee: i as u32, mentor: j as u32, score: i64::from(a + b) });
                }
            }
        }
        edges
    }

    fn unmatched(&self, i: usize) -> UnmatchedMentee {
        let r = &self.roster;
        let mut counts = [0u32; PAIR_RULES.len()];
        let (mut eligible, mut above_min) = (0u32, 0u32);
        let min = self.min_score(false);
        for j in 0..r.mentors.len() {
            let mask = r.broken(j, i);
            if mask == 0 {
                eligible += 1;
                let s = explain_score(r.rules.weights, &r.mentors[j].profile, &r.mentees[i].profile);
                above_min += u32::from(s.score >= min);
            }
            for rule in Roster::rules_in(mask) {
                if let Some(k) = PAIR_RULES.iter().position(|&p| p == rule) {
                    counts[k] += 1;
                }
            }
        }
        let exclusions: Vec<RuleCount> = PAIR_RULES
            .iter()
            .zip(counts)
            .filter(|&(_, n)| n > 0)
            .map(|(&rule, mentors)| RuleCount { rule, mentors })
            .collect();
        let (reason, message) = if eligible == 0 {
            let parts: Vec<String> =
                exclusions.iter().map(|c| format!("{} by {}", c.mentors, rule_name(c.rule))).collect();
            let detail = if parts.is_empty() { "no mentors enrolled".to_owned() } else { parts.join(", ") };
            (UnmatchedReason::NoEligibleMentor, format!("no eligible mentor (excluded: {detail})"))
        } else if above_min == 0 {
            let msg = format!("all {eligible} eligible mentor(s) score below the minimum score {min}");
            (UnmatchedReason::BelowMinimumScore, msg)
        } else {
            let msg = format!("{above_min} eligible mentor(s), but all their free slots went to other mentees");
            (UnmatchedReason::CapacityUsedUp, msg)
        };
        UnmatchedMentee { mentee_enrolment_id: r.mentees[i].enrolment_id, reason, message, exclusions }
    }
}

/// Short readable name of a rule for messages.
fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::SamePerson => "same person",
        Rule::Seniority => "seniority",
        Rule::ReportingLine => "reporting line",
        Rule::SameDepartment => "department",
        Rule::PreviousRelationship => "previous relationship",
        Rule::MentorCapacity => "mentor capacity",
        Rule::MenteeAlreadyMatched => "already matched",
    }
}

/// Coordinator mode: the optimal set of proposals for the program's objective.
pub fn propose(input: &ProgramInput) -> Result<MatchingOutcome, EngineError> {
    let program = Program::new(input)?;
    let problem = AssignmentProblem {
        mentees: input.mentees.len(),
        capacities: program.free.clone(),
        edges: program.eligible_edges(),
    };
    let assignment = solve(&problem, program.roster.rules.objective)?;
    let mut proposals = Vec::new();
    let mut unmatched = Vec::new();
    for (i, chosen) in assignment.mentor_of.iter().enumerate() {
        match chosen {
            Some(j) => proposals.push(Proposal {
                mentor_enrolment_id: input.mentors[*j as usize].enrolment_id,
                mentee_enrolment_id: input.mentees[i].enrolment_id,
                explanation: program.explain(*j as usize, i),
            }),
            None if !program.settled[i] => unmatched.push(program.unmatched(i)),
            None => {}
        }
    }
    Ok(MatchingOutcome { proposals, unmatched, total_score: assignment.total })
}

/// Self-service mode: eligible mentors with a free slot for one mentee, best score
/// first (ties by enrolment id), at most `first`. Empty if the mentee is already matched.
pub fn rank_mentors(
    input: &ProgramInput,
    mentee_enrolment_id: i64,
    first: usize,
) -> Result<Vec<RankedMentor>, EngineError> {
    let program = Program::new(input)?;
    let i = *program.mentee_index.get(&mentee_enrolment_id).ok_or(EngineError::UnknownMentee(mentee_enrolment_id))?;
    if program.settled[i] {
        return Ok(Vec::new());
    }
    let min = program.min_score(true);
    let mut ranked: Vec<RankedMentor> = (0..input.mentors.len())
        .filter(|&j| program.free[j] > 0 && program.roster.broken(j, i) == 0)
        .map(|j| RankedMentor {
            mentor_enrolment_id: input.mentors[j].enrolment_id,
            free_capacity: program.free[j],
            explanation: program.explain(j, i),
        })
        .filter(|m| m.explanation.score.score >= min)
        .collect();
    ranked.sort_by(|a, b| {
        b.explanation
            .score
            .score
            .cmp(&a.explanation.score.score)
            .then(a.mentor_enrolment_id.cmp(&b.mentor_enrolment_id))
    });
    ranked.truncate(first);
    Ok(ranked)
}

/// The score and rules of one pair, allowed or not: manual pairs and accepted requests keep it.
pub fn explain_pair(
    input: &ProgramInput,
    mentor_enrolment_id: i64,
    mentee_enrolment_id: i64,
) -> Result<MatchExplanation, EngineError> {
    let program = Program::new(input)?;
    let j = *program.mentor_index.get(&mentor_enrolment_id).ok_or(EngineError::UnknownMentor(mentor_enrolment_id))?;
    let i = *program.mentee_index.get(&mentee_enrolment_id).ok_or(EngineError::UnknownMentee(mentee_enrolment_id))?;
    Ok(program.explain(j, i))
}

/// Manual pairing: every rule the pair breaks (empty = the pair is allowed).
pub fn check_pair(
    input: &ProgramInput,
    mentor_enrolment_id: i64,
    mentee_enrolment_id: i64,
) -> Result<Vec<RuleViolation>, EngineError> {
    let program = Program::new(input)?;
    let j = *program.mentor_index.get(&mentor_enrolment_id).ok_or(EngineError::UnknownMentor(mentor_enrolment_id))?;
    let i = *program.mentee_index.get(&mentee_enrolment_id).ok_or(EngineError::UnknownMentee(mentee_enrolment_id))?;
    let r = &program.roster;
    let mut out: Vec<RuleViolation> = Roster::rules_in(r.broken(j, i)).map(|rule| r.violation(rule, j, i)).collect();
    if program.free[j] == 0 {
        out.push(r.violation(Rule::MentorCapacity, j, i));
    }
    if program.settled[i] {
        out.push(r.violation(Rule::MenteeAlreadyMatched, j, i));
    }
    Ok(out)
}
