//! Matching state, dual potentials and per-augmentation scratch arrays shared by the
//! kernels in [`super::solver_kernel`]: the bookkeeping of one augmenting-path step.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::solver_kernel::{FREE, INF, Sink, UNMATCHED};

/// Matching and duals.
pub(super) struct State {
    pub(super) u: Vec<i64>,
    pub(super) v: Vec<i64>,
    pub(super) row_mentor: Vec<u32>,
    pub(super) row_slot: Vec<u32>,
    pub(super) slot_start: Vec<usize>,
    pub(super) slot_row: Vec<u32>,
    pub(super) load: Vec<u32>,
}

/// Per-augmentation work arrays, allocated once.
pub(super) struct Scratch {
    pub(super) dist: Vec<i64>,
    pub(super) pred: Vec<u32>,
    pub(super) popped: Vec<bool>,
    pub(super) touched: Vec<u32>,
    pub(super) popped_list: Vec<u32>,
    pub(super) scanned: Vec<(u32, i64)>,
    pub(super) heap: BinaryHeap<Reverse<(i64, bool, u32)>>,
    pub(super) remaining: Vec<u32>,
    /// Dense kernel: end of the current level's scan list in `remaining`.
    pub(super) up: usize,
    /// Dense kernel: the distance being scanned.
    pub(super) level: i64,
    pub(super) best_unmatched: (i64, u32),
}

impl State {
    /// Slots of mentor `j` that currently hold a row.
    pub(super) fn rows_of(&self, j: u32) -> std::ops::Range<usize> {
        let a = self.slot_start[j as usize];
        a..a + self.load[j as usize] as usize
    }

    /// Puts row `r` in slot `slot` of mentor `j`; returns where it was before.
    pub(super) fn take(&mut self, r: u32, j: u32, slot: u32) -> (u32, u32) {
        let old = (self.row_mentor[r as usize], self.row_slot[r as usize]);
        self.row_mentor[r as usize] = j;
        self.row_slot[r as usize] = slot;
        self.slot_row[slot as usize] = r;
        old
    }

    /// Takes row `r` off its mentor (or its unmatched column) and leaves it free;
    /// returns the mentor it left.
    pub(super) fn release(&mut self, r: u32) -> Option<u32> {
        let j = std::mem::replace(&mut self.row_mentor[r as usize], FREE);
        if j == FREE || j == UNMATCHED {
            return None;
        }
        let last = self.slot_start[j as usize] + self.load[j as usize] as usize - 1;
        let moved = self.slot_row[last];
        let slot = self.row_slot[r as usize];
        self.slot_row[slot as usize] = moved;
        self.row_slot[moved as usize] = slot;
        self.slot_row[last] = FREE;
        self.load[j as usize] -= 1;
        Some(j)
    }

    /// Shifts potentials so the path just found becomes tight and all reduced costs stay >= 0.
    pub(super) fn update_duals(&mut self, sc: &Scratch, min_val: i64) {
        for &(r, d) in &sc.scanned {
            self.u[r as usize] += min_val - d;
        }
        for &j in &sc.popped_list {
            self.v[j as usize] -= min_val - sc.dist[j as usize];
        }
    }

    /// Flips the path from `start` to `sink`: every row on it moves one mentor along.
    pub(super) fn augment(&mut self, start: u32, sink: Sink, pred: &[u32]) {
        let (mut r, mut j, mut slot) = match sink {
            Sink::Mentor(j) => {
                let slot = self.slot_start[j as usize] + self.load[j as usize] as usize;
                self.load[j as usize] += 1;
                (pred[j as usize], j, slot as u32)
            }
            Sink::Unmatched(r) => {
                let old = (self.row_mentor[r as usize], self.row_slot[r as usize]);
                self.row_mentor[r as usize] = UNMATCHED;
                if r == start {
                    return;
                }
                (pred[old.0 as usize], old.0, old.1)
            }
        };
        loop {
            let (oj, os) = self.take(r, j, slot);
            if r == start {
                return;
            }
            (j, slot) = (oj, os);
            r = pred[j as usize];
        }
    }
}

impl Scratch {
    pub(super) fn new(m: usize) -> Self {
        Self {
            dist: vec![INF; m],
            pred: vec![FREE; m],
            popped: vec![false; m],
            touched: Vec::new(),
            popped_list: Vec::new(),
            scanned: Vec::new(),
            heap: BinaryHeap::new(),
            remaining: Vec::new(),
            up: 0,
            level: -1,
            best_unmatched: (INF, FREE),
        }
    }

    /// Clears only what the last augmentation touched, so sparse runs stay O(work).
    pub(super) fn reset(&mut self) {
        for &j in &self.touched {
            self.dist[j as usize] = INF;
            self.popped[j as usize] = false;
        }
        for &j in &self.popped_list {
            self.popped[j as usize] = false;
        }
        self.touched.clear();
        self.popped_list.clear();
        self.scanned.clear();
        self.heap.clear();
        self.best_unmatched = (INF, FREE);
    }
}
