//! Shortest-augmenting-path kernels behind [`super::solver::solve`]: a dense one
//! (linear scans, like SciPy's `linear_sum_assignment`) and a sparse one (binary heap).
//!
//! Costs are `max_weight - weight >= 0`; each mentee also has a private "unmatched"
//! column of cost `max_weight` whose potential is always 0, so it is handled implicitly.
//! Invariants (the usual LSAP duals): `cost - u[row] - v[mentor] >= 0` on every edge,
//! `= 0` on matched edges, and `v = 0` on every mentor with a free slot (a warm start
//! may break the last one until [`Prepared::run`] repairs it).

use std::borrow::Cow;
use std::cmp::Reverse;

use super::solver::{AssignmentProblem, Edge, Transform};
use super::solver_state::{Scratch, State};

/// Which Dijkstra implementation to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kernel {
    /// Linear scans over a dense cost matrix; best when most pairs are eligible.
    Dense,
    /// Binary-heap Dijkstra over the edge list; best for sparse instances.
    Sparse,
}

/// Row has not been processed yet.
pub(super) const FREE: u32 = u32::MAX;
/// Row is assigned to its private "unmatched" column.
pub(super) const UNMATCHED: u32 = u32::MAX - 1;
pub(super) const INF: i64 = i64::MAX / 4;

/// Where an augmenting path ends.
#[derive(Debug, Clone, Copy)]
pub(super) enum Sink {
    /// A mentor with a free slot.
    Mentor(u32),
    /// The private "unmatched" column of this row.
    Unmatched(u32),
}

/// The instance in compressed-row form with non-negative integer costs.
pub(super) struct Prepared {
    pub(super) n: usize,
    pub(super) row_start: Vec<usize>,
    /// Mentor of each pair; when `complete`, only `0..m` once, shared by every row.
    col: Vec<u32>,
    /// Every mentee has every mentor as a pair, in order: rows need no mentor list, and
    /// building them is one pass writing costs only (a dense program of 25 million pairs
    /// would otherwise write and page in 100 MB more).
    complete: bool,
    pub(super) cost: Vec<i64>,
    unmatched_cost: i64,
    /// Capacity capped by degree: a mentor can never use more slots than it has edges.
    cap: Vec<u32>,
    /// Each mentor's cheapest cost (`INF` without edges), for [`Prepared::column_prices`].
    cheapest: Vec<i64>,
}

/// An optimal matching of a [`Prepared`] instance with its dual certificate.
pub(super) struct Solution {
    row_mentor: Vec<u32>,
    u: Vec<i64>,
    v: Vec<i64>,
}

impl Solution {
    /// The mentor (if any) of every mentee.
    pub(super) fn mentor_of(&self) -> Vec<Option<u32>> {
        let m = self.v.len() as u32;
        self.row_mentor.iter().map(|&j| (j < m).then_some(j)).collect()
    }
}

impl Prepared {
    /// Builds the cost rows in one pass; edges must be sorted by (mentee, mentor) and
    /// `scores` be their lowest and highest score (weights grow with the score).
    pub(super) fn new(problem: &AssignmentProblem, edges: &[Edge], transform: Transform, scores: (i64, i64)) -> Self {
        let n = problem.mentees;
        let m = problem.capacities.len();
        let max_w = transform.weight(scores.1).max(1);
        let every_pair_kept = transform.weight(scores.0) > 0 && problem.capacities.iter().all(|&c| c > 0);
        if every_pair_kept && edges.len() == n.saturating_mul(m) && m > 0 {
            let cost: Vec<i64> = edges.iter().map(|e| max_w - transform.weight(e.score)).collect();
            let mut cheapest = vec![INF; m];
            for row in cost.chunks_exact(m) {
                for (low, &c) in cheapest.iter_mut().zip(row) {
                    *low = (*low).min(c);
                }
            }
            let cap = problem.capacities.iter().map(|&c| c.min(n as u32)).collect();
            let (row_start, col) = ((0..=n).map(|r| r * m).collect(), (0..m as u32).collect());
            return Self { n, row_start, col, complete: true, cost, unmatched_cost: max_w, cap, cheapest };
        }
        let mut row_start = vec![0usize; n + 1];
        let mut col = Vec::with_capacity(edges.len());
        let mut cost = Vec::with_capacity(edges.len());
        let mut degree = vec![0u32; problem.capacities.len()];
        let mut cheapest = vec![INF; problem.capacities.len()];
        for e in edges {
            let w = transform.weight(e.score);
            // Non-positive weight: never better than leaving the mentee unmatched.
            if w > 0 && problem.capacities[e.mentor as usize] > 0 {
                let j = e.mentor as usize;
                row_start[e.mentee as usize + 1] += 1;
                col.push(e.mentor);
                cost.push(max_w - w);
                degree[j] += 1;
                cheapest[j] = cheapest[j].min(max_w - w);
            }
        }
        for i in 0..n {
            row_start[i + 1] += row_start[i];
        }
        let cap = problem.capacities.iter().zip(&degree).map(|(&c, &d)| c.min(d)).collect();
        Self { n, row_start, col, complete: false, cost, unmatched_cost: max_w, cap, cheapest }
    }

    /// Warm-start prices: each mentor's cheapest cost (Jonker-Volgenant column reduction),
    /// shifted so that the highest is 0. When every mentee wants the same few mentors
    /// these prices are most of the answer, which a cold start learns one augmenting
    /// path at a time. `None` when there are more slots than mentees: some mentors then
    /// end with free slots, and [`Prepared::run`] would have to undo their prices.
    pub(super) fn column_prices(&self) -> Option<Vec<i64>> {
        let slots: u64 = self.cap.iter().map(|&c| u64::from(c)).sum();
        if slots > self.n as u64 {
            return None;
        }
        let top = self.cheapest.iter().copied().filter(|&c| c < INF).max()?;
        Some(self.cheapest.iter().map(|&c| if c < INF { c - top } else { 0 }).collect())
    }

    /// True when a dense matrix is small and full enough to beat the heap: at least
    /// half the pairs eligible, and at most 2^25 cells (256 MiB, and none at all when
    /// every pair is eligible), which covers 5,000 x 5,000.
    pub(super) fn prefers_dense(&self) -> bool {
        let active = self.cap.iter().filter(|&&c| c > 0).count();
        let cells = self.n.saturating_mul(active);
        cells > 0 && cells <= 1 << 25 && self.cost.len().saturating_mul(2) >= cells
    }

    /// The same instance restricted to the edges marked in `keep` (same costs and
    /// capacities, so its duals can be checked against the full instance).
    pub(super) fn subset(&self, keep: &[bool]) -> Self {
        let mut row_start = Vec::with_capacity(self.n + 1);
        let (mut col, mut cost) = (Vec::new(), Vec::new());
        row_start.push(0);
        for r in 0..self.n {
            let (cols, costs) = self.row(r as u32);
            let kept = &keep[self.row_start[r]..self.row_start[r + 1]];
            for ((&k, &j), &c) in kept.iter().zip(cols).zip(costs) {
                if k {
                    col.push(j);
                    cost.push(c);
                }
            }
            row_start.push(col.len());
        }
        let (n, unmatched_cost, cap, cheapest) = (self.n, self.unmatched_cost, self.cap.clone(), self.cheapest.clone());
        Self { n, row_start, col, complete: false, cost, unmatched_cost, cap, cheapest }
    }

    /// True when no edge has a negative reduced cost under `sol`'s duals: `sol`, optimal
    /// for a subset with the same rows and mentors, is then optimal for this instance too.
    pub(super) fn certifies(&self, sol: &Solution) -> bool {
        (0..self.n).all(|r| {
            let (cols, costs) = self.row(r as u32);
            cols.iter().zip(costs).all(|(&j, &c)| c - sol.u[r] - sol.v[j as usize] >= 0)
        })
    }

    /// Runs the chosen kernel from mentor prices `prices` (all `<= 0`; `None` = all 0)
    /// and returns the optimal matching with its duals.
    ///
    /// Successive shortest paths keep the duals feasible and matched pairs tight; they
    /// are optimal when, in addition, every mentor with a free slot has price 0. From
    /// cold prices every step keeps that. Warm prices (JV style) do not: a mentor priced
    /// below 0 may end with a free slot. [`Prepared::repair`] then resets those prices,
    /// frees the rows this loosens, and a second pass matches them from a state that
    /// holds the invariant, so the answer is exact either way.
    pub(super) fn run(&self, kernel: Kernel, prices: Option<&[i64]>) -> Solution {
        let mut st = self.initial_state(prices);
        let mut sc = Scratch::new(self.cap.len());
        let matrix = (kernel == Kernel::Dense).then(|| self.dense_matrix());
        let mut augment_free_rows = |st: &mut State| {
            for r in 0..self.n as u32 {
                if st.row_mentor[r as usize] != FREE {
                    continue;
                }
                let (sink, min_val) = match &matrix {
                    Some(mat) => self.dijkstra_dense(st, mat, r, &mut sc),
                    None => self.dijkstra_sparse(st, r, &mut sc),
                };
                st.update_duals(&sc, min_val);
                st.augment(r, sink, &sc.pred);
                sc.reset();
            }
        };
        augment_free_rows(&mut st);
        if self.repair(&mut st) {
            augment_free_rows(&mut st);
        }
        debug_assert!((0..self.cap.len()).all(|j| st.load[j] == self.cap[j] || st.v[j] == 0));
        Solution { row_mentor: st.row_mentor, u: st.u, v: st.v }
    }

    /// Puts every mentor left with a free slot and a negative price back to price 0.
    /// Rows on that mentor lower their potential with it (their pair stays tight);
    /// any other row that would then see a negative reduced cost lowers its potential
    /// to fit and is freed, which can free a slot of another mentor in turn. Returns
    /// whether any row was freed.
    fn repair(&self, st: &mut State) -> bool {
        let m = self.cap.len();
        let mut queue: Vec<u32> =
            (0..m as u32).filter(|&j| st.load[j as usize] < self.cap[j as usize] && st.v[j as usize] < 0).collect();
        if queue.is_empty() {
            return false;
        }
        let (mentor_start, pairs) = self.pairs_by_mentor();
        let mut freed = false;
        while let Some(j) = queue.pop() {
            let raise = -st.v[j as usize];
            if raise <= 0 {
                continue;
            }
            st.v[j as usize] = 0;
            for k in st.rows_of(j) {
                st.u[st.slot_row[k] as usize] -= raise;
            }
            for &(r, c) in &pairs[mentor_start[j as usize]..mentor_start[j as usize + 1]] {
                if st.row_mentor[r as usize] != j && c < st.u[r as usize] {
                    st.u[r as usize] = c;
                    freed = true;
                    if let Some(left) = st.release(r)
                        && st.v[left as usize] < 0
                    {
                        queue.push(left);
                    }
                }
            }
        }
        freed
    }

    /// The pairs grouped by mentor: offsets per mentor and (row, cost).
    fn pairs_by_mentor(&self) -> (Vec<usize>, Vec<(u32, i64)>) {
        let m = self.cap.len();
        let mut start = vec![0usize; m + 1];
        for r in 0..self.n as u32 {
            for &j in self.row(r).0 {
                start[j as usize + 1] += 1;
            }
        }
        for j in 0..m {
            start[j + 1] += start[j];
        }
        let mut next = start.clone();
        let mut pairs = vec![(0u32, 0i64); self.cost.len()];
        for r in 0..self.n as u32 {
            let (cols, costs) = self.row(r);
            for (&j, &c) in cols.iter().zip(costs) {
                pairs[next[j as usize]] = (r, c);
                next[j as usize] += 1;
            }
        }
        (start, pairs)
    }

    /// The mentors and costs of row `r`.
    pub(super) fn row(&self, r: u32) -> (&[u32], &[i64]) {
        let (a, b) = (self.row_start[r as usize], self.row_start[r as usize + 1]);
        let cols = if self.complete { &self.col[..] } else { &self.col[a..b] };
        (cols, &self.cost[a..b])
    }

    /// The cost matrix, row by row; when every pair is eligible the compressed rows
    /// already are that matrix.
    fn dense_matrix(&self) -> Cow<'_, [i64]> {
        let m = self.cap.len();
        if self.cost.len() == self.n * m {
            return Cow::Borrowed(&self.cost);
        }
        let mut mat = vec![INF; self.n * m];
        for r in 0..self.n {
            let (cols, costs) = self.row(r as u32);
            for (&j, &c) in cols.iter().zip(costs) {
                mat[r * m + j as usize] = c;
            }
        }
        Cow::Owned(mat)
    }

    /// Row reduction against the prices plus greedy assignment on tight edges: cheap,
    /// and most rows never need a Dijkstra afterwards.
    fn initial_state(&self, prices: Option<&[i64]>) -> State {
        let m = self.cap.len();
        let mut slot_start = vec![0usize; m + 1];
        for j in 0..m {
            slot_start[j + 1] = slot_start[j] + self.cap[j] as usize;
        }
        let mut st = State {
            u: vec![0; self.n],
            v: prices.map_or_else(|| vec![0; m], <[i64]>::to_vec),
            row_mentor: vec![FREE; self.n],
            row_slot: vec![0; self.n],
            slot_row: vec![FREE; slot_start[m]],
            slot_start,
            load: vec![0; m],
        };
        for r in 0..self.n as u32 {
            let (cols, costs) = self.row(r);
            let reduced = |(&j, &c): (&u32, &i64)| c - st.v[j as usize];
            let best = cols.iter().zip(costs).map(reduced).min().unwrap_or(INF);
            if best > self.unmatched_cost {
                st.u[r as usize] = self.unmatched_cost;
                st.row_mentor[r as usize] = UNMATCHED;
                continue;
            }
            st.u[r as usize] = best;
            let tight = cols
                .iter()
                .zip(costs)
                .find(|&(&j, &c)| c - st.v[j as usize] == best && st.load[j as usize] < self.cap[j as usize]);
            if let Some((&j, _)) = tight {
                let slot = st.slot_start[j as usize] + st.load[j as usize] as usize;
                st.load[j as usize] += 1;
                st.take(r, j, slot as u32);
            }
        }
        st
    }

    fn offer_unmatched(&self, st: &State, r: u32, d: i64, sc: &mut Scratch) {
        let du = d + self.unmatched_cost - st.u[r as usize];
        if du < sc.best_unmatched.0 {
            sc.best_unmatched = (du, r);
        }
        sc.scanned.push((r, d));
    }

    /// Scans row `r`, reached at distance `d`, over the columns not reached yet
    /// (`sc.remaining[sc.up..]`). Columns it brings down to the current `sc.level` join
    /// the level's scan list at once (LAPJV's way: one pass per distance level rather
    /// than one per column, which is what makes ties cheap); a free one ends the search.
    fn scan_dense(&self, st: &State, mat: &[i64], r: u32, d: i64, sc: &mut Scratch) -> Option<u32> {
        self.offer_unmatched(st, r, d, sc);
        let m = self.cap.len();
        let row = &mat[r as usize * m..(r as usize + 1) * m];
        let base = d - st.u[r as usize];
        for k in sc.up..sc.remaining.len() {
            let j = sc.remaining[k] as usize;
            let c = row[j];
            if c == INF {
                continue;
            }
            let nd = base + c - st.v[j];
            if nd < sc.dist[j] {
                sc.dist[j] = nd;
                sc.pred[j] = r;
                if nd == sc.level {
                    if st.load[j] < self.cap[j] {
                        return Some(j as u32);
                    }
                    sc.remaining.swap(k, sc.up);
                    sc.up += 1;
                }
            }
        }
        None
    }

    /// Dijkstra over the dense matrix. `sc.remaining` holds the active mentors in three
    /// parts: `[..low]` scanned, `[low..sc.up]` at distance `sc.level` waiting to be
    /// scanned, `[sc.up..]` farther or not reached.
    fn dijkstra_dense(&self, st: &State, mat: &[i64], start: u32, sc: &mut Scratch) -> (Sink, i64) {
        sc.dist.fill(INF);
        sc.remaining.clear();
        sc.remaining.extend((0..self.cap.len() as u32).filter(|&j| self.cap[j as usize] > 0));
        let mut low = 0usize;
        (sc.up, sc.level) = (0, -1);
        self.scan_dense(st, mat, start, 0, sc);
        loop {
            if low == sc.up {
                // The next level: gather every column at the smallest distance.
                let (up, mut level, mut end) = (sc.up, INF, sc.up);
                for k in up..sc.remaining.len() {
                    let dj = sc.dist[sc.remaining[k] as usize];
                    if dj <= level && dj < INF {
                        if dj < level {
                            (level, end) = (dj, up);
                        }
                        sc.remaining.swap(k, end);
                        end += 1;
                    }
                }
                let free = sc.remaining[up..end].iter().copied().find(|&j| st.load[j as usize] < self.cap[j as usize]);
                let (du, ur) = sc.best_unmatched;
                if end == up || du < level || (du == level && free.is_none()) {
                    return (Sink::Unmatched(ur), du);
                }
                if let Some(j) = free {
                    return (Sink::Mentor(j), level);
                }
                (sc.up, sc.level) = (end, level);
            }
            let j = sc.remaining[low];
            low += 1;
            sc.popped_list.push(j);
            for k in st.rows_of(j) {
                if let Some(free) = self.scan_dense(st, mat, st.slot_row[k], sc.level, sc) {
                    return (Sink::Mentor(free), sc.level);
                }
            }
        }
    }

    fn scan_sparse(&self, st: &State, r: u32, d: i64, sc: &mut Scratch) {
        self.offer_unmatched(st, r, d, sc);
        let (cols, costs) = self.row(r);
        let base = d - st.u[r as usize];
        for (&j, &c) in cols.iter().zip(costs) {
            let ju = j as usize;
            if sc.popped[ju] {
                continue;
            }
            let nd = base + c - st.v[ju];
            if nd < sc.dist[ju] {
                if sc.dist[ju] == INF {
                    sc.touched.push(j);
                }
                sc.dist[ju] = nd;
                sc.pred[ju] = r;
                sc.heap.push(Reverse((nd, st.load[ju] >= self.cap[ju], j)));
            }
        }
    }

    fn dijkstra_sparse(&self, st: &State, start: u32, sc: &mut Scratch) -> (Sink, i64) {
        self.scan_sparse(st, start, 0, sc);
        loop {
            let top = loop {
                match sc.heap.peek() {
                    None => break None,
                    Some(&Reverse((dj, full, j))) => {
                        if sc.popped[j as usize] || dj > sc.dist[j as usize] {
                            sc.heap.pop();
                        } else {
                            break Some((dj, full, j));
                        }
                    }
                }
            };
            let (du, ur) = sc.best_unmatched;
            let Some((dj, full, j)) = top else {
                return (Sink::Unmatched(ur), du);
            };
            if du < dj || (du == dj && full) {
                return (Sink::Unmatched(ur), du);
            }
            sc.heap.pop();
            sc.popped[j as usize] = true;
            sc.popped_list.push(j);
            if !full {
                return (Sink::Mentor(j), dj);
            }
            for k in st.rows_of(j) {
                self.scan_sparse(st, st.slot_row[k], dj, sc);
            }
        }
    }
}
