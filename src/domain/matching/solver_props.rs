//! Property tests of the assignment solver against an independent exhaustive search,
//! a greedy baseline, and itself (determinism, edge order), plus certificate rounds.

use std::collections::HashMap;

use proptest::prelude::*;

use super::rules::MatchingObjective;
use super::solver::{Assignment, AssignmentProblem, Edge, Transform, checked_edges, solve};
use super::solver_kernel::{Kernel, Prepared};

/// The objective as a comparable key: larger is better.
fn key(objective: MatchingObjective, matched: usize, total: i64) -> (i64, i64) {
    match objective {
        MatchingObjective::Participation => (matched as i64, total),
        MatchingObjective::Score => (total, matched as i64),
    }
}

/// Best `(matched, total)` over every feasible assignment of mentees `i..`, found by
/// trying each mentor (or none) for each mentee; memoised on the remaining capacities.
fn exhaustive(
    i: usize,
    caps: &mut Vec<u32>,
    scores: &[Vec<Option<i64>>],
    objective: MatchingObjective,
    memo: &mut HashMap<(usize, Vec<u32>), (usize, i64)>,
) -> (usize, i64) {
    if i == scores.len() {
        return (0, 0);
    }
    if let Some(&hit) = memo.get(&(i, caps.clone())) {
        return hit;
    }
    let mut best = exhaustive(i + 1, caps, scores, objective, memo);
    for j in 0..caps.len() {
        if let (Some(s), true) = (scores[i][j], caps[j] > 0) {
            caps[j] -= 1;
            let (m, t) = exhaustive(i + 1, caps, scores, objective, memo);
            caps[j] += 1;
            if key(objective, m + 1, t + s) > key(objective, best.0, best.1) {
                best = (m + 1, t + s);
            }
        }
    }
    memo.insert((i, caps.clone()), best);
    best
}

/// Highest score first, taking a pair whenever both sides still can.
fn greedy(p: &AssignmentProblem) -> (usize, i64) {
    let mut edges = p.edges.clone();
    edges.sort_by_key(|e| (std::cmp::Reverse(e.score), e.mentee, e.mentor));
    let mut caps = p.capacities.clone();
    let mut taken = vec![false; p.mentees];
    let (mut matched, mut total) = (0, 0);
    for e in edges {
        if !taken[e.mentee as usize] && caps[e.mentor as usize] > 0 {
            taken[e.mentee as usize] = true;
            caps[e.mentor as usize] -= 1;
            matched += 1;
            total += e.score;
        }
    }
    (matched, total)
}

/// Recomputes `(matched, total)` of an assignment from the instance.
fn recount(p: &AssignmentProblem, a: &Assignment) -> (usize, i64) {
    let score = |i: usize, j: u32| p.edges.iter().find(|e| e.mentee as usize == i && e.mentor == j).map(|e| e.score);
    let picked: Vec<i64> = a.mentor_of.iter().enumerate().filter_map(|(i, m)| m.and_then(|j| score(i, j))).collect();
    (picked.len(), picked.iter().sum())
}

/// Checks the assignment uses eligible pairs within capacity and reports itself truly.
fn assert_feasible(p: &AssignmentProblem, a: &Assignment) {
    let mut load = vec![0u32; p.capacities.len()];
    let mut total = 0;
    for (i, m) in a.mentor_of.iter().enumerate() {
        if let Some(j) = m {
            let e = p.edges.iter().find(|e| e.mentee as usize == i && e.mentor == *j);
            total += e.expect("chosen pair must be eligible").score;
            load[*j as usize] += 1;
        }
    }
    assert!(load.iter().zip(&p.capacities).all(|(l, c)| l <= c));
    assert_eq!(a.matched, a.mentor_of.iter().flatten().count());
    assert_eq!(a.total, total);
}

fn instance() -> impl Strategy<Value = (AssignmentProblem, Vec<Vec<Option<i64>>>)> {
    (1..=8usize, 1..=8usize).prop_flat_map(|(n, m)| {
        let caps = prop::collection::vec(1..=3u32, m);
        let cells = prop::collection::vec(prop::option::weighted(0.6, -3..=20i64), n * m);
        (caps, cells).prop_map(move |(capacities, cells)| {
            let scores: Vec<Vec<Option<i64>>> = cells.chunks(m).map(<[_]>::to_vec).collect();
            let edges = (0..n)
                .flat_map(|i| (0..m).map(move |j| (i, j)))
                .filter_map(|(i, j)| scores[i][j].map(|score| Edge { mentee: i as u32, mentor: j as u32, score }))
                .collect();
            (AssignmentProblem { mentees: n, capacities, edges }, scores)
        })
    })
}

const OBJECTIVES: [MatchingObjective; 2] = [MatchingObjective::Participation, MatchingObjective::Score];

/// The instance as the kernels see it, prepared as [`solve`] prepares it.
fn prepared(p: &AssignmentProblem, objective: MatchingObjective) -> Prepared {
    let (edges, lo, hi) = checked_edges(p).expect("valid instance");
    Prepared::new(p, &edges, Transform::new(p, lo, hi, objective).expect("small scores"), (lo, hi))
}

/// `(matched, total)` of a kernel's answer, recounted from the instance.
fn outcome(p: &AssignmentProblem, mentor_of: Vec<Option<u32>>) -> (usize, i64) {
    recount(p, &Assignment { mentor_of, matched: 0, total: 0 })
}

/// Mentor prices for a warm start: any prices `<= 0` must give the optimum, so they are
/// drawn at random over the whole cost range (from 0 to twice the largest cost).
fn warm_prices(prep: &Prepared, shares: &[u8]) -> Vec<i64> {
    let most = prep.cost.iter().copied().max().unwrap_or(0).max(1);
    shares.iter().map(|&s| -(2 * most * i64::from(s) / 255)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn solver_matches_exhaustive_search((p, scores) in instance()) {
        for objective in OBJECTIVES {
            let a = solve(&p, objective).expect("valid instance");
            assert_feasible(&p, &a);
            let mut caps = p.capacities.clone();
            let best = exhaustive(0, &mut caps, &scores, objective, &mut HashMap::new());
            prop_assert_eq!((a.matched, a.total), best, "objective {:?}", objective);
        }
    }

    #[test]
    fn solver_is_never_below_greedy((p, _) in instance()) {
        let (gm, gt) = greedy(&p);
        for objective in OBJECTIVES {
            let a = solve(&p, objective).expect("valid instance");
            prop_assert!(key(objective, a.matched, a.total) >= key(objective, gm, gt));
        }
    }

    #[test]
    fn solver_is_deterministic_and_order_independent((p, _) in instance()) {
        for objective in OBJECTIVES {
            let a = solve(&p, objective).expect("valid instance");
            prop_assert_eq!(&a, &solve(&p, objective).expect("valid instance"));
            let mut reversed = p.clone();
            reversed.edges.reverse();
            prop_assert_eq!(&a, &solve(&reversed, objective).expect("valid instance"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Warm starts leave mentors with free slots at prices below 0, which the repair
    /// must undo; random prices exercise that on every kernel.
    #[test]
    fn warm_started_kernels_match_exhaustive_search(
        (p, scores) in instance(),
        shares in prop::collection::vec(any::<u8>(), 8),
    ) {
        for objective in OBJECTIVES {
            let prep = prepared(&p, objective);
            let prices = warm_prices(&prep, &shares[..p.capacities.len()]);
            let mut caps = p.capacities.clone();
            let best = exhaustive(0, &mut caps, &scores, objective, &mut HashMap::new());
            let (gm, gt) = greedy(&p);
            for kernel in [Kernel::Dense, Kernel::Sparse] {
                let got = outcome(&p, prep.run(kernel, Some(&prices)).mentor_of());
                prop_assert_eq!(got, best, "{:?} {:?} prices {:?}", objective, kernel, prices);
                prop_assert!(key(objective, got.0, got.1) >= key(objective, gm, gt));
            }
        }
    }

    /// A subset's solution that the full instance certifies is the full optimum, from
    /// cold or warm prices: the rule the sparse-subset shortcut relies on.
    #[test]
    fn certified_subsets_are_optimal(
        (p, scores) in instance(),
        keep_bits in prop::collection::vec(any::<bool>(), 64),
        shares in prop::collection::vec(any::<u8>(), 8),
    ) {
        for objective in OBJECTIVES {
            let prep = prepared(&p, objective);
            let keep = &keep_bits[..prep.cost.len()];
            let prices = warm_prices(&prep, &shares[..p.capacities.len()]);
            let mut caps = p.capacities.clone();
            let best = exhaustive(0, &mut caps, &scores, objective, &mut HashMap::new());
            for start in [None, Some(prices.as_slice())] {
                let solution = prep.subset(keep).run(Kernel::Sparse, start);
                if prep.certifies(&solution) {
                    prop_assert_eq!(outcome(&p, solution.mentor_of()), best, "{:?}", objective);
                }
            }
        }
    }
}

/// Dense instances where every mentee's cheapest edges point at the same few mentors:
/// with spare slots (cold prices, a subset that cannot certify) and with as many slots
/// as mentees (column prices pick the subset and warm-start it). Whatever path the
/// solver takes, it must agree with both kernels run cold on every edge.
#[test]
fn shared_favourites_agree_with_cold_full_solves() {
    let (n, m) = (120u32, 100u32);
    let mut seed = 99u64;
    let mut next = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        seed >> 33
    };
    let mut edges = Vec::new();
    for i in 0..n {
        for j in 0..m {
            let favourite = j < 30;
            let score = if favourite { 900 + (next() % 100) as i64 } else { (next() % 500) as i64 };
            edges.push(Edge { mentee: i, mentor: j, score });
        }
    }
    let spare: Vec<u32> = (0..m).map(|j| 1 + j % 2).collect();
    let exact: Vec<u32> = (0..m).map(|j| 1 + u32::from(j < 20)).collect();
    for capacities in [spare, exact] {
        let p = AssignmentProblem { mentees: n as usize, capacities, edges: edges.clone() };
        for objective in OBJECTIVES {
            let a = solve(&p, objective).expect("valid instance");
            assert_feasible(&p, &a);
            let full = prepared(&p, objective);
            for kernel in [Kernel::Dense, Kernel::Sparse] {
                let (matched, total) = outcome(&p, full.run(kernel, None).mentor_of());
                assert_eq!((a.matched, a.total), (matched, total), "{objective:?} {kernel:?}");
            }
            assert_eq!(a.matched, 120);
        }
    }
}
