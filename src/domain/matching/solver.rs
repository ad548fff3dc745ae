//! Exact assignment of mentees to mentor capacities on a sparse integer score list.
//!
//! Both objectives become one maximum-weight b-matching: every eligible pair gets a
//! positive weight "over leaving its mentee unmatched" chosen so that the weight-optimal
//! matching is the lexicographic optimum (see `Transform`). That matching is found by
//! successive shortest augmenting paths (Hungarian / Jonker-Volgenant style, Dijkstra on
//! reduced costs with row and mentor potentials), one mentee at a time, which is exact.
//! As in Jonker and Volgenant's LAPJV, mentor prices start from a column reduction
//! (when a few mentors are wanted by everyone, that is most of the answer) and the dense
//! Dijkstra takes a whole distance level at once (so ties cost one pass, not one per
//! mentor); dense instances first try a certified subset of each mentee's best pairs.
//!
//! Capacities are native: a mentor is one node with `capacity` slots, never duplicated
//! columns, so memory stays O(edges) however large capacities are. Leaving a mentee
//! unmatched is an implicit private column per mentee, never materialised.

use std::borrow::Cow;
use std::fmt;

use super::rules::MatchingObjective;
use super::solver_kernel::{Kernel, Prepared};
use super::solver_sparsify::solve_sparsified;

/// One eligible (mentee, mentor) pair and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// Mentee index, `0..mentees`.
    pub mentee: u32,
    /// Mentor index, `0..capacities.len()`.
    pub mentor: u32,
    /// Score of the pair (higher is better).
    pub score: i64,
}

/// A pure assignment instance: mentees, mentor capacities and eligible pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignmentProblem {
    /// Number of mentees.
    pub mentees: usize,
    /// Free slots per mentor.
    pub capacities: Vec<u32>,
    /// Eligible pairs; a pair must not appear twice.
    pub edges: Vec<Edge>,
}

/// An optimal assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Mentor chosen for each mentee, `None` when the mentee stays unmatched.
    pub mentor_of: Vec<Option<u32>>,
    /// Number of matched mentees.
    pub matched: usize,
    /// Sum of the scores of the chosen pairs.
    pub total: i64,
}

/// Why an instance could not be solved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SolveError {
    /// An edge names a mentee outside `0..mentees`.
    MenteeOutOfRange(u32),
    /// An edge names a mentor outside `0..capacities.len()`.
    MentorOutOfRange(u32),
    /// The same (mentee, mentor) pair appears twice.
    DuplicatePair(u32, u32),
    /// Scores too large for exact 64-bit arithmetic after the objective transform.
    Overflow,
}

impl fmt::Display for SolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MenteeOutOfRange(i) => write!(f, "edge mentee index {i} is out of range"),
            Self::MentorOutOfRange(j) => write!(f, "edge mentor index {j} is out of range"),
            Self::DuplicatePair(i, j) => write!(f, "pair ({i}, {j}) appears twice"),
            Self::Overflow => write!(f, "scores too large for exact arithmetic"),
        }
    }
}

impl std::error::Error for SolveError {}

/// Solves the instance to the optimum of `objective`; deterministic for the same input.
pub fn solve(problem: &AssignmentProblem, objective: MatchingObjective) -> Result<Assignment, SolveError> {
    let (edges, lo, hi) = checked_edges(problem)?;
    let transform = Transform::new(problem, lo, hi, objective)?;
    let prepared = Prepared::new(problem, &edges, transform, (lo, hi));
    let kernel = if prepared.prefers_dense() { Kernel::Dense } else { Kernel::Sparse };
    let prices = prepared.column_prices();
    // A certified subset when one exists, else the full instance; both start from the
    // column prices, which is what makes programs where everyone wants the same few
    // mentors fast.
    let solution =
        solve_sparsified(&prepared, prices.as_deref()).unwrap_or_else(|| prepared.run(kernel, prices.as_deref()));
    Ok(summarise(&edges, solution.mentor_of()))
}

/// Validates the edges and returns them sorted by (mentee, mentor) with the lowest and
/// highest score; borrows them when they already arrive sorted (the common case).
pub(super) fn checked_edges(problem: &AssignmentProblem) -> Result<(Cow<'_, [Edge]>, i64, i64), SolveError> {
    let m = problem.capacities.len();
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    let mut increasing = true;
    let mut prev: Option<(u32, u32)> = None;
    for e in &problem.edges {
        if e.mentee as usize >= problem.mentees {
            return Err(SolveError::MenteeOutOfRange(e.mentee));
        }
        if e.mentor as usize >= m {
            return Err(SolveError::MentorOutOfRange(e.mentor));
        }
        lo = lo.min(e.score);
        hi = hi.max(e.score);
        let key = (e.mentee, e.mentor);
        increasing &= prev.is_none_or(|p| p < key);
        prev = Some(key);
    }
    if problem.edges.is_empty() {
        (lo, hi) = (0, 0);
    }
    if increasing {
        return Ok((Cow::Borrowed(&problem.edges), lo, hi));
    }
    let mut edges = problem.edges.clone();
    edges.sort_unstable_by_key(|e| (e.mentee, e.mentor));
    if let Some(w) = edges.windows(2).find(|w| (w[0].mentee, w[0].mentor) == (w[1].mentee, w[1].mentor)) {
        return Err(SolveError::DuplicatePair(w[0].mentee, w[0].mentor));
    }
    Ok((Cow::Owned(edges), lo, hi))
}

/// Weight of a pair over leaving its mentee unmatched, `mul * score + add`; a weight
/// `<= 0` means the pair is never worth taking.
///
/// With `L` = most pairs any matching can have: participation uses
/// `(s - lo) + (hi - lo) * L + 1`, so one more pair outweighs any score change;
/// score uses `s * (L + 1) + 1`, so a higher total always wins and the `+1` per pair
/// only breaks ties towards more pairs. This mirrors `weights()` in the SciPy peer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Transform {
    mul: i64,
    add: i64,
}

impl Transform {
    /// Chooses the map for `objective` given the score range `lo..=hi`.
    pub(super) fn new(
        problem: &AssignmentProblem,
        lo: i64,
        hi: i64,
        objective: MatchingObjective,
    ) -> Result<Self, SolveError> {
        let slots: u64 = problem.capacities.iter().map(|&c| u64::from(c)).sum();
        let most_pairs = slots.min(problem.mentees as u64);
        let most_pairs = i64::try_from(most_pairs).map_err(|_| SolveError::Overflow)?;
        let t = match objective {
            MatchingObjective::Participation => hi
                .checked_sub(lo)
                .and_then(|range| range.checked_mul(most_pairs))
                .and_then(|x| x.checked_add(1))
                .and_then(|x| x.checked_sub(lo))
                .map(|add| Self { mul: 1, add }),
            MatchingObjective::Score => most_pairs.checked_add(1).map(|mul| Self { mul, add: 1 }),
        };
        let t = t.ok_or(SolveError::Overflow)?;
        // Weights are monotone in the score, so the extremes bound every edge; path
        // lengths add up a few weights, so keep well inside i64.
        let fits =
            |s: i64| s.checked_mul(t.mul).and_then(|x| x.checked_add(t.add)).is_some_and(|w| w.abs() <= i64::MAX >> 8);
        if fits(lo) && fits(hi) { Ok(t) } else { Err(SolveError::Overflow) }
    }

    /// The weight of a score (exact after [`Transform::new`] checked the extremes).
    pub(super) fn weight(self, score: i64) -> i64 {
        self.mul * score + self.add
    }
}

/// Turns the chosen mentor per mentee into counts and the total score.
fn summarise(edges: &[Edge], mentor_of: Vec<Option<u32>>) -> Assignment {
    let mut total = 0i64;
    let mut matched = 0usize;
    for (i, m) in mentor_of.iter().enumerate() {
        if let Some(j) = m {
            let key = (i as u32, *j);
            if let Ok(k) = edges.binary_search_by_key(&key, |e| (e.mentee, e.mentor)) {
                total += edges[k].score;
                matched += 1;
            }
        }
    }
    Assignment { mentor_of, matched, total }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(mentee: u32, mentor: u32, score: i64) -> Edge {
        Edge { mentee, mentor, score }
    }

    #[test]
    fn participation_prefers_more_pairs_over_score() {
        // Mentee 0 alone on mentor 0 would give 100, but then mentee 1 stays unmatched.
        let p = AssignmentProblem {
            mentees: 2,
            capacities: vec![1, 1],
            edges: vec![edge(0, 0, 100), edge(0, 1, 1), edge(1, 0, 1)],
        };
        let a = solve(&p, MatchingObjective::Participation).unwrap();
        assert_eq!((a.matched, a.total), (2, 2));
        assert_eq!(a.mentor_of, vec![Some(1), Some(0)]);
        let s = solve(&p, MatchingObjective::Score).unwrap();
        assert_eq!((s.matched, s.total), (1, 100));
    }

    #[test]
    fn score_ties_go_to_more_pairs_and_zero_scores_count() {
        let p = AssignmentProblem {
            mentees: 2,
            capacities: vec![1, 1],
            edges: vec![edge(0, 0, 5), edge(0, 1, 0), edge(1, 0, 5)],
        };
        // (0->0) alone totals 5 with one pair; (0->1, 1->0) also totals 5 with two.
        let s = solve(&p, MatchingObjective::Score).unwrap();
        assert_eq!((s.matched, s.total), (2, 5));
        assert_eq!(s.mentor_of, vec![Some(1), Some(0)]);
    }

    #[test]
    fn capacity_is_respected_without_duplicating_mentors() {
        let p = AssignmentProblem {
            mentees: 4,
            capacities: vec![3, 0],
            edges: (0..4).flat_map(|i| [edge(i, 0, 10 + i64::from(i)), edge(i, 1, 99)]).collect(),
        };
        let a = solve(&p, MatchingObjective::Participation).unwrap();
        assert_eq!((a.matched, a.total), (3, 11 + 12 + 13));
        assert_eq!(a.mentor_of[0], None);
    }

    #[test]
    fn negative_scores_are_never_taken_for_score_but_count_for_participation() {
        let p = AssignmentProblem { mentees: 1, capacities: vec![1], edges: vec![edge(0, 0, -5)] };
        assert_eq!(solve(&p, MatchingObjective::Score).unwrap().matched, 0);
        let a = solve(&p, MatchingObjective::Participation).unwrap();
        assert_eq!((a.matched, a.total), (1, -5));
    }

    #[test]
    fn invalid_edges_are_reported() {
        let mut p = AssignmentProblem { mentees: 1, capacities: vec![1], edges: vec![edge(0, 0, 1), edge(0, 0, 2)] };
        assert_eq!(solve(&p, MatchingObjective::Score), Err(SolveError::DuplicatePair(0, 0)));
        p.edges = vec![edge(1, 0, 1)];
        assert_eq!(solve(&p, MatchingObjective::Score), Err(SolveError::MenteeOutOfRange(1)));
        p.edges = vec![edge(0, 3, 1)];
        assert_eq!(solve(&p, MatchingObjective::Score), Err(SolveError::MentorOutOfRange(3)));
        p.edges = vec![edge(0, 0, i64::MAX / 2)];
        assert_eq!(solve(&p, MatchingObjective::Score), Err(SolveError::Overflow));
    }

    #[test]
    fn dense_and_sparse_kernels_agree() {
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed >> 33
        };
        let (n, m) = (60u32, 45u32);
        let mut edges = Vec::new();
        for i in 0..n {
            for j in 0..m {
                if next() % 3 != 0 {
                    edges.push(edge(i, j, (next() % 1001) as i64));
                }
            }
        }
        let caps: Vec<u32> = (0..m).map(|_| 1 + (next() % 2) as u32).collect();
        let p = AssignmentProblem { mentees: n as usize, capacities: caps, edges };
        for obj in [MatchingObjective::Participation, MatchingObjective::Score] {
            let (sorted, lo, hi) = checked_edges(&p).unwrap();
            let prep = Prepared::new(&p, &sorted, Transform::new(&p, lo, hi, obj).unwrap(), (lo, hi));
            let dense = summarise(&sorted, prep.run(Kernel::Dense, None).mentor_of());
            let sparse = summarise(&sorted, prep.run(Kernel::Sparse, None).mentor_of());
            assert_eq!((dense.matched, dense.total), (sparse.matched, sparse.total));
        }
    }
}
