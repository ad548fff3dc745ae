//! Reader for the benchmark files written by the SciPy peer (`peer.py gen`), so the
//! service's CLI can solve the same instances and print comparable numbers.
//!
//! Two forms: a CSV matrix (one row per mentee, one column per mentor, empty cell =
//! ineligible) and an edge list (`edges,MENTEES,MENTORS` then `mentee,mentor,score`).
//! Every mentor has capacity 1, as in the peer. No file IO here: callers pass text.

use std::fmt;
use std::io::BufRead;

use super::rules::MatchingObjective;
use super::solver::{AssignmentProblem, Edge, SolveError, solve};

/// A malformed benchmark file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchError {
    /// 1-based line number (0 when the whole input is at fault).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for BenchError {}

fn err(line: usize, message: impl Into<String>) -> BenchError {
    BenchError { line, message: message.into() }
}

/// Parses a benchmark file held in memory.
pub fn parse_str(text: &str) -> Result<AssignmentProblem, BenchError> {
    parse_reader(text.as_bytes())
}

/// Parses a benchmark file from any buffered reader.
pub fn parse_reader(mut reader: impl BufRead) -> Result<AssignmentProblem, BenchError> {
    let mut buf = String::new();
    let mut next_line = |buf: &mut String| -> Result<bool, BenchError> {
        buf.clear();
        let read = reader.read_line(buf).map_err(|e| err(0, e.to_string()))?;
        while buf.ends_with('\n') || buf.ends_with('\r') {
            buf.pop();
        }
        Ok(read > 0)
    };
    if !next_line(&mut buf)? {
        return Err(err(0, "empty input"));
    }
    // Lines before the instance itself, so that errors name the line of the file.
    let mut skipped = 0;
    let capacities = match buf.strip_prefix("capacities,") {
        Some(list) => {
            let capacities = parse_capacities(list)?;
            if !next_line(&mut buf)? {
                return Err(err(0, "no instance after the capacities"));
            }
            skipped = 1;
            Some(capacities)
        }
        None => None,
    };
    let (mentees, mentors, edges) = if let Some(sizes) = buf.strip_prefix("edges,") {
        let (n, m) = parse_sizes(sizes).map_err(|e| err(e.line + skipped, e.message))?;
        let mut edges = Vec::new();
        let mut line = 1 + skipped;
        while next_line(&mut buf)? {
            line += 1;
            if !buf.trim().is_empty() {
                edges.push(parse_edge(&buf, line, n, m)?);
            }
        }
        check_unique(&mut edges)?;
        (n, m, edges)
    } else {
        let mut edges = Vec::new();
        let mut mentors = None;
        let mut row = 0usize;
        loop {
            let line = row + 1 + skipped;
            let cells = parse_matrix_row(&buf, row, line, &mut edges)?;
            match mentors {
                None => mentors = Some(cells),
                Some(k) if k != cells => return Err(err(line, format!("{cells} cells, expected {k}"))),
                Some(_) => {}
            }
            row += 1;
            if !next_line(&mut buf)? {
                break;
            }
        }
        (row, mentors.unwrap_or(0), edges)
    };
    let capacities = capacities.unwrap_or_else(|| vec![1; mentors]);
    if capacities.len() != mentors {
        return Err(err(1, format!("{} capacities for {mentors} mentors", capacities.len())));
    }
    Ok(AssignmentProblem { mentees, capacities, edges })
}

fn parse_capacities(list: &str) -> Result<Vec<u32>, BenchError> {
    list.split(',')
        .map(|c| c.trim().parse::<u32>().map_err(|_| err(1, format!("capacity '{c}' is not a whole number"))))
        .collect()
}

fn parse_sizes(text: &str) -> Result<(usize, usize), BenchError> {
    let mut it = text.split(',').map(|s| s.trim().parse::<usize>());
    match (it.next(), it.next(), it.next()) {
        (Some(Ok(n)), Some(Ok(m)), None) if n <= u32::MAX as usize && m <= u32::MAX as usize => Ok((n, m)),
        _ => Err(err(1, "expected `edges,MENTEES,MENTORS`")),
    }
}

fn parse_edge(text: &str, line: usize, n: usize, m: usize) -> Result<Edge, BenchError> {
    let mut it = text.split(',').map(|s| s.trim().parse::<i64>());
    let (i, j, s) = match (it.next(), it.next(), it.next(), it.next()) {
        (Some(Ok(i)), Some(Ok(j)), Some(Ok(s)), None) => (i, j, s),
        _ => return Err(err(line, "expected `mentee,mentor,score` integers")),
    };
    let in_range = |x: i64, limit: usize| x >= 0 && (x as u64) < limit as u64;
    if !in_range(i, n) || !in_range(j, m) {
        return Err(err(line, "edge index outside the declared sizes"));
    }
    Ok(Edge { mentee: i as u32, mentor: j as u32, score: s })
}

fn check_unique(edges: &mut [Edge]) -> Result<(), BenchError> {
    let mut keys: Vec<(u32, u32)> = edges.iter().map(|e| (e.mentee, e.mentor)).collect();
    keys.sort_unstable();
    match keys.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(err(0, format!("pair ({}, {}) appears twice", w[0].0, w[0].1))),
        None => Ok(()),
    }
}

/// Adds the eligible cells of matrix row `row` (file line `line`); returns how many cells it has.
fn parse_matrix_row(text: &str, row: usize, line: usize, edges: &mut Vec<Edge>) -> Result<usize, BenchError> {
    let mut cells = 0usize;
    for (j, cell) in text.split(',').enumerate() {
        cells += 1;
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        let score = cell.parse::<i64>().map_err(|_| err(line, format!("cell {} is not an integer", j + 1)))?;
        edges.push(Edge { mentee: row as u32, mentor: j as u32, score });
    }
    Ok(cells)
}

/// Solves a benchmark instance and returns `(matched, total)` as `peer.py solve` prints them.
pub fn solve_bench(problem: &AssignmentProblem, objective: MatchingObjective) -> Result<(usize, i64), SolveError> {
    let a = solve(problem, objective)?;
    Ok((a.matched, a.total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_matrix_with_empty_cells() {
        let p = parse_str("5,,7\n,1,\n").unwrap();
        assert_eq!((p.mentees, p.capacities.len()), (2, 3));
        let got: Vec<_> = p.edges.iter().map(|e| (e.mentee, e.mentor, e.score)).collect();
        assert_eq!(got, vec![(0, 0, 5), (0, 2, 7), (1, 1, 1)]);
        assert_eq!(solve_bench(&p, MatchingObjective::Participation), Ok((2, 8)));
    }

    #[test]
    fn parses_edges_from_a_reader() {
        let text = "edges,2,2\n0,1,10\n1,1,3\n1,0,0\n";
        let p = parse_reader(std::io::Cursor::new(text)).unwrap();
        assert_eq!(p.edges.len(), 3);
        assert_eq!(solve_bench(&p, MatchingObjective::Participation), Ok((2, 10)));
        assert_eq!(solve_bench(&p, MatchingObjective::Score), Ok((2, 10)));
    }

    #[test]
    fn rejects_malformed_files() {
        assert_eq!(parse_str("1,2\n3\n").unwrap_err().line, 2);
        assert!(parse_str("1,x\n").unwrap_err().message.contains("integer"));
        assert!(parse_str("edges,1,1\n0,1,5\n").unwrap_err().message.contains("outside"));
        assert!(parse_str("edges,1,1\n0,0,5\n0,0,6\n").unwrap_err().message.contains("twice"));
        assert!(parse_str("edges,1\n").is_err());
        assert!(parse_str("").is_err());
        assert_eq!(parse_str("capacities,1\n1,2\n").unwrap_err().message, "1 capacities for 2 mentors");
        assert_eq!(parse_str("capacities,1,x\n1,2\n").unwrap_err().line, 1);
        assert_eq!(parse_str("capacities,1,1\n1,2\n3\n").unwrap_err().line, 3);
        assert_eq!(parse_str("capacities,1\nedges,1,1\n0,0,x\n").unwrap_err().line, 3);
    }

    #[test]
    fn reads_capacities_before_either_form() {
        let p = parse_str("capacities,2,0\n5,1\n4,9\n").unwrap();
        assert_eq!(p.capacities, vec![2, 0]);
        assert_eq!(solve_bench(&p, MatchingObjective::Participation), Ok((2, 9)));
        let p = parse_str("capacities,3\nedges,3,1\n0,0,1\n1,0,2\n2,0,3\n").unwrap();
        assert_eq!(solve_bench(&p, MatchingObjective::Score), Ok((3, 6)));
    }
}
