//! Tests of scoring and of every hard rule through the engine's public entry points
//! (`rank_mentors` for scores, `check_pair` for rules); shared test helpers.

use super::eligibility::Rule;
use super::engine::{check_pair, rank_mentors};
use super::input::{Candidate, FixedPair, ProgramInput};
use super::rules::{ScoreWeights, SeniorityRule};

/// A junior mentor (level 2) or senior mentee (level 5) with distinct people.
pub(super) fn person(enrolment_id: i64, level: i32) -> Candidate {
    Candidate { enrolment_id, person_id: enrolment_id * 100, level, free_capacity: 1, ..Candidate::default() }
}

pub(super) fn program(mentors: Vec<Candidate>, mentees: Vec<Candidate>) -> ProgramInput {
    ProgramInput { mentors, mentees, ..ProgramInput::default() }
}

fn rules_of(input: &ProgramInput, mentor: i64, mentee: i64) -> Vec<Rule> {
    let v = check_pair(input, mentor, mentee).expect("known ids");
    v.into_iter().map(|v| v.rule).collect()
}

#[test]
fn score_weights_both_directions_with_documented_formula() {
    let mentor = Candidate { offers: vec![(1, 4), (3, 5)], wants: vec![(7, 2)], ..person(1, 2) };
    let mentee = Candidate { wants: vec![(1, 5), (2, 3)], offers: vec![(7, 5)], ..person(2, 5) };
    let input = program(vec![mentor], vec![mentee]);
    let ranked = rank_mentors(&input, 2, 10).expect("known mentee");
    let s = &ranked[0].explanation.score;
    // wants: 1000 * 70/100 * (5*4) / (5*(5+3)) = 350; teach back: 1000 * 30/100 * (2*5)/(5*2) = 300.
    assert_eq!((s.wants_points, s.teach_back_points, s.score), (350, 300, 650));
    assert_eq!(s.wants_covered.len(), 1);
    assert_eq!((s.wants_covered[0].skill_id, s.wants_covered[0].priority, s.wants_covered[0].proficiency), (1, 5, 4));
    assert_eq!(s.taught_back[0].skill_id, 7);
}

#[test]
fn weights_are_tunable_and_levels_clamped_and_deduplicated() {
    let mentor = Candidate { offers: vec![(1, 9), (1, 2)], ..person(1, 2) };
    let mentee = Candidate { wants: vec![(1, 0)], ..person(2, 5) };
    let mut input = program(vec![mentor], vec![mentee]);
    input.rules.weights = ScoreWeights { wants_covered: 1, teach_back: 0 };
    let s = &rank_mentors(&input, 2, 1).expect("known mentee")[0].explanation.score;
    // proficiency 9 -> 5 (highest duplicate kept), priority 0 -> 1: full coverage.
    assert_eq!((s.score, s.teach_back_points), (1000, 0));
}

#[test]
fn each_seniority_rule_is_enforced() {
    use SeniorityRule::*;
    // (rule, mentor level, mentor gen, mentee level, mentee gen, allowed)
    let cases = [
        (None, 9, Option::None, 1, Option::None, true),
        (MentorMoreJunior, 2, Option::None, 5, Option::None, true),
        (MentorMoreJunior, 5, Option::None, 5, Option::None, false),
        (MentorYoungerGeneration, 9, Some(4), 1, Some(2), true),
        (MentorYoungerGeneration, 1, Option::None, 9, Some(2), false),
        (MentorMoreJuniorOrYounger, 9, Some(4), 1, Some(2), true),
        (MentorMoreJuniorOrYounger, 9, Some(1), 1, Some(2), false),
        (MentorMoreJuniorAndYounger, 1, Some(4), 9, Some(2), true),
        (MentorMoreJuniorAndYounger, 1, Some(2), 9, Some(2), false),
        (MentorMoreSenior, 9, Option::None, 1, Option::None, true),
        (MentorMoreSenior, 1, Option::None, 9, Option::None, false),
    ];
    for (rule, ml, mg, el, eg, allowed) in cases {
        let mut input = program(
            vec![Candidate { generation_rank: mg, ..person(1, ml) }],
            vec![Candidate { generation_rank: eg, ..person(2, el) }],
        );
        input.rules.seniority = rule;
        let broken = rules_of(&input, 1, 2);
        assert_eq!(broken.is_empty(), allowed, "{rule:?}: {broken:?}");
        assert!(allowed || broken == vec![Rule::Seniority]);
    }
}

#[test]
fn reporting_line_is_checked_both_ways_up_to_depth() {
    let mentor = person(1, 2);
    let boss_of_mentor = Candidate { reporting_chain: vec![7, 8, 100], ..person(2, 5) };
    let mut input = program(vec![mentor], vec![boss_of_mentor]);
    assert_eq!(rules_of(&input, 1, 2), vec![Rule::ReportingLine]);
    input.rules.reporting_line_depth = 2;
    assert!(rules_of(&input, 1, 2).is_empty());
    input.mentees[0].reporting_chain.clear();
    input.mentors[0].reporting_chain = vec![200];
    input.rules.reporting_line_depth = 1;
    assert_eq!(rules_of(&input, 1, 2), vec![Rule::ReportingLine]);
    input.rules.reporting_line_depth = 0;
    assert!(rules_of(&input, 1, 2).is_empty());
}

#[test]
fn department_previous_pair_same_person_capacity_and_settled_rules() {
    let dept = |d: &str| Some(d.to_owned());
    let mut input = program(
        vec![Candidate { department: dept("Sales"), ..person(1, 2) }],
        vec![Candidate { department: dept("Sales"), ..person(2, 5) }],
    );
    assert!(rules_of(&input, 1, 2).is_empty());
    input.rules.different_department = true;
    assert_eq!(rules_of(&input, 1, 2), vec![Rule::SameDepartment]);
    input.mentees[0].department = None;
    assert_eq!(rules_of(&input, 1, 2), vec![Rule::SameDepartment]);
    input.mentees[0].department = dept("IT");
    assert!(rules_of(&input, 1, 2).is_empty());
    input.previous_pairs.insert((100, 200));
    assert_eq!(rules_of(&input, 1, 2), vec![Rule::PreviousRelationship]);
    input.previous_pairs.clear();
    input.previous_pairs.insert((200, 100)); // reversed orientation is not the same pair
    assert!(rules_of(&input, 1, 2).is_empty());
    input.mentees[0].person_id = 100;
    assert_eq!(rules_of(&input, 1, 2), vec![Rule::SamePerson]);
    input.mentees[0].person_id = 200;
    input.mentees.push(Candidate { department: dept("Ops"), ..person(3, 5) });
    input.fixed.push(FixedPair { mentor_enrolment_id: 1, mentee_enrolment_id: 3 });
    assert_eq!(rules_of(&input, 1, 2), vec![Rule::MentorCapacity]);
    assert_eq!(rules_of(&input, 1, 3), vec![Rule::MentorCapacity, Rule::MenteeAlreadyMatched]);
    assert_eq!(check_pair(&input, 9, 2).unwrap_err().to_string(), "no accepted mentor enrolment 9");
}
