"""What a reader downloads and reads, checked without the goldens: regions.csv against the region files read
directly, and hostile text in every text field of a region shown as text on every page."""
from __future__ import annotations

import pytest

import csv
import io
import re
from pathlib import Path

import pytest
import yaml

from casebook.build import build_site

from conftest import ROOT

pytestmark = pytest.mark.site

PAYLOAD = '<b class="hostile">x</b>'


def region_files(root: Path) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / "regions").glob("*.yaml"))]


def test_regions_csv_matches_the_region_files(built_site):
    axis = {m["code"]: m["axis"] for m in yaml.safe_load((ROOT / "content/models.yaml").read_text(encoding="utf-8"))}
    rows = list(csv.DictReader(io.StringIO((built_site / "data/regions.csv").read_text(encoding="utf-8-sig"))))
    regions = region_files(ROOT)
    assert [int(r["number"]) for r in rows] == [r["number"] for r in regions]
    for row, r in zip(rows, regions):
        p = r["population"]
        expected = {
            "slug": r["slug"], "name": r["name"], "prefecture": r["prefecture"],
            "municipalities": "、".join(r["municipalities"]), "organisations": "、".join(r["organisations"]),
            "population_total": str(p["total"]), "aged_65_plus": str(p["aged_65_plus"]),
            "aged_75_plus": str(p["aged_75_plus"]), "report_page": str(r["report_page"]),
            "vertical_models": " ".join(m["code"] for m in r["models"] if axis[m["code"]] == "vertical"),
            "horizontal_models": " ".join(m["code"] for m in r["models"] if axis[m["code"]] == "horizontal"),
            "ict_systems": "、".join(r["ict_systems"] or []),
            "survey_respondents": str(r["survey"]["respondents"]),
        }
        for column, value in expected.items():
            assert row[column] == value, (r["slug"], column)
        for column in ("rate_65_printed", "rate_75_printed"):
            assert float(row[column]) == p[column], (r["slug"], column)


def _poison(value):
    if isinstance(value, str):
        return value + PAYLOAD
    if isinstance(value, list):
        return [_poison(v) for v in value]
    return value


def test_hostile_text_in_every_text_field_of_a_region_is_escaped_on_every_page(project, tmp_path):
    path = project / "regions/10-komagane.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("name", "prefecture", "municipalities", "organisations", "headline", "highlights", "ict_systems"):
        data[key] = _poison(data[key]) or [PAYLOAD]
    for m in data["models"]:
        m["label"] = _poison(m["label"])
    for actor in data["diagram"]["actors"]:
        actor["label"] = _poison(actor["label"])
    for key in ("organisation", "target"):
        data["survey"][key] = _poison(data["survey"][key])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    build_site(project, out, log=lambda _: None)
    escaped_somewhere = 0
    for page in sorted(out.rglob("*")):
        if page.suffix not in (".html", ".svg", ".xml"):
            continue
        text = page.read_text(encoding="utf-8")
        assert "<b class" not in text, f"{page.relative_to(out)} shows region text as markup"
        escaped_somewhere += text.count("&lt;b class=")
    assert escaped_somewhere > 20, "the hostile text should be shown (escaped) on the case page, index, map, …"


# A cell a spreadsheet would run as a formula, as the site's own downloads must write it: (value, cell written).
FORMULA_CELLS = [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3+cmd|x", "'-2+3+cmd|x"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\tA", "'\tA"),
    ("-1.5", "-1.5"),  # a figure stays a figure
    ("12", "12"),
    ("―うち自宅", "―うち自宅"),
]


def _cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")) for cell in row]


@pytest.mark.parametrize("value, written", FORMULA_CELLS, ids=[repr(v)[:20] for v, _ in FORMULA_CELLS])
def test_the_sites_own_csv_downloads_never_hold_a_formula(project, value, written):
    import zipfile

    from casebook.build import render_site
    path = project / "regions/04-itabashi.yaml"
    yaml_value = value.replace("\t", "\\t").replace("\r", "\\r").replace('"', '\\"')
    path.write_text(path.read_text(encoding="utf-8").replace("  - 板橋区医師会\n", f'  - "{yaml_value}"\n', 1),
                    encoding="utf-8")
    table = project / "survey/s2-4.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("外科,件数,13", '"' + value.replace('"', '""') + '",件数,13'), encoding="utf-8")
    _, output = render_site(project)
    archive = zipfile.ZipFile(io.BytesIO(output.files["data/casebook-data.zip"]))
    for name in ("regions.csv", "survey/s2-4.csv"):
        for content in (output.files[f"data/{name}"], archive.read(f"casebook-data/{name}")):
            cells = _cells(content)
            assert written in cells, (name, cells[:40])
            assert not any(c.startswith(("=", "+", "@", "\t", "\r")) or re.match(r"-(?!\d+(\.\d+)?$)", c)
                           for c in cells), name
    # every figure of the table is as the source prints it
    source, shipped = _cells(table.read_bytes()), _cells(output.files["data/survey/s2-4.csv"])
    assert [c for c in shipped if c != written] == [c for c in source if c != value]


def test_a_carriage_return_cell_is_text_too_though_validation_refuses_it_in_the_sources():
    from casebook.text import spreadsheet_safe
    assert [spreadsheet_safe(v) for v in ("\r=1", "\r", -0.5, 3, "-0")] == ["'\r=1", "'\r", "-0.5", "3", "-0"]
