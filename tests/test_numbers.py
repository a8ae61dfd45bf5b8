"""Every figure a reader sees — on the survey charts (SVG), in the figures tables (HTML), in the CSV downloads and
in the region figures — equals a value computed here from the source files, read without casebook.

A share is count / n × 100 rounded half up to the printed precision (decimal ROUND_HALF_UP): Japanese statistics
round half up, while round() and format strings round the binary float half to even (6.25 → 6.2, 33.85 → 33.8).
Run on the real site and on the golden mini fixture, whose counts do not divide evenly and hit exact halves."""
from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

from casebook.build import build_site
from casebook.charts import PHONE, WIDE, pct, share
from casebook.localsurvey.compare import percent as local_share
from golden_site import FIXTURE, fixture_project
from html_tree import Element, parse

from conftest import ROOT


def half_up(value: Decimal | str | int, places: str = "0.1") -> Decimal:
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def expected_share(count: int, n: int) -> str:
    return f"{half_up(Decimal(count) * 100 / Decimal(n))}%"


@pytest.mark.unit
def test_shares_round_half_up_not_half_even():
    # 677 / 2000 = 33.85 exactly; as a float it is 33.8499…, and f"{:.1f}" prints 33.8.
    assert share(677, 2000) == "33.9%"
    assert share(1, 16) == "6.3%" and share(5, 16) == "31.3%" and share(7, 16) == "43.8%"
    assert share(1, 3) == "33.3%" and share(2, 3) == "66.7%" and share(1, 7) == "14.3%"
    assert share(16, 16) == "100.0%" and share(0, 16) == "0.0%"
    assert share(1, 0) == "—"
    assert pct(12.25) == "12.3%" and pct(0.05) == "0.1%" and pct(100) == "100.0%"
    # The local-survey comparison pages round a region's shares the same way.
    assert local_share(1, 16) == "6.3" and local_share(677, 2000) == "33.9" and local_share(2, 3) == "66.7"
    assert local_share(1, 8) == "12.5" and local_share(1, 2000) == "0.1" and local_share(0, 5) == "0.0"


# ---------------------------------------------------------------- the two sites


@pytest.fixture(scope="module")
def mini_built(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("mini-numbers")
    out = tmp / "out"
    build_site(fixture_project(tmp), out, log=lambda _: None, expected_regions=None)
    return out


@pytest.fixture(params=["real", "mini"])
def site(request) -> tuple[Path, Path]:
    """(source folder, built site)."""
    if request.param == "real":
        return ROOT, request.getfixturevalue("built_site")
    return FIXTURE, request.getfixturevalue("mini_built")


def source_tables(project: Path) -> list[dict]:
    tables = yaml.safe_load((project / "survey/tables.yaml").read_text(encoding="utf-8"))
    for t in tables:
        with open(project / "survey" / t["csv"], encoding="utf-8-sig", newline="") as f:
            t["rows"] = list(csv.DictReader(f))
    return tables


def by_item(rows: list[dict], column: str) -> dict[str, dict[str, str]]:
    items: dict[str, dict[str, str]] = {}
    for row in rows:
        items.setdefault(row["item"], {})[row["series"]] = row[column]
    return items


def sections(site: Path) -> dict[str, Element]:
    found = {}
    for page in sorted((site / "survey").glob("s*/index.html")):
        for section in parse(page.read_text(encoding="utf-8")).find_all("section"):
            if section.has_class("survey-table"):
                found[section.attrs["id"]] = section
    return found


def table_rows(section: Element) -> list[list[str]]:
    body = section.find("table").find("tbody")
    return [[cell.text.strip() for cell in tr.children if isinstance(cell, Element)] for tr in body.find_all("tr")]


def chart_texts(svg: Element | None) -> list[str]:
    return [] if svg is None else [t.text for t in svg.find_all("text") if t.find("tspan") is None]


def count_text(count: int) -> str:
    return f"{count:,}"


@pytest.mark.site
def test_every_survey_table_is_on_a_survey_page(site):
    project, built = site
    ids = [t["id"] for t in source_tables(project)]
    assert set(ids) <= set(sections(built)), sorted(set(ids) - set(sections(built)))


@pytest.mark.site
def test_figures_tables_show_the_csv_counts_and_shares_rounded_half_up(site):
    project, built = site
    pages = sections(built)
    checked = 0
    for t in source_tables(project):
        rows = table_rows(pages[t["id"]])
        if t["kind"] == "stats":
            expected = [[r["item"]] + [r[c] for c in ("n", "mean", "median", "min", "max")] for r in t["rows"]]
        else:
            column = {"counts": "count", "percents": "percent", "values": "printed"}[t["kind"]]
            expected = []
            for item, cells in by_item(t["rows"], column).items():
                shown = [cells.get(s, "") for s in t["series"]]
                if t["kind"] == "counts":
                    shown = [str(int(c)) if c != "" else "" for c in shown]
                    if len(t["series"]) == 1 and t["n"]:
                        shown.append(expected_share(int(cells[t["series"][0]]), t["n"]))
                elif t["kind"] == "percents":
                    shown = [str(half_up(c)) if c != "" else "" for c in shown]
                expected.append([item] + shown)
        assert rows == expected, t["id"]
        checked += len(rows)
    assert checked > 0


@pytest.mark.site
def test_charts_print_the_csv_counts_and_shares_rounded_half_up(site):
    project, built = site
    pages = sections(built)
    kinds = set()
    # Each chart is drawn twice (the wide drawing first, then the phone's); both must show the same figures.
    for t, (svg, BAR_W) in ((t, drawing) for t in source_tables(project)
                            for drawing in zip(pages[t["id"]].find_all("svg") or [None], (WIDE.bar_w, PHONE.bar_w))):
        texts = chart_texts(svg)
        if t["kind"] == "counts" and len(t["series"]) == 1 and t["chart"] != "table":
            kinds.add("single")
            items = by_item(t["rows"], "count")
            expected = []
            for cells in items.values():
                count = int(cells.get(t["series"][0], 0))
                expected.append(f"{count_text(count)}{t['unit']}（{expected_share(count, t['n'])}）" if t["unit"] == "件"
                                else f"{count_text(count)}{t['unit']}")
            assert texts[-len(expected):] == expected, t["id"]
            # Bars are to scale: each bar's width is its count over the largest count.
            peak = max(int(c.get(t["series"][0], 0)) for c in items.values()) or 1
            widths = [float(r.attrs["width"]) for r in svg.find_all("rect")]
            assert len(widths) == len(items), t["id"]
            for width, cells in zip(widths, items.values()):
                assert abs(width - BAR_W * int(cells.get(t["series"][0], 0)) / peak) <= 0.051, t["id"]
        elif t["kind"] == "counts" and t["chart"] != "table":
            kinds.add("stacked")
            items = by_item(t["rows"], "count")
            totals = [x for x in texts if x.startswith("計")]
            assert totals == [f"計{count_text(sum(int(v) for v in c.values()))}" for c in items.values()], t["id"]
            # A segment wide enough for its figure prints that figure: each is one of its item's counts, in order.
            segments = [e.text for e in svg.by_class("chart__seg")]
            flat = [count_text(int(c.get(s, 0))) for c in items.values() for s in t["series"]]
            it = iter(flat)
            assert all(any(seg == f for f in it) for seg in segments), t["id"]
        elif t["kind"] == "percents" and t["chart"] != "table":
            kinds.add("grouped")
            expected = [f"{half_up(c.get(s) or '0')}%" for c in by_item(t["rows"], "percent").values() for s in t["series"]]
            assert [x for x in texts if x.endswith("%")] == expected, t["id"]
        else:
            continue
    assert kinds >= {"single", "grouped"} or not kinds


@pytest.mark.site
def test_survey_csv_downloads_hold_the_figures_the_pages_show(site):
    project, built = site
    pages = sections(built)
    for t in source_tables(project):
        shipped = (built / "data/survey" / t["csv"]).read_bytes()
        assert shipped.startswith("\ufeff".encode()), t["csv"]
        assert shipped.decode("utf-8-sig") == (project / "survey" / t["csv"]).read_text(encoding="utf-8-sig"), t["csv"]
        rows = list(csv.DictReader(io.StringIO(shipped.decode("utf-8-sig"))))
        shown = table_rows(pages[t["id"]])
        if t["kind"] == "counts":
            for item, cells in by_item(rows, "count").items():
                row = next(r for r in shown if r[0] == item)
                assert row[1:1 + len(t["series"])] == [cells.get(s, "") for s in t["series"]], (t["id"], item)


def region_files(project: Path) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((project / "regions").glob("*.yaml"))]


def region_figures(r: dict) -> list[str]:
    p = r["population"]
    rate65 = f"{half_up(Decimal(p['aged_65_plus']) * 100 / Decimal(p['total']))}%"
    rate75 = f"{half_up(Decimal(p['aged_75_plus']) * 100 / Decimal(p['total']))}%"
    return [f"{p['total']:,}", f"{p['aged_65_plus']:,}", rate65, f"{p['aged_75_plus']:,}", rate75]


@pytest.mark.site
def test_region_figures_on_case_pages_table_and_csv_are_the_counts_and_their_rates(site):
    project, built = site
    regions = region_files(project)
    table = parse((built / "regions/index.html").read_text(encoding="utf-8")).find("table")
    rows = {tr.find("a").attrs["href"].split("/")[-2]: tr for tr in table.find("tbody").find_all("tr")}
    csv_rows = {row["slug"]: row for row in csv.DictReader(io.StringIO((built / "data/regions.csv").read_text(encoding="utf-8-sig")))}
    assert len(rows) == len(regions)
    for r in regions:
        expected = region_figures(r)
        case = parse((built / "regions" / r["slug"] / "index.html").read_text(encoding="utf-8"))
        values = [e.text.strip() for e in case.by_class("figures__value")]
        assert values == [v if v.endswith("%") else v + "人" for v in expected], r["slug"]
        cells = [td.text.strip() for td in rows[r["slug"]].find_all("td") if td.has_class("num")]
        assert cells[1:6] == expected, r["slug"]
        row = csv_rows[r["slug"]]
        assert [row[c] for c in ("population_total", "aged_65_plus", "rate_65_printed", "aged_75_plus", "rate_75_printed")] \
            == [v.replace(",", "").rstrip("%") for v in expected], r["slug"]


# ---------------------------------------------------------------- chart drawing rules (synthetic tables)


def _counts_table(rows: list[tuple[str, str, int]], series: tuple[str, ...], n: int):
    import pandas as pd

    from casebook.model import Columns, SurveyTable
    data = pd.DataFrame(rows, columns=["item", "series", "count"])
    return SurveyTable(id="t", section="（１）", number=None, title="表", n=n, answer="single", kind="counts",
                       chart="stacked-bar", series=series, unit="件", csv="t.csv", quoted=(), notes=(), source_lines="1",
                       prose=None, figures=Columns.of_frame(data), cells=Columns.of_frame(data.astype(str)))


@pytest.mark.unit
def test_every_series_of_a_stacked_chart_has_its_own_fill_and_pattern():
    from casebook.charts import PATTERNS, render_chart
    series = tuple(f"系列{i}" for i in range(5))
    svg = str(render_chart(_counts_table([("問", s, 10) for s in series], series, 50), "c"))
    doc = parse(svg)
    defined = {p.attrs["id"] for p in doc.find_all("pattern")}
    assert defined == {f"c-p{i}" for i, kind in enumerate(PATTERNS[:5]) if kind != "solid"}
    assert {"hatch", "dots", "cross"} <= set(PATTERNS[:5])
    from casebook.charts import WIDE
    # the wide drawing's stacked bar (each chart is drawn for desktop/paper and for a phone)
    fills = [r.attrs["fill"] for r in doc.find_all("rect") if r.attrs.get("height") == str(WIDE.bar_h + 2)]
    assert len(set(fills)) == 5  # five segments, five different fills
    assert all(f"url(#{pid})" in fills for pid in defined)
    assert all(p.find_all() for p in doc.find_all("pattern"))  # each pattern draws its marks


@pytest.mark.unit
def test_a_stacked_segment_prints_its_figure_from_22_px_and_a_missing_cell_counts_as_zero():
    from casebook.charts import render_chart
    # 11 of a peak of 135 is 270 × 11 / 135 = 22.0 px exactly: wide enough for its label.
    table = _counts_table([("問一", "あり", 11), ("問一", "なし", 124), ("問二", "あり", 3)], ("あり", "なし"), 135)
    doc = parse(str(render_chart(table, "c")))
    assert [e.text for e in doc.by_class("chart__seg")] == ["11", "124"]  # 3 is 6 px: no room for its figure
    assert [t.text for t in doc.find_all("text") if t.text.startswith("計")] == ["計135", "計3"]
    assert doc.find("desc").text == "問一：あり 11、なし 124。問二：あり 3、なし 0"


@pytest.mark.unit
def test_a_grouped_chart_draws_a_missing_cell_as_zero_and_cuts_a_long_label_at_three_lines():
    import pandas as pd

    from casebook.charts import PHONE, render_chart
    from casebook.model import Columns, SurveyTable
    # The source often prints no zero: 問二 has no 病院 row.  On a phone the label stands above its bars and
    # may take three lines at most.
    long_item = "在宅医療に取り組む診療所の医師が患者の急変時に往診や入院の受け入れで連携する病院との関係" * 2
    data = pd.DataFrame([("問一", "診療所", 40.0), ("問一", "病院", 60.0), ("問二", "診療所", 25.5),
                         (long_item, "診療所", 10.0), (long_item, "病院", 5.0)], columns=["item", "series", "percent"])
    table = SurveyTable(id="t", section="（１）", number=None, title="表", n=100, answer="single", kind="percents",
                        chart="grouped-bar", series=("診療所", "病院"), unit="%", csv="t.csv", quoted=(), notes=(),
                        source_lines="1", prose=None, figures=Columns.of_frame(data), cells=Columns.of_frame(data.astype(str)))
    doc = parse(str(render_chart(table, "c")))
    assert "問二：診療所 25.5%、病院 0.0%" in doc.find("desc").text
    assert [t.text for t in doc.find_all("text") if t.text.endswith("%")][:4] == ["40.0%", "60.0%", "25.5%", "0.0%"]
    phone = parse(str(render_chart(table, "n", PHONE)))
    blocks = [[span.text for span in t.find_all("tspan")] for t in phone.find_all("text")]
    label = next(b for b in blocks if b and b[0].startswith("在宅医療"))
    assert len(label) == 3 and label[-1].endswith("…"), label
