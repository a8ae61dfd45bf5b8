"""Hostile data: one region whose every text field is a payload (markup, script, javascript: URL, a 300-character
word, right-to-left text, emoji, a character outside the BMP).  The site must build, show the payloads as text,
run none of them, and export them verbatim."""
from __future__ import annotations

import csv
import importlib.util
import io
import json

import pytest
import yaml

from browserkit import ROOT, serve
from casebook.build import build_site

pytestmark = pytest.mark.browser

REGION_FILE = "regions/05-kashiwa.yaml"
LONG_WORD = ("Hostile" * 50)[:300]
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</title><script>alert(2)</script>",
    "javascript:alert(3)",
    LONG_WORD,
    "مرحبا بالعالم evil",  # right-to-left text; a bidi override (U+202E) is refused by validation (issue 10)
    "😀👩⚕️ 𠮷野家",  # emoji without a zero-width joiner, which validation refuses as invisible (issue 29)
]


def _copy_project(target):
    """tests/conftest.copy_project (loaded by path: `conftest` is an ambiguous module name here)."""
    spec = importlib.util.spec_from_file_location("_casebook_tests_conftest", ROOT / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.copy_project(target)


def poison(data: dict) -> dict:
    """Every free-text field gets a payload; ids, slugs, codes, numbers and cross-references stay valid."""
    p = PAYLOADS
    n = len(p)
    data["name"] = p[2]  # lands in <title>
    data["prefecture"] = p[0]
    data["municipalities"] = list(p)
    data["organisations"] = list(p)
    data["headline"] = p[1]
    data["highlights"] = list(p)
    for i, m in enumerate(data["models"]):
        m["label"] = p[(3 * i) % n]
        m["figure_label"] = p[(3 * i + 1) % n]
        m.setdefault("figure_page", m["page"])
        m["note"] = p[(3 * i + 2) % n]
    data["ict_systems"] = list(p)
    data["survey"]["organisation"] = p[3]
    data["survey"]["target"] = p[4]
    # respondent_area must stay an item of the survey's respondents table (validated against survey/s1.csv)
    data["diagram"] = {
        "title": p[5],
        "actors": [{"id": f"a{i}", "label": text} for i, text in enumerate(p)],
        "links": [{"from": f"a{i}", "to": f"a{(i + 1) % n}", "label": p[(i + 3) % n]} for i in range(n)],
        "notes": list(p),
    }
    data["source_notes"] = [{"field": p[i], "note": p[(i + 1) % n], "reader": p[(i + 2) % n]} for i in range(n)]
    return data


SURVEY_FILE = "survey/s2-7.csv"  # a stacked chart: labels, legend and segments all carry text


def poison_survey(path) -> None:
    """Item labels of one survey chart become payloads; counts and series stay valid."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    items = list(dict.fromkeys(r["item"] for r in rows))
    rename = {item: PAYLOADS[i % len(PAYLOADS)] + f" ({i})" for i, item in enumerate(items)}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({**r, "item": rename[r["item"]]})
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = _copy_project(tmp_path_factory.mktemp("hostile") / "project")
    path = root / REGION_FILE
    data = poison(yaml.safe_load(path.read_text(encoding="utf-8")))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096), encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == data
    poison_survey(root / SURVEY_FILE)
    out = root / "_site"
    build_site(root, out, log=lambda _: None)  # must not raise
    return {"site": out, "slug": data["slug"], "data": data}


@pytest.fixture(scope="module")
def hostile_url(hostile):
    with serve(hostile["site"]) as url:
        yield url


DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value.trim().toLowerCase();
      if (name.startsWith('on')) bad.push(`${el.tagName} has ${name}="${attr.value}"`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name) && value.startsWith('javascript:'))
        bad.push(`${el.tagName} ${name}="${attr.value}"`);
    }
  }
  for (const s of document.scripts) {
    const src = s.getAttribute('src');
    if (!src) bad.push('inline script: ' + s.textContent.slice(0, 80));
    else if (new URL(s.src).origin !== location.origin) bad.push('foreign script: ' + s.src);
  }
  for (const img of document.images) if (img.getAttribute('src') === 'x') bad.push('injected <img src=x>');
  return bad;
}"""


def test_hostile_region_builds_and_renders_as_text(open_context, hostile, hostile_url):
    site, slug = hostile["site"], hostile["slug"]
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    context, watcher = open_context(hostile_url)
    page = context.new_page()
    failures = []
    texts = {}
    for rel in pages:
        page.goto(hostile_url + rel, wait_until="load")
        if rel.startswith("search/"):  # the search page loads its index after "load"
            page.wait_for_load_state("networkidle")
        bad = page.evaluate(DOM_CHECK) + watcher.problems(page)
        if bad:
            failures.append(f"{rel}:\n    " + "\n    ".join(bad))
        texts[rel] = {"body": page.evaluate("() => document.body.innerText"), "title": page.title()}
    # The case page shows every payload, literally, and the name in the window title.
    case = texts[f"regions/{slug}/index.html"]
    for payload in PAYLOADS:
        if payload not in case["body"]:
            failures.append(f"regions/{slug}/: does not show {payload!r} as text")
    if PAYLOADS[2] not in case["title"]:
        failures.append(f"regions/{slug}/: title {case['title']!r} lacks the name")
    # The index table shows organisations and ICT systems, which hold every payload.
    for payload in PAYLOADS:
        if payload not in texts["regions/index.html"]["body"]:
            failures.append(f"regions/index.html: does not show {payload!r} as text")
    # The model pages show the region's label for that model.
    for m in hostile["data"]["models"]:
        model_pages = [rel for rel in pages if rel.startswith("models/") and rel != "models/index.html"
                       and f"regions/{slug}/" in (site / rel).read_text(encoding="utf-8")
                       and f">{m['code']} " in (site / rel).read_text(encoding="utf-8")]
        if not any(m["label"] in texts[rel]["body"] for rel in model_pages):
            failures.append(f"no model page for {m['code']} shows the label {m['label']!r}")
    page.close()
    assert not failures, "\n".join(failures)


def test_hostile_case_page_does_not_scroll_sideways(open_context, hostile, hostile_url):
    context, _ = open_context(hostile_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    wide = []
    for rel in (f"regions/{hostile['slug']}/index.html", "regions/index.html", "index.html"):
        page.goto(hostile_url + rel, wait_until="load")
        scroll, client = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > client:
            wide.append(f"{rel}: {scroll} > {client}")
    page.close()
    assert not wide, wide


def test_hostile_search_runs_nothing(open_context, hostile, hostile_url):
    assert (hostile["site"] / "search" / "index.js").exists(), "the build wrote no search index"
    context, watcher = open_context(hostile_url)
    page = context.new_page()
    for query in ("script", "alert", "𠮷野家", "Hostile"):
        page.goto(hostile_url + "search/?q=" + query, wait_until="load")
        page.wait_for_selector("[data-module='search'] [data-results] li a[href]")
        assert not page.evaluate(DOM_CHECK)
        assert query in page.locator("[data-module='search'] [data-results]").inner_text()
    problems = watcher.problems(page)
    page.close()
    assert not problems, problems


def test_hostile_exports_are_verbatim(hostile):
    site, slug = hostile["site"], hostile["slug"]
    rows = list(csv.DictReader(io.StringIO((site / "data" / "regions.csv").read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r["slug"] == slug)
    cells = "\n".join(row.values())
    for payload in PAYLOADS:
        assert payload in cells, f"regions.csv lacks {payload!r}"
    assert row["name"] == PAYLOADS[2] and row["prefecture"] == PAYLOADS[0]

    region = next(r for r in json.loads((site / "data" / "regions.json").read_text(encoding="utf-8")) if r["slug"] == slug)
    strings = []

    def walk(node):
        if isinstance(node, str):
            strings.append(node)
        elif isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(region)
    for payload in PAYLOADS:
        assert payload in strings, f"regions.json lacks {payload!r} as a value"
    data = hostile["data"]
    assert region["name"] == data["name"] and region["headline"] == data["headline"]
    assert list(region["ict_systems"]) == data["ict_systems"]
    assert [a["label"] for a in region["diagram"]["actors"]] == [a["label"] for a in data["diagram"]["actors"]]


def test_hostile_survey_labels_show_as_text_in_charts_tables_and_csv(open_context, hostile, hostile_url):
    context, watcher = open_context(hostile_url)
    page = context.new_page()
    page.goto(hostile_url + "survey/s2/index.html", wait_until="load")
    assert not page.evaluate(DOM_CHECK)
    chart_text = page.evaluate("() => [...document.querySelectorAll('#s2-7 svg text')].map(t => t.textContent).join('\\n')")
    table_text = page.locator("#s2-7 table").text_content()  # inside a closed <details>
    for payload in PAYLOADS[:4]:  # short enough to stay on one chart line unwrapped
        assert payload in chart_text, f"chart lacks {payload!r}"
        assert payload in table_text, f"table lacks {payload!r}"
    problems = watcher.problems(page)
    page.close()
    assert not problems, problems
    shipped = (hostile["site"] / "data" / SURVEY_FILE).read_text(encoding="utf-8")
    for payload in PAYLOADS:
        assert payload in shipped
