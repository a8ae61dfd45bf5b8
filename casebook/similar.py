"""Closeness of regions: which cases are most like a given region. Pure; mirrored line by line in
static/js/similar-core.js (the browser runs that twin, tests/test_similar.py proves both rank the same).

A case is described by three figures: log(total population), the printed 65+ rate and the printed 75+ rate.
Each difference is divided by that figure's spread among the cases (population standard deviation), so one unit
means "as far apart as the cases typically are". The distance is the root mean square of the differences given
(a figure left out of the query is not compared). Models of interest, when chosen, add one more difference: the
share of the chosen models the case does not have (0 = has them all, 1 = has none).

Floating point is kept identical in both languages: the same operations in the same order, plain left-to-right
sums, natural log, and the distance rounded to 1e-9 before ranking so that a last-bit difference between two
log implementations cannot reorder cases. Ties go to the lower case number.
"""
from __future__ import annotations

import math

FIGURES = ("total", "rate65", "rate75")
NEAR = 0.5  # a difference within half a spread is called "near"
ROUND = 1e9


def case_data(region) -> dict:
    """A Region as the plain record both implementations use."""
    p = region.population
    return {"slug": region.slug, "number": region.number, "total": p.total,
            "rate65": p.rate_65_printed, "rate75": p.rate_75_printed, "models": [m.code for m in region.models]}


def _feature(key: str, value: float) -> float:
    return math.log(value) if key == "total" else float(value)


def spreads(cases: list[dict]) -> dict:
    """Population standard deviation of each figure among the cases; 1 where all cases are equal."""
    out = {}
    n = len(cases)
    for key in FIGURES:
        acc = 0.0
        for c in cases:
            acc += _feature(key, c[key])
        mean = acc / n
        sq = 0.0
        for c in cases:
            d = _feature(key, c[key]) - mean
            sq += d * d
        sd = math.sqrt(sq / n)
        out[key] = sd if sd > 0 else 1.0
    return out


def _given(query: dict, key: str) -> bool:
    value = query.get(key)
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and (key != "total" or value > 0)


def compare(query: dict, case: dict, spread: dict) -> dict:
    """Distance of one case from the query, with the reasons behind it."""
    total = 0.0
    count = 0
    reasons = []
    for key in FIGURES:
        if not _given(query, key):
            continue
        z = (_feature(key, query[key]) - _feature(key, case[key])) / spread[key]
        total += z * z
        count += 1
        verdict = "near" if abs(z) <= NEAR else ("higher" if z < 0 else "lower")
        reasons.append({"key": key, "verdict": verdict, "query": query[key], "case": case[key]})
    wanted = [code for code in (query.get("models") or [])]
    if wanted:
        shared = [code for code in wanted if code in case["models"]]
        missing = (len(wanted) - len(shared)) / len(wanted)
        total += missing * missing
        count += 1
        reasons.append({"key": "models", "verdict": "shared" if shared else "none", "codes": shared})
    distance = math.sqrt(total / count) if count else 0.0
    return {"slug": case["slug"], "number": case["number"], "distance": distance,
            "key": math.floor(distance * ROUND + 0.5), "reasons": reasons}


def rank(query: dict, cases: list[dict], exclude: str | None = None) -> list[dict]:
    """Every case (but `exclude`) from closest to farthest."""
    spread = spreads(cases)
    results = [compare(query, c, spread) for c in cases if c["slug"] != exclude]
    results.sort(key=lambda r: (r["key"], r["number"]))
    return results


def closest(region, regions, count: int = 3) -> list[dict]:
    """The `count` cases closest to a region on its own three figures (models are not used)."""
    cases = [case_data(r) for r in regions]
    me = case_data(region)
    query = {"total": me["total"], "rate65": me["rate65"], "rate75": me["rate75"]}
    return rank(query, cases, exclude=region.slug)[:count]


# Below this many cases, `closest` for each is quicker than importing numpy and whole columns.
NUMPY_FROM = 50


def closest_all(regions, count: int = 3, numpy_from: int = NUMPY_FROM) -> dict[str, list[dict]]:
    """`closest` for every region at once, for the build: from *numpy_from* cases on, the same arithmetic on
    whole columns.

    Calling `closest` per region costs O(n²) Python-level comparisons, which a site of every municipality
    (1,741) cannot afford. Features are logged with math.log as above, and numpy's +, -, *, / and sqrt are the
    same IEEE operations in the same order, so distances, rounding keys and therefore the ranking are identical
    (tests/test_similar.py checks this against `closest`). Reasons are built by `compare` for the few kept.
    """
    if len(regions) < numpy_from:
        return {r.slug: closest(r, regions, count) for r in regions}
    import numpy as np

    cases = [case_data(r) for r in regions]
    if not cases:
        return {}
    spread = spreads(cases)
    numbers = np.array([c["number"] for c in cases])
    total = None
    for key in FIGURES:
        column = np.array([_feature(key, c[key]) for c in cases])
        z = (column[:, None] - column[None, :]) / spread[key]
        total = z * z if total is None else total + z * z
    distance = np.sqrt(total / len(FIGURES))
    keys = np.floor(distance * ROUND + 0.5)
    out: dict[str, list[dict]] = {}
    for i, me in enumerate(cases):
        order = [j for j in np.lexsort((numbers, keys[i])) if j != i][:count]
        query = {"total": me["total"], "rate65": me["rate65"], "rate75": me["rate75"]}
        out[me["slug"]] = [compare(query, cases[j], spread) for j in order]
    return out
