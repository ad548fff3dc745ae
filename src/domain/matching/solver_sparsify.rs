//! Speed-up for dense instances: solve on each mentee's cheapest edges only, then prove
//! the result optimal for all edges with the dual certificate (no negative reduced
//! cost anywhere). When the certificate fails the caller solves the full instance, so
//! the answer is always exact.

use super::solver_kernel::{Kernel, Prepared, Solution};

/// Edges kept per mentee; optimal pairs of random-ish instances almost always sit
/// among each mentee's best few dozen options.
const KEEP_PER_ROW: usize = 24;

/// An optimal solution via a certified sparse subset, or `None` when the instance is
/// too sparse to gain, too tied for a subset to mean anything, or the subset fails
/// the certificate.
///
/// `prices` (see [`Prepared::column_prices`]) rank each mentee's edges by cost over the
/// mentor's price, so that mentors everyone wants do not fill every mentee's subset,
/// and warm-start the subset's solve.
pub(super) fn solve_sparsified(full: &Prepared, prices: Option<&[i64]>) -> Option<Solution> {
    if full.cost.len() < full.n.saturating_mul(KEEP_PER_ROW * 3) {
        return None;
    }
    let keep = cheapest_per_row(full, KEEP_PER_ROW, prices)?;
    let solution = full.subset(&keep).run(Kernel::Sparse, prices);
    full.certifies(&solution).then_some(solution)
}

/// Marks the `k` cheapest edges of every row by cost over the mentor's price, or
/// `None` when ties make that choice arbitrary: when, in more than a quarter of the
/// rows (judged from the 16th row on), more than `k` edges share the row's `k`-th cost
/// (scores from a small skills catalogue, a few score values), the kept edges are a
/// coin toss among equals and the duals of the subset almost never certify the rest.
/// Ties that fit go by a fixed hash of the pair rather than the mentor index, so that
/// tied mentees do not all keep the same mentors.
fn cheapest_per_row(full: &Prepared, k: usize, prices: Option<&[i64]>) -> Option<Vec<bool>> {
    let price = |j: u32| prices.map_or(0, |p| p[j as usize]);
    let mut keep = vec![false; full.cost.len()];
    let mut order: Vec<usize> = Vec::new();
    let mut tied_rows = 0usize;
    for r in 0..full.n {
        let (a, b) = (full.row_start[r], full.row_start[r + 1]);
        if b - a <= k {
            keep[a..b].fill(true);
            continue;
        }
        // Positions within the row, so that `cols` and `costs` index alike.
        let (cols, costs) = full.row(r as u32);
        let reduced = |e: usize| costs[e] - price(cols[e]);
        let spread = |j: u32| (j ^ (r as u32).wrapping_mul(0x9E37_79B9)).wrapping_mul(0x85EB_CA6B);
        order.clear();
        order.extend(0..b - a);
        order.select_nth_unstable_by_key(k - 1, |&e| (reduced(e), spread(cols[e])));
        let boundary = reduced(order[k - 1]);
        if order.iter().filter(|&&e| reduced(e) == boundary).count() > k {
            tied_rows += 1;
            // Decide on the first rows, before paying for the whole selection.
            if tied_rows * 4 > r.max(16) {
                return None;
            }
        }
        for &e in &order[..k] {
            keep[a + e] = true;
        }
    }
    Some(keep)
}
