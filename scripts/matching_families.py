#!/usr/bin/env python3
"""Instances shaped like real programs, and SciPy solving them, for scripts/bench-matching.sh.

  matching_families.py gen FAMILY --size N [--seed S] > FILE
      Writes one instance of FAMILY (see FAMILIES) with N mentees. Dense families are a
      score matrix (empty cell = ineligible pair), sparse ones an edge list
      (`edges,MENTEES,MENTORS`, then `mentee,mentor,score`). When mentors take more than
      one mentee, a first line `capacities,C0,C1,...` gives each mentor's capacity.
  matching_families.py solve FILE [--objective participation|score] [--sparse]
      SciPy on the same file, capacities expanded into repeated columns. Prints
      `matched=K total=T seconds=S`, S the solve alone, as peer.py does (and with its
      weights, so both sides optimise the same thing).

Needs numpy and scipy (pip install numpy scipy).
"""
import argparse
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching


def skill_scores(rng, n, m, catalogue, wanted, offered):
    """Score = 20 x sum over skills of (how much the mentee wants it, 1-5) x (the
    mentor's proficiency, 1-5): a small catalogue makes most pairs tie."""
    wants = np.zeros((n, catalogue), np.int64)
    for i in range(n):
        wants[i, rng.choice(catalogue, wanted, replace=False)] = rng.integers(1, 6, wanted)
    offers = np.zeros((m, catalogue), np.int64)
    for j in range(m):
        offers[j, rng.choice(catalogue, offered, replace=False)] = rng.integers(1, 6, offered)
    return 20 * wants @ offers.T


def popular_scores(rng, n, m):
    """Mentors everyone wants: a desirability shared by all mentees (0-800, the top few
    percent far above the rest) plus a personal fit (0-200)."""
    desirability = rng.integers(0, 601, m) + 200 * (rng.random(m) < 0.03)
    return desirability[None, :] + rng.integers(0, 201, (n, m))


def instance(n, m, scores, eligible=None, caps=None):
    return {"n": n, "m": m, "scores": scores, "eligible": eligible, "caps": caps}


def family_skills8(rng, n):
    return instance(n, n, skill_scores(rng, n, n, 8, 3, 4))


def family_skills40(rng, n):
    scores = skill_scores(rng, n, n, 40, 5, 8)
    dept_i, dept_j = rng.integers(0, 8, n), rng.integers(0, 8, n)
    return instance(n, n, scores, dept_i[:, None] != dept_j[None, :])


def family_few_values(rng, n):
    return instance(n, n, rng.choice(np.array([0, 500, 1000]), (n, n)))


def family_capacities(rng, n):
    m = n * 4 // 15
    return instance(n, m, skill_scores(rng, n, m, 8, 3, 4), caps=np.full(m, 4))


def family_popular(rng, n):
    return instance(n, n, popular_scores(rng, n, n))


def family_random(rng, n):
    return instance(n, n, rng.integers(0, 1001, (n, n)))


def family_min_score(rng, n):
    scores = rng.integers(0, 1001, (n, n))
    return instance(n, n, scores, scores >= 300)


def family_random_sparse(rng, n):
    return instance(n, n, rng.integers(0, 1001, (n, n)), rng.random((n, n)) < 0.02)


def family_popular_sparse(rng, n):
    return instance(n, n, popular_scores(rng, n, n), rng.random((n, n)) < 0.02)


def family_popular_thin(rng, n):
    # About 72 eligible pairs per mentee at n = 10,000: where a shortcut based on each
    # mentee's best few dozen pairs flips from skipped to taken.
    return instance(n, n, popular_scores(rng, n, n), rng.random((n, n)) < 72 / 10_000)


# name: (generator, sparse) -- sparse instances are written as edge lists and given
# to SciPy's sparse solver.
FAMILIES = {
    "skills8": (family_skills8, False),
    "few-values": (family_few_values, False),
    "capacities": (family_capacities, False),
    "popular": (family_popular, False),
    "skills40": (family_skills40, False),
    "random": (family_random, False),
    "min-score": (family_min_score, True),
    "random-sparse": (family_random_sparse, True),
    "popular-sparse": (family_popular_sparse, True),
    "popular-thin": (family_popular_thin, True),
}


def gen(a):
    make, sparse = FAMILIES[a.family]
    inst = make(np.random.default_rng(a.seed), a.size)
    out = sys.stdout
    if inst["caps"] is not None:
        out.write("capacities," + ",".join(map(str, inst["caps"])) + "\n")
    scores, eligible = inst["scores"], inst["eligible"]
    if sparse:
        out.write(f"edges,{inst['n']},{inst['m']}\n")
        for i in range(inst["n"]):
            js = np.nonzero(eligible[i])[0]
            out.write("".join(f"{i},{j},{s}\n" for j, s in zip(js.tolist(), scores[i, js].tolist())))
        return
    for i in range(inst["n"]):
        row = scores[i].astype(str)
        if eligible is not None:
            row[~eligible[i]] = ""
        out.write(",".join(row) + "\n")


def read(path):
    """Returns (capacities, n_mentees, rows, cols, scores) of the eligible pairs."""
    with open(path) as f:
        first = f.readline().rstrip("\n")
        caps = None
        if first.startswith("capacities,"):
            caps = np.array(first.split(",")[1:], dtype=np.int64)
            first = f.readline().rstrip("\n")
        if first.startswith("edges,"):
            n, k = map(int, first.split(",")[1:])
            e = np.loadtxt(f, delimiter=",", dtype=np.int64, ndmin=2)
            r, c, s = e[:, 0], e[:, 1], e[:, 2]
        else:
            lines = [first] + f.read().splitlines()
            n, k = len(lines), len(first.split(","))
            cells = np.array([line.split(",") for line in lines])
            r, c = np.nonzero(cells != "")
            s = cells[r, c].astype(np.int64)
    if caps is None:
        caps = np.ones(k, np.int64)
    return caps, n, r, c, s


def solve(a):
    caps, n, r, c, s = read(a.file)
    slots = int(caps.sum())
    # peer.py's weights, with the most pairs any matching can have.
    most = min(n, slots)
    if a.objective == "participation":
        w = s + int(s.max(initial=0)) * most + 1
    else:
        w = s * (most + 1) + 1
    w = w.astype(np.float64)
    first_slot = np.concatenate([[0], np.cumsum(caps)[:-1]])
    # Every eligible pair becomes one pair per slot of its mentor.
    reps = caps[c]
    er = np.repeat(r, reps)
    ew = np.repeat(w, reps)
    ec = np.repeat(first_slot[c], reps) + (np.arange(len(er)) - np.repeat(np.cumsum(reps) - reps, reps))
    slot_mentor = np.repeat(np.arange(len(caps)), caps)
    if a.sparse:
        # one private "stay unmatched" column per mentee (weight 1) makes a full matching exist
        B = coo_matrix((np.concatenate([ew + 1, np.ones(n)]),
                        (np.concatenate([er, np.arange(n)]), np.concatenate([ec, slots + np.arange(n)]))),
                       shape=(n, slots + n)).tocsr()
        t = time.perf_counter()
        ri, ci = min_weight_full_bipartite_matching(B, maximize=True)
    else:
        full = len(s) == n * len(caps)
        mat = np.zeros((n, slots if full else slots + n))  # extra columns: stay unmatched, weight 0
        if not full:
            mat[:, :slots] = -1                             # ineligible: worse than staying unmatched
        mat[er, ec] = ew
        t = time.perf_counter()
        ri, ci = linear_sum_assignment(mat, maximize=True)
    dt = time.perf_counter() - t
    real = ci < slots
    ri, ci = ri[real], ci[real]
    score = dict(zip(zip(r.tolist(), c.tolist()), s.tolist()))
    picked = [score.get(p) for p in zip(ri.tolist(), slot_mentor[ci].tolist())]
    if any(v is None for v in picked):
        sys.exit("solver picked an ineligible pair")
    print(f"matched={len(picked)} total={sum(picked)} seconds={dt:.4f}")


p = argparse.ArgumentParser(description="program-shaped matching instances and SciPy on them")
sub = p.add_subparsers(dest="cmd", required=True)
g = sub.add_parser("gen")
g.add_argument("family", choices=FAMILIES)
g.add_argument("--size", type=int, required=True)
g.add_argument("--seed", type=int, default=7)
sv = sub.add_parser("solve")
sv.add_argument("file")
sv.add_argument("--objective", choices=["participation", "score"], default="participation")
sv.add_argument("--sparse", action="store_true")
a = p.parse_args()
gen(a) if a.cmd == "gen" else solve(a)
