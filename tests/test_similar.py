"""Regions like mine, comparisons and the map: the closeness function in Python and its JS twin rank alike,
and the pages built from it work without JavaScript."""
from __future__ import annotations

import gzip
import json
import random
import shutil
import subprocess

import pytest

from casebook.japan_map import GRID
from casebook.similar import case_data, closest, rank
from html_tree import parse
from tools import INSTALL, require_tool, run_ok

from conftest import ROOT

NODE = shutil.which("node") or "/usr/bin/node"
CORE = ROOT / "static" / "js" / "similar-core.js"
CODES = ["A", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "D", "E", "あ1", "あ2", "あ3", "あ4", "い1", "い2", "い3", "い4", "う"]
RUNNER = """
const core = require(process.argv[1]);
let input = "";
// Decode the stream, not each chunk: a chunk may end inside a multi-byte character (あ1, う), which `input += chunk`
// would turn into U+FFFD and so into a model code no case has; this made the test fail now and then under load.
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => { input += d; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map((job) => core.rank(job.query, job.cases, job.exclude));
  process.stdout.write(JSON.stringify(out));
});
"""


def random_query(rng: random.Random) -> dict:
    query = {"models": rng.sample(CODES, rng.choice([0, 0, 1, 2, 3]))}
    fields = rng.choice([("total", "rate65"), ("total", "rate75"), ("total", "rate65", "rate75"), ("rate65",),
                         ("total",), ("rate75", "rate65")])
    if "total" in fields:
        query["total"] = rng.choice([rng.randint(1000, 3_000_000), round(10 ** rng.uniform(3, 6.5))])
    for key in ("rate65", "rate75"):
        if key in fields:
            query[key] = rng.choice([round(rng.uniform(5, 45), 1), rng.randint(10, 40)])
    return query


def random_cases(rng: random.Random, n: int) -> list[dict]:
    return [{"slug": f"c{i}", "number": i + 1, "total": rng.randint(5000, 2_000_000),
             "rate65": round(rng.uniform(15, 40), 1), "rate75": round(rng.uniform(7, 22), 1),
             "models": rng.sample(CODES, rng.randint(1, 4))} for i in range(n)]


def run_node(jobs: list[dict]) -> list[list[dict]]:
    require_tool("node", shutil.which(NODE) is not None, INSTALL["node"])
    # Bytes both ways, UTF-8 explicitly: the model codes (あ1, う) must reach Node as written whatever the locale.
    done = run_ok([NODE, "-e", RUNNER, str(CORE)], input=json.dumps(jobs, ensure_ascii=False).encode("utf-8"),
                          capture_output=True, timeout=60)
    return json.loads(done.stdout.decode("utf-8"))


@pytest.mark.site
def test_python_and_javascript_rank_alike_for_many_random_inputs(real_site):
    rng = random.Random(20180301)
    real = [case_data(r) for r in real_site.regions]
    jobs = []
    for i in range(1500):
        cases = real if i % 3 else random_cases(rng, rng.randint(2, 20))
        exclude = rng.choice([None, None, cases[0]["slug"]])
        jobs.append({"query": random_query(rng), "cases": cases, "exclude": exclude})
    # The real cases queried with their own figures, as the case pages do.
    for c in real:
        jobs.append({"query": {"total": c["total"], "rate65": c["rate65"], "rate75": c["rate75"]}, "cases": real,
                     "exclude": c["slug"]})
    answers = run_node(jobs)
    assert len(answers) == len(jobs)
    for job, js in zip(jobs, answers):
        py = rank(job["query"], job["cases"], job["exclude"])
        # On a mismatch, show both rankings with their distances and the job, so a failure can be reproduced.
        assert [r["slug"] for r in js] == [r["slug"] for r in py], (
            job["query"], job["exclude"], [(r["slug"], r["distance"]) for r in js],
            [(r["slug"], r["distance"]) for r in py], job["cases"])
        for a, b in zip(js, py):
            assert a["key"] == b["key"]
            assert abs(a["distance"] - b["distance"]) < 1e-12
            assert [(x["key"], x["verdict"], x.get("codes")) for x in a["reasons"]] == \
                [(x["key"], x["verdict"], x.get("codes")) for x in b["reasons"]]


@pytest.mark.unit
def test_closeness_behaves_as_the_page_explains(real_site):
    cases = [case_data(r) for r in real_site.regions]
    kamaishi = next(c for c in cases if c["slug"] == "kamaishi")
    # A case's own figures put it first, at distance 0.
    first = rank({"total": kamaishi["total"], "rate65": kamaishi["rate65"], "rate75": kamaishi["rate75"]}, cases)[0]
    assert first["slug"] == "kamaishi" and first["distance"] == 0
    assert [r["verdict"] for r in first["reasons"]] == ["near", "near", "near"]
    # Only the figures given are compared; a model of interest the case lacks counts against it.
    only_rate = rank({"rate65": 36.5}, cases)[0]
    assert [r["key"] for r in only_rate["reasons"]] == ["rate65"]
    with_model = rank({"rate65": 36.5, "models": ["C1"]}, cases)
    nagasaki = next(r for r in with_model if r["slug"] == "nagasaki")
    assert nagasaki["reasons"][-1] == {"key": "models", "verdict": "shared", "codes": ["C1"]}
    assert with_model[0]["slug"] in ("kamaishi", "usuki", "nagasaki")
    # Closest excludes the case itself and gives three.
    region = real_site.region("usuki")
    near = closest(region, real_site.regions)
    assert len(near) == 3 and "usuki" not in [r["slug"] for r in near]


@pytest.mark.site
def test_case_pages_show_their_three_closest_cases(built_site, real_site):
    for region in real_site.regions:
        doc = parse((built_site / f"regions/{region.slug}/index.html").read_text(encoding="utf-8"))
        section = doc.find("section", aria_labelledby="similar-title")
        assert section is not None, region.slug
        items = [li for li in section.by_class("similar-cases__list")[0].children if getattr(li, "tag", None) == "li"]
        expected = closest(region, real_site.regions)
        assert [li.find("a").attrs["href"] for li in items] == \
            [f"../../regions/{r['slug']}/index.html" for r in expected]
        text = section.text
        assert "人口規模が" in text and "高齢化率（65歳以上）が" in text
        assert f"{region.population.total:,}人" in text
        links = [a.attrs["href"] for a in section.find_all("a")]
        assert f"../../compare/{region.slug}/index.html" in links
        assert "../../similar/index.html" in links


@pytest.mark.site
def test_similar_page_works_as_a_guide_without_javascript(built_site, real_site):
    doc = parse((built_site / "similar/index.html").read_text(encoding="utf-8"))
    form = doc.find("form", data_module="similar")
    assert form is not None and "hidden" in form.attrs
    assert doc.find("section", data_nojs="") is not None or doc.by_class("similar-nojs")
    how = doc.by_class("similar-how")[0].text
    assert "対数" in how and "標準偏差" in how
    rows = doc.find("table", data_module="similar-cases").find("tbody").find_all("tr")
    assert len(rows) == len(real_site.regions)
    for row, region in zip(rows, real_site.regions):
        assert row.attrs["data-slug"] == region.slug
        assert float(row.attrs["data-rate65"]) == region.population.rate_65_printed
        assert int(row.attrs["data-total"]) == region.population.total
        assert row.find("a", href=f"../compare/{region.slug}/index.html") is not None
    scripts = [s.attrs["src"] for s in doc.find_all("script")]
    assert "../js/similar-core.js" in scripts and "../js/similar.js" in scripts


@pytest.mark.site
def test_compare_pages_without_javascript_link_every_case_with_its_closest(built_site, real_site):
    doc = parse((built_site / "compare/index.html").read_text(encoding="utf-8"))
    assert "hidden" in doc.find("form", data_module="compare-pick").attrs
    # without JS the whole table shows (issue 27); compare.js keeps the chosen columns
    assert "hidden" not in doc.find("div", data_module="compare").attrs
    links = {a.attrs["href"] for a in doc.by_class("compare-links")[0].find_all("a")}
    for region in real_site.regions:
        assert f"../compare/{region.slug}/index.html" in links
        page = parse((built_site / f"compare/{region.slug}/index.html").read_text(encoding="utf-8"))
        heads = [th.attrs["data-col"] for th in page.find("thead").find_all("th") if "data-col" in th.attrs]
        assert heads == [region.slug] + [r["slug"] for r in closest(region, real_site.regions)]
        table_text = page.by_class("compare-table")[0].text
        assert "14地域中" in table_text and region.highlights[0] in table_text
        assert not page.find_all("script", src="../../js/compare.js")
    # Every case's column is in the interactive page for compare.js to pick from.
    cols = [th.attrs["data-col"] for th in doc.find("thead").find_all("th") if "data-col" in th.attrs]
    assert cols == [r.slug for r in real_site.regions]


@pytest.mark.site
def test_new_pages_stay_small(built_site, real_site):
    rels = ["similar/index.html", "compare/index.html", "index.html", "regions/index.html"]
    rels += [f"compare/{r.slug}/index.html" for r in real_site.regions]
    for rel in rels:
        assert len(gzip.compress((built_site / rel).read_bytes(), 9)) <= 50 * 1024, rel


@pytest.mark.site
@pytest.mark.parametrize("rel,prefix", [("index.html", ""), ("regions/index.html", "../")])
def test_map_marks_every_case_and_lists_the_same(built_site, real_site, rel, prefix):
    doc = parse((built_site / rel).read_text(encoding="utf-8"))
    svg = next(s for s in doc.find_all("svg") if s.has_class("jmap"))
    assert len(svg.by_class("jmap__tiles")[0].find_all("rect")) == 47 == len(GRID)
    expected = sorted(f"{prefix}regions/{r.slug}/index.html" for r in real_site.regions)
    marks = svg.by_class("jmap__mark")
    assert [m.attrs["href"] for m in marks] and sorted(m.attrs["href"] for m in marks) == expected
    # The phone's two parts hold every prefecture once and every case's mark once between them.
    parts = [s for s in doc.find_all("svg") if s.has_class("jmap-part")]
    assert len(parts) == 2
    assert sum(len(p.by_class("jmap__tiles")[0].find_all("rect")) for p in parts) == 47
    assert sorted(m.attrs["href"] for p in parts for m in p.by_class("jmap__mark")) == expected
    assert all(r.prefecture in GRID for r in real_site.regions)
    # The same content in words: the list under the map on /regions/, the list of cases on the home page.
    items = doc.by_class("jmap-list")[0].find_all("li") if rel != "index.html" else doc.by_class("cards")[0].find_all("li")
    assert len(items) == len(real_site.regions)
    for li, region in zip(items, real_site.regions):
        assert region.prefecture in li.text and f"{region.population.rate_65_printed:.1f}%" in li.text
        assert f"{region.population.rate_75_printed:.1f}%" in li.text and all(m.code in li.text for m in region.models)
    if rel == "index.html":
        assert not doc.by_class("jmap-list"), "the home page lists the cases once"
    legend = doc.find("div", data_legend="rate65")
    assert legend is not None and "hidden" not in legend.attrs and len(legend.find_all("li")) == 4


@pytest.mark.unit
def test_the_build_ranks_closest_cases_exactly_as_the_reference_function(real_site):
    """closest_all (whole columns, for big sites) must agree with closest, case by case, tie-breaks included."""
    import random
    from dataclasses import replace

    from casebook.similar import closest, closest_all

    assert closest_all(real_site.regions) == closest_all(real_site.regions, numpy_from=0)  # small sites skip numpy
    fast = closest_all(real_site.regions, numpy_from=0)
    for region in real_site.regions:
        assert fast[region.slug] == closest(region, real_site.regions)
    rng = random.Random(7)
    regions = []
    for i in range(60):
        base = real_site.regions[i % len(real_site.regions)]
        total = rng.choice([base.population.total, rng.randint(1000, 2_000_000)])
        population = replace(base.population, total=total, rate_65_printed=round(rng.uniform(15, 45), 1),
                             rate_75_printed=rng.choice([base.population.rate_75_printed, round(rng.uniform(7, 25), 1)]))
        regions.append(replace(base, number=i + 1, slug=f"r{i}", population=population))
    fast = closest_all(regions, numpy_from=0)
    for region in regions:
        assert fast[region.slug] == closest(region, regions)
