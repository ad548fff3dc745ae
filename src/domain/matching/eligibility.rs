//! Hard program rules on a (mentor, mentee) pair: a fast bitmask check for bulk use and
//! readable messages for explanations, unmatched reasons and manual pairing.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::input::{Candidate, ProgramInput};
use super::rules::{MatchingRules, SeniorityRule};
use super::scoring::Profile;

/// A hard rule a pair can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Rule {
    /// Mentor and mentee are the same person.
    SamePerson,
    /// The program's seniority rule does not hold.
    Seniority,
    /// One is in the other's management chain within the checked depth.
    ReportingLine,
    /// Same (or undeclared) department while different departments are required.
    SameDepartment,
    /// The two already had a mentoring relationship.
    PreviousRelationship,
    /// The mentor has no free slot left.
    MentorCapacity,
    /// The mentee already has an approved pair.
    MenteeAlreadyMatched,
}

/// The pair rules checked on every candidate pair, in reporting order.
pub(super) const PAIR_RULES: [Rule; 5] =
    [Rule::SamePerson, Rule::Seniority, Rule::ReportingLine, Rule::SameDepartment, Rule::PreviousRelationship];

/// One broken rule with a readable message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleViolation {
    /// Which rule.
    pub rule: Rule,
    /// Human-readable explanation.
    pub message: String,
}

/// A participant prepared for fast checks: department interned, skills normalised.
#[derive(Debug, Clone)]
pub(super) struct Person {
    pub(super) enrolment_id: i64,
    pub(super) person_id: i64,
    pub(super) level: i32,
    pub(super) generation: Option<u8>,
    pub(super) department: Option<u32>,
    pub(super) chain: Vec<i64>,
    pub(super) profile: Profile,
}

/// Both sides of a program prepared once, with the rules that apply to them.
pub(super) struct Roster {
    pub(super) rules: MatchingRules,
    pub(super) mentors: Vec<Person>,
    pub(super) mentees: Vec<Person>,
    /// Earlier mentors (person ids, sorted) of each mentee person.
    previous: HashMap<i64, Vec<i64>>,
}

/// Interns the department so rule checks compare integers, not strings.
fn prepare<'a>(c: &'a Candidate, departments: &mut HashMap<&'a str, u32>) -> Person {
    let next = departments.len() as u32;
    let department = c.department.as_deref().map(|d| *departments.entry(d).or_insert(next));
    Person {
        enrolment_id: c.enrolment_id,
        person_id: c.person_id,
        level: c.level,
        generation: c.generation_rank,
        department,
        chain: c.reporting_chain.clone(),
        profile: Profile::new(&c.offers, &c.wants),
    }
}

fn bit(rule: Rule) -> u8 {
    1 << (rule as u8)
}

impl Roster {
    pub(super) fn new(input: &ProgramInput) -> Self {
        let mut departments: HashMap<&str, u32> = HashMap::new();
        let mentors = input.mentors.iter().map(|c| prepare(c, &mut departments)).collect();
        let mentees = input.mentees.iter().map(|c| prepare(c, &mut departments)).collect();
        let mut previous: HashMap<i64, Vec<i64>> = HashMap::new();
        for &(mentor, mentee) in &input.previous_pairs {
            previous.entry(mentee).or_default().push(mentor);
        }
        for list in previous.values_mut() {
            list.sort_unstable();
        }
        Self { rules: input.rules.clone(), mentors, mentees, previous }
    }

    /// Bitmask of the pair rules that (mentor `j`, mentee `i`) breaks; 0 = eligible.
    pub(super) fn broken(&self, j: usize, i: usize) -> u8 {
        let (m, e) = (&self.mentors[j], &self.mentees[i]);
        let mut mask = 0;
        if m.person_id == e.person_id {
            mask |= bit(Rule::SamePerson);
        }
        if !self.seniority_ok(m, e) {
            mask |= bit(Rule::Seniority);
        }
        if self.same_line(m, e) {
            mask |= bit(Rule::ReportingLine);
        }
        // An undeclared department cannot prove the departments differ.
        let known_different = matches!((m.department, e.department), (Some(a), Some(b)) if a != b);
        if self.rules.different_department && !known_different {
            mask |= bit(Rule::SameDepartment);
        }
        if self.previous.get(&e.person_id).is_some_and(|l| l.binary_search(&m.person_id).is_ok()) {
            mask |= bit(Rule::PreviousRelationship);
        }
        mask
    }

    /// The rules in `mask`, in reporting order.
    pub(super) fn rules_in(mask: u8) -> impl Iterator<Item = Rule> {
        PAIR_RULES.into_iter().filter(move |&r| mask & bit(r) != 0)
    }

    fn seniority_ok(&self, m: &Person, e: &Person) -> bool {
        let junior = m.level < e.level;
        let younger = matches!((m.generation, e.generation), (Some(a), Some(b)) if a > b);
        match self.rules.seniority {
            SeniorityRule::None => true,
            SeniorityRule::MentorMoreJunior => junior,
            SeniorityRule::MentorYoungerGeneration => younger,
            SeniorityRule::MentorMoreJuniorOrYounger => junior || younger,
            SeniorityRule::MentorMoreJuniorAndYounger => junior && younger,
            SeniorityRule::MentorMoreSenior => m.level > e.level,
        }
    }

    fn same_line(&self, m: &Person, e: &Person) -> bool {
        let depth = usize::from(self.rules.reporting_line_depth);
        let within = |chain: &[i64], who: i64| chain.iter().take(depth).any(|&p| p == who);
        within(&e.chain, m.person_id) || within(&m.chain, e.person_id)
    }

    /// Readable message for a broken pair rule.
    pub(super) fn violation(&self, rule: Rule, j: usize, i: usize) -> RuleViolation {
        let (m, e) = (&self.mentors[j], &self.mentees[i]);
        let depth = self.rules.reporting_line_depth;
        let message = match rule {
            Rule::SamePerson => "mentor and mentee are the same person".to_owned(),
            Rule::Seniority => format!("seniority rule not met: {}", self.seniority_text(m, e)),
            Rule::ReportingLine => format!("in the same reporting line (within {depth} levels)"),
            Rule::SameDepartment => match (m.department, e.department) {
                (Some(_), Some(_)) => "same department".to_owned(),
                _ => "department not declared, cannot confirm different departments".to_owned(),
            },
            Rule::PreviousRelationship => "already had a mentoring relationship".to_owned(),
            Rule::MentorCapacity => "mentor has no free capacity".to_owned(),
            Rule::MenteeAlreadyMatched => "mentee already has an approved match".to_owned(),
        };
        RuleViolation { rule, message }
    }

    /// Readable list of the rules an eligible pair satisfies.
    pub(super) fn rules_checked(&self, j: usize, i: usize, free_slots: u32) -> Vec<String> {
        let (m, e) = (&self.mentors[j], &self.mentees[i]);
        let mut out = vec!["not the same person".to_owned(), self.seniority_text(m, e)];
        out.push(match self.rules.reporting_line_depth {
            0 => "reporting line not checked (depth 0)".to_owned(),
            d => format!("not in the same reporting line (checked {d} levels)"),
        });
        if self.rules.different_department {
            out.push("different departments".to_owned());
        }
        out.push("no previous mentoring relationship".to_owned());
        out.push(format!("mentor has {free_slots} free slot(s)"));
        out
    }

    /// Describes the seniority relation the rule looks at, true or not.
    fn seniority_text(&self, m: &Person, e: &Person) -> String {
        let (a, b) = (m.level, e.level);
        let junior = || match a < b {
            true => format!("mentor is more junior (level {a} < {b})"),
            false => format!("mentor is not more junior (level {a} >= {b})"),
        };
        let younger = || match (m.generation, e.generation) {
            (Some(a), Some(b)) if a > b => {
                format!("mentor is of a younger generation (rank {a} > {b})")
            }
            (Some(a), Some(b)) => {
                format!("mentor is not of a younger generation (rank {a} <= {b})")
            }
            _ => "generation not declared".to_owned(),
        };
        match self.rules.seniority {
            SeniorityRule::None => "no seniority rule".to_owned(),
            SeniorityRule::MentorMoreJunior => junior(),
            SeniorityRule::MentorYoungerGeneration => younger(),
            SeniorityRule::MentorMoreJuniorOrYounger if m.level < e.level => junior(),
            SeniorityRule::MentorMoreJuniorOrYounger => format!("{}; {}", junior(), younger()),
            SeniorityRule::MentorMoreJuniorAndYounger => format!("{}; {}", junior(), younger()),
            SeniorityRule::MentorMoreSenior if a > b => {
                format!("mentor is more senior (level {a} > {b})")
            }
            SeniorityRule::MentorMoreSenior => {
                format!("mentor is not more senior (level {a} <= {b})")
            }
        }
    }
}
