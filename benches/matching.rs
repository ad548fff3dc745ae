//! Criterion benchmarks: the bare solver on seeded dense and sparse instances, and
//! coordinator mode (scoring + rules + solve) on a 1,000 + 1,000 program.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use reverse_mentoring::domain::matching::solver::{AssignmentProblem, Edge, solve};
use reverse_mentoring::domain::matching::{Candidate, MatchingObjective, ProgramInput, propose};

/// Small LCG so the instances are reproducible without a `rand` dependency.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, k: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % k
    }
}

/// `n x n` instance, each pair eligible with probability `percent`%, scores 0..=1000.
fn instance(n: u32, percent: u64, seed: u64) -> AssignmentProblem {
    let mut rng = Lcg(seed);
    let mut edges = Vec::new();
    for i in 0..n {
        for j in 0..n {
            if rng.below(100) < percent {
                edges.push(Edge { mentee: i, mentor: j, score: rng.below(1001) as i64 });
            }
        }
    }
    AssignmentProblem { mentees: n as usize, capacities: vec![1; n as usize], edges }
}

/// A program with 1,000 mentors (capacity 1..=2) and 1,000 mentees over 300 skills.
fn program(seed: u64) -> ProgramInput {
    let mut rng = Lcg(seed);
    let mut person = |id: i64, level: i32| {
        let mut skills =
            |k: u64| -> Vec<(i64, u8)> { (0..k).map(|_| (rng.below(300) as i64, 1 + rng.below(5) as u8)).collect() };
        let (offers, wants) = (skills(8), skills(5));
        let chain = vec![10_000 + id % 50, 20_000 + id % 7];
        Candidate {
            enrolment_id: id,
            person_id: id,
            level,
            generation_rank: Some((id % 4) as u8),
            department: Some(format!("dept-{}", id % 12)),
            reporting_chain: chain,
            offers,
            wants,
            free_capacity: 1 + (id % 2) as u32,
        }
    };
    let mentors = (0..1000).map(|k| person(k, 1 + (k % 4) as i32)).collect();
    let mentees = (1000..2000).map(|k| person(k, 3 + (k % 5) as i32)).collect();
    ProgramInput { mentors, mentees, ..ProgramInput::default() }
}

fn benches(c: &mut Criterion) {
    let dense = instance(500, 100, 7);
    let sparse = instance(2000, 5, 11);
    for objective in [MatchingObjective::Participation, MatchingObjective::Score] {
        c.bench_function(&format!("solve dense 500x500 {objective:?}"), |b| {
            b.iter(|| solve(black_box(&dense), objective))
        });
        c.bench_function(&format!("solve sparse 2000x2000 5% {objective:?}"), |b| {
            b.iter(|| solve(black_box(&sparse), objective))
        });
    }
    let input = program(3);
    c.bench_function("propose 1000+1000 program", |b| b.iter(|| propose(black_box(&input))));
}

criterion_group! {
    name = matching;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(matching);
