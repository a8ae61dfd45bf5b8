"""The built site: every page type's structure, golden output of a small fixture site, determinism, safe swaps."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from casebook.build import build_site, render_site
from casebook.errors import DataInvalid
from casebook.write import DuplicateOutput, SiteOutput
from golden_site import GOLDEN, fixture_project, golden_files
from html_tree import parse

from conftest import ROOT


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def page(site: Path, rel: str):
    return parse((site / rel).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- golden output

@pytest.mark.site
def test_fixture_site_matches_golden_output(tmp_path):
    """After an intended change to the output, regenerate with `.venv/bin/python tests/update_golden.py` and review the diff."""
    out = tmp_path / "out"
    build_site(fixture_project(tmp_path), out, log=lambda _: None, expected_regions=None)
    built = golden_files(out)
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in sorted(GOLDEN.rglob("*")) if p.is_file()}
    assert sorted(built) == sorted(expected)
    for rel in expected:
        assert built[rel].decode("utf-8") == expected[rel].decode("utf-8"), rel


@pytest.mark.site
def test_fixture_text_is_escaped_not_interpreted(tmp_path):
    out = tmp_path / "out"
    build_site(fixture_project(tmp_path), out, log=lambda _: None, expected_regions=None)
    case = (out / "regions/alpha/index.html").read_text(encoding="utf-8")
    assert "テスト用の見出し &lt;b&gt;太字ではない&lt;/b&gt;" in case
    assert "<b>太字ではない</b>" not in case
    about = (out / "about/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in about
    assert "<script>alert(1)" not in about


# ---------------------------------------------------------------- every page

@pytest.mark.site
def test_every_page_has_language_title_description_and_policy(built_site):
    titles = {}
    for path in html_pages(built_site):
        doc = parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(built_site).as_posix()
        assert doc.find("html").attrs.get("lang") == "ja", rel
        title = doc.find("title").text.strip()
        assert title and title not in titles, f"{rel} repeats the title of {titles.get(title)}"
        titles[title] = rel
        description = doc.find("meta", name="description")
        assert description is not None and description.attrs["content"].strip(), rel
        csp = doc.find("meta", http_equiv="Content-Security-Policy")
        assert csp is not None and "script-src 'self'" in csp.attrs["content"], rel
        assert "'unsafe-inline'" not in csp.attrs["content"]
        for script in doc.find_all("script"):
            assert script.attrs.get("src") and not script.text.strip(), f"inline script in {rel}"
        assert not [e for e in doc.iter() if "style" in e.attrs], f"inline style attribute in {rel}"
        assert not [e for e in doc.iter() if any(k.startswith("on") for k in e.attrs)], f"event handler attribute in {rel}"
        form = doc.find("form", role="search")
        assert form is not None and form.attrs["action"].endswith("search/index.html"), rel
        assert doc.find("input", name="q") is not None
        footer = doc.by_class("site-footer")
        assert footer and "公式の刊行物ではありません" in footer[0].text, rel


@pytest.mark.site
def test_pages_below_home_have_breadcrumbs_ending_at_the_current_page(built_site):
    for path in html_pages(built_site):
        rel = path.relative_to(built_site).as_posix()
        if rel in ("index.html", "404.html"):
            continue
        doc = parse(path.read_text(encoding="utf-8"))
        crumbs = doc.by_class("crumbs")
        assert crumbs, rel
        current = crumbs[0].find(aria_current="page")
        assert current is not None and current.text.strip(), rel


@pytest.mark.site
def test_links_are_relative_so_the_site_opens_from_disk(built_site):
    for path in html_pages(built_site):
        if path.name == "404.html":
            continue
        doc = parse(path.read_text(encoding="utf-8"))
        for element in doc.iter():
            target = element.attrs.get("href") or element.attrs.get("src")
            if target and element.tag in ("a", "link", "script", "img"):
                assert not target.startswith(("/", "http:", "https:", "//")), f"{path}: {target}"


@pytest.mark.site
def test_build_writes_the_fixed_urls(built_site, real_site):
    expected = ["index.html", "regions/index.html", "models/index.html", "survey/index.html", "about/index.html",
                "data/index.html", "search/index.html", "404.html", "sitemap.xml", "robots.txt", "favicon.svg",
                "data/regions.csv", "data/regions.json", "data/models.json", "data/casebook-data.zip"]
    expected += [f"regions/by-{k}/index.html" for k in ("population", "aged-65", "aged-75", "rate-65", "rate-75")]
    expected += [f"regions/{r.slug}/index.html" for r in real_site.regions]
    expected += [f"models/{m.slug}/index.html" for m in real_site.models]
    expected += [f"data/survey/{t.csv}" for t in real_site.survey]
    missing = [rel for rel in expected if not (built_site / rel).is_file()]
    assert not missing


@pytest.mark.unit
def test_model_urls_use_the_fixed_codes(real_site):
    slugs = [m.slug for m in real_site.models]
    assert slugs == ["v-a", "v-b1", "v-b2", "v-c1", "v-c2", "v-c3", "v-c4", "v-c5", "v-d", "v-e",
                     "h-a1", "h-a2", "h-a3", "h-a4", "h-i1", "h-i2", "h-i3", "h-i4", "h-u"]


# ---------------------------------------------------------------- region index

@pytest.mark.site
def test_region_index_lists_every_region_with_its_figures(built_site, real_site):
    doc = page(built_site, "regions/index.html")
    table = doc.find("table")
    assert table.find("caption").text.strip()
    headers = [th.text.strip() for th in table.find("thead").find_all("th")]
    assert len(headers) == 11 and all(th.attrs.get("scope") == "col" for th in table.find("thead").find_all("th"))
    rows = table.find("tbody").find_all("tr")
    assert [int(r.attrs["data-number"]) for r in rows] == [r.number for r in real_site.regions]
    for row, region in zip(rows, real_site.regions):
        assert row.find("th").attrs.get("scope") == "row"
        cells = [td.text.strip() for td in row.find_all("td")]
        assert f"{region.population.total:,}" in cells
        assert f"{region.population.rate_65_printed:.1f}%" in cells
        assert float(row.attrs["data-rate75"]) == region.population.rate_75_printed


@pytest.mark.site
@pytest.mark.parametrize("key, measure", [("population", "total"), ("aged-65", "aged_65_plus"), ("aged-75", "aged_75_plus"),
                                          ("rate-65", "rate_65_printed"), ("rate-75", "rate_75_printed")])
def test_presorted_pages_follow_the_report_index_order(built_site, real_site, key, measure):
    doc = page(built_site, f"regions/by-{key}/index.html")
    numbers = [int(r.attrs["data-number"]) for r in doc.find("tbody").find_all("tr")]
    values = [getattr(real_site.regions[n - 1].population, measure) for n in numbers]
    assert values == sorted(values, reverse=True)
    assert sorted(numbers) == [r.number for r in real_site.regions]


@pytest.mark.site
def test_filters_are_hidden_until_script_enhances_them(built_site):
    doc = page(built_site, "regions/index.html")
    form = doc.find("form", data_module="region-filters")
    assert form is not None and "hidden" in form.attrs
    assert form.find(role="status").attrs.get("aria-live") == "polite"
    assert doc.find("script", src="../js/regions.js") is not None


# ---------------------------------------------------------------- case pages

@pytest.mark.site
def test_case_pages_show_figures_models_survey_notes_and_citation(built_site, real_site):
    for i, region in enumerate(real_site.regions):
        doc = page(built_site, f"regions/{region.slug}/index.html")
        text = doc.text
        assert doc.find("h1").text.strip() == region.name
        assert region.headline in text
        for highlight in region.highlights:
            assert highlight in text
        ranks = [e.text for e in doc.by_class("figures__rank")]
        assert len(ranks) == 5 and all("14地域中" in r for r in ranks)
        badges = doc.by_class("badge")
        assert [b.find(None, **{"class": "badge__code"}).text for b in badges] == [m.code for m in region.models]
        for badge in badges:
            assert (built_site / "regions" / region.slug / badge.attrs["href"]).resolve().is_file()
        for membership in region.models:
            assert f"「{membership.label}」" in text
        assert f"p.{region.report_page}" in doc.find(None, **{"class": "case__cite"}).text
        notes = doc.by_class("source-notes")
        assert bool(notes) == any(n.reader for n in region.source_notes)
        for note in region.source_notes:
            assert (note.reader in text) if note.reader else (note.note not in text)
        if region.diagram.is_empty:
            assert doc.find("svg") is None or not doc.by_class("diagram")
        else:
            svg = doc.by_class("diagram")[0]
            assert svg.find("title") is not None and svg.find("desc") is not None
            for actor in region.diagram.actors:
                assert actor.label[:4] in svg.text
        pager = doc.by_class("pager")[0]
        assert bool(pager.find("a", rel="prev")) == (i > 0)
        assert bool(pager.find("a", rel="next")) == (i < len(real_site.regions) - 1)


@pytest.mark.site
def test_case_page_ranks_match_the_population_order(built_site, real_site):
    by_total = sorted(real_site.regions, key=lambda r: -r.population.total)
    for expected_rank, region in enumerate(by_total, start=1):
        doc = page(built_site, f"regions/{region.slug}/index.html")
        assert doc.by_class("figures__rank")[0].text.strip() == f"14地域中{expected_rank}位"


# ---------------------------------------------------------------- models

@pytest.mark.site
def test_model_pages_list_the_regions_that_name_them(built_site, real_site):
    for model in real_site.models:
        doc = page(built_site, f"models/{model.slug}/index.html")
        listed = [a.attrs["href"] for a in doc.find_all("ul", **{"class": "model-regions"})[0].find_all("a")]
        expected = [f"../../regions/{r.slug}/index.html" for r in real_site.regions if any(m.code == model.code for m in r.models)]
        assert listed == expected
        assert model.title in doc.find("h1").text


# ---------------------------------------------------------------- survey

@pytest.mark.site
def test_survey_sections_show_each_table_with_chart_figures_and_csv(built_site, real_site):
    for table in real_site.survey:
        doc = page(built_site, f"survey/s{table.section_number}/index.html")
        section = doc.find("section", id=table.id)
        assert section is not None, table.id
        assert table.title in section.find("h2").text
        if table.kind in ("counts", "percents"):
            svg = section.find("svg")
            assert svg is not None and svg.attrs.get("role") == "img" and svg.find("title") is not None, table.id
        data_table = section.find("table")
        assert len(data_table.find("tbody").find_all("tr")) == len(table.items) or table.kind == "stats"
        csv_links = [a for a in section.find_all("a") if "download" in a.attrs]
        assert [a.attrs["href"] for a in csv_links] == [f"../../data/survey/{table.csv}"]
        for note in table.source_notes:
            assert (note.reader in section.text) if note.reader else (note.note not in section.text)


@pytest.mark.site
def test_survey_csv_downloads_are_the_source_files_behind_a_bom_for_excel(built_site, real_site):
    for table in real_site.survey:
        shipped = (built_site / "data/survey" / table.csv).read_bytes()
        assert shipped.startswith("\ufeff".encode("utf-8")), table.csv
        assert shipped.removeprefix("\ufeff".encode("utf-8")) == (ROOT / "survey" / table.csv).read_bytes()


# ---------------------------------------------------------------- determinism and safe writes

def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.site
def test_building_twice_gives_byte_identical_files(tmp_path):
    build_site(ROOT, tmp_path / "a", log=lambda _: None)
    build_site(ROOT, tmp_path / "b", log=lambda _: None)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")


@pytest.mark.site
def test_a_failed_build_leaves_the_previous_site_untouched(project, tmp_path):
    out = tmp_path / "site"
    build_site(project, out, log=lambda _: None)
    before = digest(out)
    path = project / "regions/04-itabashi.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("aged_65_plus: 127738", "aged_65_plus: 12万"), encoding="utf-8")
    with pytest.raises(DataInvalid):
        build_site(project, out, log=lambda _: None)
    assert digest(out) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")]  # nothing beside the site


@pytest.mark.unit
def test_the_writer_refuses_to_write_one_path_twice():
    output = SiteOutput()
    output.add("regions/alpha/index.html", "a")
    with pytest.raises(DuplicateOutput):
        output.add("regions/alpha/index.html", "b")


@pytest.mark.site
def test_downloads_are_complete(tmp_path, real_site):
    import json
    import zipfile
    _, output = render_site(ROOT)
    regions = json.loads(output.files["data/regions.json"])
    assert [r["slug"] for r in regions] == [r.slug for r in real_site.regions]
    csv_lines = output.files["data/regions.csv"].decode("utf-8-sig").splitlines()
    assert len(csv_lines) == 15
    models = json.loads(output.files["data/models.json"])
    assert {m["code"]: len(m["regions"]) for m in models} == {m.code: len(m.regions) for m in real_site.models}
    with zipfile.ZipFile(__import__("io").BytesIO(output.files["data/casebook-data.zip"])) as archive:
        names = archive.namelist()
        # Unpacked, every file is readable by all and executable by none (rw-r--r--), on every build.
        assert {oct(info.external_attr >> 16) for info in archive.infolist()} == {oct(0o644)}
        # and each is byte for byte the download beside the archive
        assert all(archive.read(name) == output.files["data/" + name.removeprefix("casebook-data/")] for name in names)
    assert "casebook-data/regions.csv" in names
    assert all(f"casebook-data/survey/{t.csv}" in names for t in real_site.survey)


@pytest.mark.site
def test_every_folder_of_the_site_under_regions_is_refused_as_a_region_slug(built_site, real_site):
    """A page the site writes under /regions/ (print, by-*) must be a slug validation refuses, or a region could
    take its address; a new page there fails this test until the reservation names it."""
    from casebook.schema import RESERVED_REGION_PREFIXES, RESERVED_REGION_SLUGS
    slugs = {r.slug for r in real_site.regions}
    pages = sorted(d.name for d in (built_site / "regions").iterdir() if d.is_dir() and d.name not in slugs)
    assert "print" in pages and len([p for p in pages if p.startswith("by-")]) == 5, pages
    unguarded = [p for p in pages if p not in RESERVED_REGION_SLUGS and not p.startswith(tuple(RESERVED_REGION_PREFIXES))]
    assert not unguarded, f"site pages under /regions/ a region slug could take: {unguarded}"
