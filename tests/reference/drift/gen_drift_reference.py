#!/usr/bin/python3
"""Writes stats_reference.json next to this script: inputs and scipy's outputs
for the drift statistics (checks/drift/drift_stats.h), which
tests/unit/test_drift_stats.c compares with mgate's own code.

Run with Debian's python3-scipy and python3-numpy (no network, no pip):
    /usr/bin/python3 tests/reference/drift/gen_drift_reference.py

Small samples are written out; large ones as a rule the C test rebuilds
bit for bit ("gen": value_i = offset + scale * ((i * mult + add) % mod),
integer arithmetic then one multiply and one add in IEEE doubles), so the
fixture stays small while the asymptotic KS regions are reached.
"""
import json
import os
import warnings

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

HERE = os.path.dirname(os.path.abspath(__file__))
PSI_EPSILON = 1e-4  # MG_PSI_EPSILON
JS_BASE = 2.0       # MG_JS_BASE


def gen(n, mult, add, mod, scale, offset):
    i = np.arange(n, dtype=np.int64)
    k = (i * mult + add) % mod
    return offset + scale * k.astype(np.float64), {
        "n": n, "mult": mult, "add": add, "mod": mod, "scale": scale, "offset": offset}


def sample(values):
    return [float(v) for v in values]


def ks_case(name, a, b, a_spec=None, b_spec=None):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = stats.ks_2samp(a, b, alternative="two-sided", method="auto")
    fell_back = any("Exact calculation unsuccessful" in str(w.message) for w in caught)
    exact = max(len(a), len(b)) <= 10000 and not fell_back
    case = {"name": name, "statistic": float(r.statistic), "pvalue": float(r.pvalue),
            "exact": exact,
            "wasserstein": float(stats.wasserstein_distance(a, b)),
            "reference_sd": float(np.std(a))}
    case["a"] = a_spec if a_spec else sample(a)
    case["b"] = b_spec if b_spec else sample(b)
    return case


def ks_cases():
    rng = np.random.default_rng(20261202)
    out = []
    out.append(ks_case("tiny disjoint", np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0])))
    out.append(ks_case("one value each", np.array([0.5]), np.array([0.25])))
    out.append(ks_case("identical samples", np.array([3.0, 1.0, 2.0, 2.0]),
                       np.array([2.0, 3.0, 1.0, 2.0])))
    ties_a = rng.integers(0, 4, 40).astype(float)
    ties_b = rng.integers(0, 5, 33).astype(float)
    out.append(ks_case("heavy ties, unequal sizes", ties_a, ties_b))
    out.append(ks_case("equal sizes 25", np.round(rng.normal(0, 1, 25), 2),
                       np.round(rng.normal(0.6, 1, 25), 2)))
    out.append(ks_case("equal sizes 200 same law", rng.normal(0, 1, 200), rng.normal(0, 1, 200)))
    out.append(ks_case("37 vs 53 shifted", rng.normal(0, 1, 37), rng.normal(0.8, 1, 53)))
    out.append(ks_case("100 vs 250 scale change", rng.normal(0, 1, 100), rng.normal(0, 2, 250)))
    out.append(ks_case("1000 vs 700 small shift", rng.normal(0, 1, 1000),
                       rng.normal(0.1, 1, 700)))
    out.append(ks_case("exponential 500 vs 499", rng.exponential(1, 500),
                       rng.exponential(1.3, 499)))
    # Large ones: rebuilt by the C test from the rule.
    a, sa = gen(10000, 7919, 13, 10007, 1.0 / 10007, 0.0)
    b, sb = gen(9000, 104729, 5, 9973, 1.0 / 9973, 0.01)
    out.append(ks_case("exact at the auto limit 10000 vs 9000", a, b, sa, sb))
    a, sa = gen(12000, 7919, 1, 12007, 1.0 / 12007, 0.0)
    b, sb = gen(300, 613, 7, 307, 1.0 / 307, 0.05)
    out.append(ks_case("asymptotic 12000 vs 300 (Durbin region)", a, b, sa, sb))
    a, sa = gen(20000, 7919, 1, 20011, 1.0 / 20011, 0.0)
    b, sb = gen(15000, 104729, 3, 14983, 1.0 / 14983, 0.003)
    out.append(ks_case("asymptotic 20000 vs 15000 small shift (Pelz-Good)", a, b, sa, sb))
    a, sa = gen(11000, 7919, 1, 11003, 1.0 / 11003, 0.0)
    b, sb = gen(11000, 104729, 3, 10993, 1.0 / 10993, 0.2)
    out.append(ks_case("asymptotic 11000 vs 11000 shift 0.2 (Smirnov tail)", a, b, sa, sb))
    a, sa = gen(10001, 7919, 1, 10007, 1.0 / 10007, 0.0)
    b, sb = gen(60, 37, 1, 61, 1.0 / 61, 0.15)
    out.append(ks_case("asymptotic 10001 vs 60 (n <= 140)", a, b, sa, sb))
    a, sa = gen(10500, 7919, 1, 10007, 1.0 / 10007, 0.0)
    b, sb = gen(4, 3, 1, 5, 0.1, 0.6)
    out.append(ks_case("asymptotic 10500 vs 4 (D >= 0.5)", a, b, sa, sb))
    return out


def kstwo_cases():
    out = []
    grid = {
        1: [0.2, 0.7], 2: [0.3, 0.6, 0.9], 5: [0.05, 0.15, 0.3, 0.45, 0.55, 0.85],
        10: [0.04, 0.08, 0.2, 0.3, 0.45, 0.6, 0.95], 50: [0.009, 0.015, 0.1, 0.2, 0.3, 0.5],
        140: [0.004, 0.05, 0.1, 0.17, 0.25], 141: [0.05, 0.1, 0.13, 0.2],
        500: [0.0015, 0.02, 0.04, 0.07, 0.1, 0.3, 0.9995],
        5000: [0.005, 0.01, 0.02, 0.025, 0.05],
        100000: [0.0005, 0.001, 0.003, 0.004, 0.006],
        200000: [0.001, 0.002, 0.004],
        3000000: [0.0003, 0.001, 0.0015],
    }
    for n, xs in grid.items():
        for x in xs:
            out.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n)),
                        "smirnov": float(scipy.special.smirnov(n, x))})
    return out


def js(p, q):
    return float(distance.jensenshannon(np.asarray(p, float), np.asarray(q, float),
                                        base=JS_BASE))


def psi(ref, cur):
    r = np.asarray(ref, float) / np.sum(ref)
    c = np.asarray(cur, float) / np.sum(cur)
    r = np.where(r == 0, PSI_EPSILON, r)
    c = np.where(c == 0, PSI_EPSILON, c)
    return float(np.sum((c - r) * np.log(c / r)))


def chi2(ref, cur):
    table = np.array([ref, cur], dtype=float)
    keep = table.sum(axis=0) > 0
    table = table[:, keep]
    if table.shape[1] < 2:
        return {"statistic": 0.0, "pvalue": 1.0, "dof": 0, "columns": int(table.shape[1])}
    r = stats.chi2_contingency(table, correction=True)
    return {"statistic": float(r[0]), "pvalue": float(r[1]), "dof": int(r[2]),
            "columns": int(table.shape[1])}


def count_cases():
    tables = [
        ("two bins, Yates", [30, 70], [45, 55]),
        ("two bins, differences under 0.5", [10, 10], [10.3, 9.7]),
        ("two bins, equal", [5, 5], [5, 5]),
        ("four categories", [120, 80, 40, 10], [100, 90, 35, 30]),
        ("an empty bin on one side", [50, 0, 25, 25], [40, 10, 25, 25]),
        ("a bin empty on both sides", [50, 0, 30, 20], [45, 0, 35, 20]),
        ("one non-empty column", [0, 7, 0], [0, 3, 0]),
        ("disjoint", [10, 0], [0, 10]),
        ("large counts, tiny p", [500000, 300000, 200000], [300000, 500000, 200000]),
        ("ten bins", [11, 9, 10, 12, 8, 10, 10, 9, 11, 10], [5, 7, 9, 14, 12, 10, 8, 13, 11, 11]),
        ("weights, not counts", [0.1, 0.4, 0.5], [0.2, 0.2, 0.6]),
    ]
    out = []
    for name, ref, cur in tables:
        out.append({"name": name, "ref": ref, "cur": cur, "js": js(ref, cur),
                    "psi": psi(ref, cur), "chi2": chi2(ref, cur)})
    return out


def bin_cases():
    rng = np.random.default_rng(7)
    cases = [
        ("normal, 10 bins", rng.normal(0, 1, 400), rng.normal(0.3, 1.2, 350), 10),
        ("integers with ties, 10 bins", rng.integers(0, 6, 300).astype(float),
         rng.integers(0, 7, 280).astype(float), 10),
        ("tiny reference, 5 bins", np.array([3.0, 1.0, 2.0]), np.array([0.5, 2.0, 2.5, 9.0]), 5),
        ("current outside the reference", rng.uniform(0, 1, 200), rng.uniform(2, 3, 100), 4),
        ("constant reference", np.full(50, 2.5), rng.normal(2.5, 0.1, 40), 10),
        ("one bin", rng.normal(0, 1, 30), rng.normal(0, 1, 30), 1),
    ]
    out = []
    for name, ref, cur, bins in cases:
        edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
        k = len(edges) + 1
        rc = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=k).astype(float)
        cc = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=k).astype(float)
        out.append({"name": name, "ref": sample(ref), "cur": sample(cur), "bins": bins,
                    "edges": sample(edges), "ref_counts": sample(rc), "cur_counts": sample(cc),
                    "psi": psi(rc, cc), "js": js(rc, cc), "chi2": chi2(rc, cc)})
    return out


def main():
    doc = {
        "generator": "tests/reference/drift/gen_drift_reference.py",
        "scipy": scipy.__version__, "numpy": np.__version__,
        "psi_epsilon": PSI_EPSILON, "js_base": JS_BASE,
        "ks": ks_cases(), "kstwo": kstwo_cases(), "counts": count_cases(), "bins": bin_cases(),
    }
    with open(os.path.join(HERE, "stats_reference.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
