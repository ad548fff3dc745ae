//! Speed-up for dense instances: solve on each mentee's cheapest edges only, then prove
//! the result optimal for all edges with the dual certificate (no negative reduced
//! cost anywhere). Violating edges are added and the subset re-solved; after a few
//! rounds the caller falls back to the full instance, so the answer is always exact.

use super::solver_kernel::{Kernel, Prepared};

/// Edges kept per mentee in the first round; optimal pairs of random-ish instances
/// almost always sit among each mentee's best few dozen options.
const KEEP_PER_ROW: usize = 24;
/// Rounds of "add violating edges and re-solve" before giving up on the subset.
const MAX_ROUNDS: usize = 4;

/// Optimal mentor per mentee via a certified sparse subset, or `None` when the instance
/// is too sparse to gain or the subset keeps failing the certificate.
pub(super) fn solve_sparsified(full: &Prepared) -> Option<Vec<Option<u32>>> {
    if full.col.len() < full.n.saturating_mul(KEEP_PER_ROW * 3) {
        return None;
    }
    let mut keep = cheapest_per_row(full, KEEP_PER_ROW);
    for _ in 0..MAX_ROUNDS {
        let solution = full.subset(&keep).run(Kernel::Sparse);
        let bad = full.violations(&solution);
        if bad.is_empty() {
            return Some(solution.mentor_of());
        }
        for e in bad {
            keep[e] = true;
        }
    }
    None
}

/// Marks the `k` cheapest edges of every row (ties by mentor index, so deterministic).
fn cheapest_per_row(full: &Prepared, k: usize) -> Vec<bool> {
    let mut keep = vec![false; full.col.len()];
    let mut order: Vec<usize> = Vec::new();
    for r in 0..full.n {
        let (a, b) = (full.row_start[r], full.row_start[r + 1]);
        if b - a <= k {
            keep[a..b].fill(true);
            continue;
        }
        order.clear();
        order.extend(a..b);
        order.select_nth_unstable_by_key(k - 1, |&e| (full.cost[e], full.col[e]));
        for &e in &order[..k] {
            keep[e] = true;
        }
    }
    keep
}
