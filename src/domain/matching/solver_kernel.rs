//! Shortest-augmenting-path kernels behind [`super::solver::solve`]: a dense one
//! (linear scans, like SciPy's `linear_sum_assignment`) and a sparse one (binary heap).
//!
//! Costs are `max_weight - weight >= 0`; each mentee also has a private "unmatched"
//! column of cost `max_weight` whose potential is always 0, so it is handled implicitly.
//! Invariants (the usual LSAP duals): `cost - u[row] - v[mentor] >= 0` on every edge,
//! `= 0` on matched edges, and `v = 0` on every mentor with a free slot.

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
    pub(super) col: Vec<u32>,
    pub(super) cost: Vec<i64>,
    unmatched_cost: i64,
    /// Capacity capped by degree: a mentor can never use more slots than it has edges.
    cap: Vec<u32>,
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
    /// Builds the cost rows; edges must be sorted by (mentee, mentor).
    pub(super) fn new(problem: &AssignmentProblem, edges: &[Edge], transform: Transform) -> Self {
        let n = problem.mentees;
        let max_w = edges.iter().map(|e| transform.weight(e.score)).max().unwrap_or(1).max(1);
        let mut row_start = vec![0usize; n + 1];
        let mut col = Vec::with_capacity(edges.len());
        let mut cost = Vec::with_capacity(edges.len());
        let mut degree = vec![0u32; problem.capacities.len()];
        for e in edges {
            let w = transform.weight(e.score);
            // Non-positive weight: never better than leaving the mentee unmatched.
            if w > 0 && problem.capacities[e.mentor as usize] > 0 {
                row_start[e.mentee as usize + 1] += 1;
                col.push(e.mentor);
                cost.push(max_w - w);
                degree[e.mentor as usize] += 1;
            }
        }
        for i in 0..n {
            row_start[i + 1] += row_start[i];
        }
        let cap = problem.capacities.iter().zip(&degree).map(|(&c, &d)| c.min(d)).collect();
        Self { n, row_start, col, cost, unmatched_cost: max_w, cap }
    }

    /// True when a dense matrix is small and full enough to beat the heap.
    pub(super) fn prefers_dense(&self) -> bool {
        let active = self.cap.iter().filter(|&&c| c > 0).count();
        let cells = self.n.saturating_mul(active);
        cells > 0 && cells <= 1 << 24 && self.col.len().saturating_mul(2) >= cells
    }

    /// The same instance restricted to the edges marked in `keep` (same costs and
    /// capacities, so its duals can be checked against the full instance).
    pub(super) fn subset(&self, keep: &[bool]) -> Self {
        let mut row_start = Vec::with_capacity(self.n + 1);
        let (mut col, mut cost) = (Vec::new(), Vec::new());
        row_start.push(0);
        for r in 0..self.n {
            let range = self.row_start[r]..self.row_start[r + 1];
            for ((&k, &j), &c) in keep[range.clone()].iter().zip(&self.col[range.clone()]).zip(&self.cost[range]) {
                if k {
                    col.push(j);
                    cost.push(c);
                }
            }
            row_start.push(col.len());
        }
        let (n, unmatched_cost, cap) = (self.n, self.unmatched_cost, self.cap.clone());
        Self { n, row_start, col, cost, unmatched_cost, cap }
    }

    /// Edges whose reduced cost under `sol`'s duals is negative; none means `sol`
    /// is optimal for this instance too (the duals are a certificate).
    pub(super) fn violations(&self, sol: &Solution) -> Vec<usize> {
        let mut bad = Vec::new();
        for r in 0..self.n {
            for e in self.row_start[r]..self.row_start[r + 1] {
                if self.cost[e] - sol.u[r] - sol.v[self.col[e] as usize] < 0 {
                    bad.push(e);
                }
            }
        }
        bad
    }

    /// Runs the chosen kernel and returns the optimal matching with its duals.
    pub(super) fn run(&self, kernel: Kernel) -> Solution {
        let mut st = self.initial_state();
        let mut sc = Scratch::new(self.cap.len());
        let matrix = (kernel == Kernel::Dense).then(|| self.dense_matrix());
        for r in 0..self.n as u32 {
            if st.row_mentor[r as usize] != FREE {
                continue;
            }
            let (sink, min_val) = match &matrix {
                Some(mat) => self.dijkstra_dense(&st, mat, r, &mut sc),
                None => self.dijkstra_sparse(&st, r, &mut sc),
            };
            st.update_duals(&sc, min_val);
            st.augment(r, sink, &sc.pred);
            sc.reset();
        }
        Solution { row_mentor: st.row_mentor, u: st.u, v: st.v }
    }

    fn row(&self, r: u32) -> (&[u32], &[i64]) {
        let (a, b) = (self.row_start[r as usize], self.row_start[r as usize + 1]);
        (&self.col[a..b], &self.cost[a..b])
    }

    fn dense_matrix(&self) -> Vec<i64> {
        let m = self.cap.len();
        let mut mat = vec![INF; self.n * m];
        for r in 0..self.n {
            let (cols, costs) = self.row(r as u32);
            for (&j, &c) in cols.iter().zip(costs) {
                mat[r * m + j as usize] = c;
            }
        }
        mat
    }

    /// Row reduction plus greedy assignment on tight edges: cheap, and most rows
    /// never need a Dijkstra afterwards.
    fn initial_state(&self) -> State {
        let m = self.cap.len();
        let mut slot_start = vec![0usize; m + 1];
        for j in 0..m {
            slot_start[j + 1] = slot_start[j] + self.cap[j] as usize;
        }
        let mut st = State {
            u: vec![0; self.n],
            v: vec![0; m],
            row_mentor: vec![FREE; self.n],
            row_slot: vec![0; self.n],
            slot_row: vec![FREE; slot_start[m]],
            slot_start,
            load: vec![0; m],
        };
        for r in 0..self.n as u32 {
            let (cols, costs) = self.row(r);
            let Some(&best) = costs.iter().min() else {
                st.u[r as usize] = self.unmatched_cost;
                st.row_mentor[r as usize] = UNMATCHED;
                continue;
            };
            st.u[r as usize] = best;
            let tight =
                cols.iter().zip(costs).find(|&(&j, &c)| c == best && st.load[j as usize] < self.cap[j as usize]);
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

    fn scan_dense(&self, st: &State, mat: &[i64], r: u32, d: i64, sc: &mut Scratch) {
        self.offer_unmatched(st, r, d, sc);
        let m = self.cap.len();
        let row = &mat[r as usize * m..(r as usize + 1) * m];
        let base = d - st.u[r as usize];
        for &j in &sc.remaining {
            let c = row[j as usize];
            if c != INF {
                let nd = base + c - st.v[j as usize];
                if nd < sc.dist[j as usize] {
                    sc.dist[j as usize] = nd;
                    sc.pred[j as usize] = r;
                }
            }
        }
    }

    fn dijkstra_dense(&self, st: &State, mat: &[i64], start: u32, sc: &mut Scratch) -> (Sink, i64) {
        sc.dist.fill(INF);
        sc.remaining.clear();
        sc.remaining.extend((0..self.cap.len() as u32).filter(|&j| self.cap[j as usize] > 0));
        self.scan_dense(st, mat, start, 0, sc);
        loop {
            let (mut best, mut best_idx, mut best_free) = (INF, usize::MAX, false);
            for (idx, &j) in sc.remaining.iter().enumerate() {
                let dj = sc.dist[j as usize];
                if dj < best || (dj == best && !best_free && dj < INF) {
                    let free = st.load[j as usize] < self.cap[j as usize];
                    if dj < best || free {
                        (best, best_idx, best_free) = (dj, idx, free);
                    }
                }
            }
            let (du, ur) = sc.best_unmatched;
            if best_idx == usize::MAX || du < best || (du == best && !best_free) {
                return (Sink::Unmatched(ur), du);
            }
            let j = sc.remaining.swap_remove(best_idx);
            sc.popped_list.push(j);
            if best_free {
                return (Sink::Mentor(j), best);
            }
            for k in st.rows_of(j) {
                self.scan_dense(st, mat, st.slot_row[k], best, sc);
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
