//! Tests of the engine's outputs: proposals and their explanations, unmatched reasons,
//! ranking, fixed pairs, determinism and errors.

use super::eligibility::Rule;
use super::engine::{propose, rank_mentors};
use super::engine_tests::{person, program};
use super::input::{Candidate, FixedPair, ProgramInput};
use super::outcome::UnmatchedReason;
use super::rules::{MatchingObjective, MatchingRules, SeniorityRule};

#[test]
fn proposals_explain_rules_and_skills() {
    let mut input = program(
        vec![Candidate { department: Some("IT".into()), offers: vec![(5, 3)], ..person(1, 2) }],
        vec![Candidate { department: Some("HR".into()), wants: vec![(5, 4)], ..person(2, 5) }],
    );
    input.rules.different_department = true;
    let out = propose(&input).expect("valid program");
    assert_eq!(out.proposals.len(), 1);
    let e = &out.proposals[0].explanation;
    for text in [
        "mentor is more junior (level 2 < 5)",
        "different departments",
        "not in the same reporting line (checked 3 levels)",
        "mentor has 1 free slot(s)",
    ] {
        assert!(e.rules_checked.iter().any(|r| r == text), "missing {text}: {:?}", e.rules_checked);
    }
    assert_eq!(e.score.wants_covered[0].skill_id, 5);
    assert_eq!(out.total_score, i64::from(e.score.score));
}

#[test]
fn unmatched_mentees_get_reasons() {
    let mut input = program(
        vec![Candidate { offers: vec![(1, 5)], ..person(1, 2) }, person(2, 9)],
        vec![
            Candidate { wants: vec![(1, 5)], ..person(10, 5) },
            Candidate { wants: vec![(1, 5)], ..person(11, 5) },
            person(12, 1),
        ],
    );
    input.rules.seniority = SeniorityRule::MentorMoreJunior;
    let out = propose(&input).expect("valid program");
    assert_eq!(out.proposals.len(), 1);
    let reasons: Vec<_> = out.unmatched.iter().map(|u| (u.mentee_enrolment_id, u.reason)).collect();
    assert!(reasons.contains(&(12, UnmatchedReason::NoEligibleMentor)));
    let capacity = out.unmatched.iter().find(|u| u.reason == UnmatchedReason::CapacityUsedUp);
    assert!(capacity.is_some_and(|u| u.message.contains("free slots went to other mentees")));
    let none = out.unmatched.iter().find(|u| u.mentee_enrolment_id == 12).expect("listed");
    assert_eq!((none.exclusions[0].rule, none.exclusions[0].mentors), (Rule::Seniority, 2));
    assert!(none.message.contains("2 by seniority"), "{}", none.message);

    input.rules.objective = MatchingObjective::Score;
    input.rules.min_score = Some(500);
    input.mentees.truncate(1);
    input.mentees[0].wants = vec![(2, 5)];
    let out = propose(&input).expect("valid program");
    assert!(out.proposals.is_empty());
    assert_eq!(out.unmatched[0].reason, UnmatchedReason::BelowMinimumScore);
}

#[test]
fn participation_beats_greedy_and_fixed_pairs_consume_capacity() {
    // Mentee 10 likes mentor 1 best, but only mentor 1 can take mentee 11.
    let mut input = program(
        vec![Candidate { offers: vec![(1, 5)], free_capacity: 2, ..person(1, 2) }, person(2, 2)],
        vec![
            Candidate { wants: vec![(1, 5)], ..person(10, 5) },
            Candidate { wants: vec![(1, 5)], reporting_chain: vec![200], ..person(11, 5) },
            person(12, 5),
        ],
    );
    input.fixed.push(FixedPair { mentor_enrolment_id: 1, mentee_enrolment_id: 12 });
    let out = propose(&input).expect("valid program");
    let pairs: Vec<_> = out.proposals.iter().map(|p| (p.mentor_enrolment_id, p.mentee_enrolment_id)).collect();
    assert_eq!(pairs, vec![(2, 10), (1, 11)]);
    assert!(out.unmatched.is_empty());
    input.rules.objective = MatchingObjective::Score;
    let out = propose(&input).expect("valid program");
    assert_eq!(out.proposals.len(), 2);
}

#[test]
fn ranking_orders_by_score_then_id_and_filters() {
    let m = |id: i64, prof: u8, cap: u32| Candidate { offers: vec![(1, prof)], free_capacity: cap, ..person(id, 2) };
    let mentee = Candidate { wants: vec![(1, 5)], ..person(10, 5) };
    let mut input = program(vec![m(4, 3, 1), m(3, 5, 1), m(2, 3, 1), m(1, 5, 0), m(5, 1, 1)], vec![mentee]);
    let ids = |input: &ProgramInput, first| -> Vec<i64> {
        let r = rank_mentors(input, 10, first).expect("known mentee");
        r.iter().map(|r| r.mentor_enrolment_id).collect()
    };
    assert_eq!(ids(&input, 10), vec![3, 2, 4, 5]);
    assert_eq!(ids(&input, 2), vec![3, 2]);
    input.rules.min_score = Some(400);
    assert_eq!(ids(&input, 10), vec![3, 2, 4]);
    assert!(rank_mentors(&input, 99, 1).is_err());
}

#[test]
fn propose_is_deterministic_and_bulk_scores_match_explanations() {
    let mut seed = 5u64;
    let mut next = move |k: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % k
    };
    let mut skills = |n: u64| -> Vec<(i64, u8)> { (0..n).map(|_| (next(40) as i64, 1 + next(5) as u8)).collect() };
    let mentors: Vec<Candidate> = (0..30)
        .map(|k| Candidate {
            offers: skills(6),
            wants: skills(3),
            free_capacity: 1 + (k % 3),
            ..person(k as i64 + 1, 2)
        })
        .collect();
    let mentees: Vec<Candidate> =
        (0..50).map(|k| Candidate { offers: skills(3), wants: skills(5), ..person(k + 100, 5) }).collect();
    let input = ProgramInput { rules: MatchingRules::default(), ..program(mentors, mentees) };
    let a = propose(&input).expect("valid program");
    assert_eq!(a, propose(&input).expect("valid program"));
    let sum: i64 = a.proposals.iter().map(|p| i64::from(p.explanation.score.score)).sum();
    assert_eq!(a.total_score, sum);
    assert_eq!(a.proposals.len(), 50);
}

#[test]
fn invalid_rules_and_duplicate_enrolments_are_errors() {
    let mut input = program(vec![person(1, 2), person(1, 3)], vec![person(2, 5)]);
    assert_eq!(propose(&input).unwrap_err().to_string(), "enrolment 1 appears twice");
    input.mentors.pop();
    input.rules.response_window_days = 0;
    assert!(propose(&input).unwrap_err().to_string().starts_with("invalid matching rules"));
}
