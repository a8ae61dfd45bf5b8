"""Cross-checks on the real data (issue 2), phrased as what a reader of the report can rely on.

Figures are recomputed here from the loaded counts, independently of casebook/validate.py, so a bug in
the validator does not hide a bug in the data.
"""
from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from casebook import schema

pytestmark = pytest.mark.unit

REGION_SLUGS = ("kamaishi", "tsuruoka", "mibu", "itabashi", "kashiwa", "yokohama-aoba", "yokosuka", "nagaoka",
                "sakai", "komagane", "shizuoka", "fukuoka-minami", "nagasaki", "usuki")
TOTAL_RESPONDENTS = 124  # 回答者数: 合計


def has_source_note(notes, field: str) -> bool:
    return any(n.field == field or n.field.startswith(field + ".") for n in notes)


def rate(part: int, total: int) -> Decimal:
    """part / total in %, to one decimal, rounded half up as Japanese statistics are."""
    return (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- regions

def test_the_fourteen_cases_in_report_order(real_site, root):
    assert [r.number for r in real_site.regions] == list(range(1, 15))
    assert tuple(r.slug for r in real_site.regions) == REGION_SLUGS
    assert sorted(p.name for p in (root / "regions").glob("*.yaml")) == [
        f"{n:02d}-{slug}.yaml" for n, slug in enumerate(REGION_SLUGS, 1)]
    assert [r.path for r in real_site.regions] == [f"regions/{n:02d}-{s}.yaml" for n, s in enumerate(REGION_SLUGS, 1)]


def test_cases_start_on_increasing_report_pages(real_site):
    pages = [r.report_page for r in real_site.regions]
    assert pages == sorted(pages) and len(set(pages)) == 14


def test_names_and_places_are_filled_in(real_site):
    for region in real_site.regions:
        assert region.name and region.prefecture and region.headline, region.slug
        assert region.name.startswith(region.prefecture), region.slug
        assert region.municipalities and region.organisations and region.highlights, region.slug
        assert len(set(region.highlights)) == len(region.highlights), region.slug


def test_population_counts_are_nested(real_site):
    for region in real_site.regions:
        pop = region.population
        assert 0 < pop.aged_75_plus <= pop.aged_65_plus <= pop.total, region.slug


def test_every_printed_aging_rate_is_reproduced_from_the_counts(real_site):
    checked = 0
    for region in real_site.regions:
        pop = region.population
        for name, aged in (("rate_65_printed", pop.aged_65_plus), ("rate_75_printed", pop.aged_75_plus)):
            if has_source_note(region.source_notes, f"population.{name}"):
                continue  # printed otherwise in the report; the note says so
            printed = Decimal(str(getattr(pop, name)))
            assert rate(aged, pop.total) == printed, f"{region.slug} population.{name}"
            checked += 1
    assert checked >= 2 * 14 - 2, "most rates must be reproducible, not excused by notes"


def test_rates_are_plausible_percentages(real_site):
    for region in real_site.regions:
        pop = region.population
        assert 0 < pop.rate_75_printed < pop.rate_65_printed < 100, region.slug


# ---------------------------------------------------------------- models

def test_nineteen_models_in_taxonomy_order(real_site):
    assert tuple(m.code for m in real_site.models) == schema.MODEL_CODES
    for model in real_site.models:
        assert model.axis == ("vertical" if model.code in schema.VERTICAL_CODES else "horizontal"), model.code
    assert len({m.slug for m in real_site.models}) == 19


def test_every_model_has_at_least_one_region(real_site):
    for model in real_site.models:
        assert model.regions, f"model {model.code} has no region"


def test_each_region_lists_known_models_once_in_taxonomy_order(real_site):
    for region in real_site.regions:
        codes = [m.code for m in region.models]
        assert codes, region.slug
        assert len(codes) == len(set(codes)), f"{region.slug} lists a model twice"
        assert set(codes) <= set(schema.MODEL_CODES), region.slug
        # Listed in taxonomy order, vertical before horizontal.
        assert codes == sorted(codes, key=schema.MODEL_CODES.index), region.slug


def test_model_membership_is_derived_from_the_region_files(real_site):
    memberships = Counter(m.code for r in real_site.regions for m in r.models)
    for model in real_site.models:
        listing = [r.number for r in real_site.regions if any(m.code == model.code for m in r.models)]
        assert [r.number for r in model.regions] == listing, model.code
        assert len(model.regions) == memberships[model.code], model.code
    assert sum(len(m.regions) for m in real_site.models) == sum(len(r.models) for r in real_site.regions)


def test_membership_pages_point_into_the_case(real_site):
    regions = list(real_site.regions)
    for i, region in enumerate(regions):
        end = regions[i + 1].report_page if i + 1 < len(regions) else None
        for m in region.models:
            assert m.label, f"{region.slug} {m.code}"
            assert m.page == region.report_page, f"{region.slug} {m.code}"
            if m.figure_page is not None:
                assert region.report_page < m.figure_page and (end is None or m.figure_page < end), \
                    f"{region.slug} {m.code} figure_page {m.figure_page}"


def test_diagram_links_join_actors_of_the_same_diagram(real_site):
    diagrams = [(r.slug, r.diagram) for r in real_site.regions] + [(m.code, m.diagram) for m in real_site.models]
    for name, diagram in diagrams:
        ids = [a.id for a in diagram.actors]
        assert len(ids) == len(set(ids)), name
        for link in diagram.links:
            assert link.source in ids and link.target in ids, f"{name}: {link}"
    # Every model is drawn; a region may lack its diagram only where a note says why.
    assert all(not m.diagram.is_empty for m in real_site.models)
    for region in real_site.regions:
        assert not region.diagram.is_empty or has_source_note(region.source_notes, "diagram"), region.slug


# ---------------------------------------------------------------- survey and respondents

def table(site, table_id: str):
    return next(t for t in site.survey if t.id == table_id)


def test_respondents_add_up_to_the_respondents_table(real_site):
    s1 = table(real_site, "s1")
    counts = dict(zip(s1.data["item"], s1.data["count"]))
    assert s1.n == TOTAL_RESPONDENTS
    assert sum(r.survey.respondents for r in real_site.regions) + counts["無回答"] == TOTAL_RESPONDENTS
    assert sum(counts.values()) == TOTAL_RESPONDENTS


def test_each_surveyed_region_is_one_column_of_the_respondents_table(real_site):
    s1 = table(real_site, "s1")
    counts = dict(zip(s1.data["item"], s1.data["count"]))
    areas = [r.survey.respondent_area for r in real_site.regions if r.survey.respondent_area is not None]
    assert sorted(areas) == sorted(set(counts) - {"無回答"})
    for region in real_site.regions:
        survey = region.survey
        if survey.respondent_area is None:
            assert survey.respondents == 0 and survey.not_surveyed_reason, region.slug
        else:
            assert counts[survey.respondent_area] == survey.respondents, region.slug
            assert survey.not_surveyed_reason is None, region.slug
        assert survey.respondents <= survey.clinics + survey.hospitals, region.slug


def test_each_figure_the_report_quotes_for_a_table_is_kept_in_order(real_site, root):
    # The survey pages print these beside the table; read here from tables.yaml without casebook.
    import yaml
    listed = {t["id"]: t.get("quoted") or [] for t in yaml.safe_load((root / "survey/tables.yaml").read_text(encoding="utf-8"))}
    assert sum(map(len, listed.values())) > 10
    for t in real_site.survey:
        assert [(q.text, q.value, q.unit) for q in t.quoted] == [(q["text"], q["value"], q["unit"]) for q in listed[t.id]], t.id


def test_survey_tables_and_csv_files_match_one_to_one(real_site, root):
    ids = [t.id for t in real_site.survey]
    assert len(ids) == len(set(ids))
    assert sorted(t.csv for t in real_site.survey) == sorted(p.name for p in (root / "survey").glob("*.csv"))
    for t in real_site.survey:
        assert t.csv == f"{t.id}.csv"


def test_no_table_counts_more_respondents_than_answered(real_site):
    for t in real_site.survey:
        if t.n is not None:
            assert 0 < t.n <= TOTAL_RESPONDENTS, t.id
        if t.kind == "stats":
            assert (t.data["n"] <= TOTAL_RESPONDENTS).all(), t.id
            assert ((t.data["min"] <= t.data["median"]) & (t.data["median"] <= t.data["max"])).all(), t.id
            assert ((t.data["min"] <= t.data["mean"]) & (t.data["mean"] <= t.data["max"])).all(), t.id
        if t.kind == "percents":
            assert ((0 <= t.data["percent"]) & (t.data["percent"] <= 100)).all(), t.id


def test_series_of_every_table_are_the_listed_ones(real_site):
    for t in real_site.survey:
        if "series" in t.data.columns:
            assert list(dict.fromkeys(t.data["series"])) == list(t.series), t.id


def adds_up(t) -> bool:
    counts = t.data["count"]
    if counts.sum() == t.n:  # each respondent in exactly one cell
        return True
    per_item = t.data.groupby("item", sort=False)["count"].sum()
    return bool((per_item == t.n).all())  # one stacked bar per question, each answered once


def single_answer_count_tables(site):
    return [t for t in site.survey if t.answer == "single" and t.kind == "counts"]


def test_each_single_answer_chart_adds_up_to_its_n_or_says_why_not(real_site):
    tables = single_answer_count_tables(real_site)
    assert len(tables) >= 10
    unexplained = [t.id for t in tables if not adds_up(t) and not t.source_notes]
    assert unexplained == []


def test_most_single_answer_charts_add_up_without_excuse(real_site):
    # The escape hatch (a source_notes entry) is for printed discrepancies, not a habit.
    tables = single_answer_count_tables(real_site)
    not_adding_up = [t.id for t in tables if not adds_up(t)]
    assert len(not_adding_up) <= 2, not_adding_up


def test_multiple_answer_counts_never_exceed_n_without_a_note(real_site):
    for t in real_site.survey:
        if t.answer == "multiple" and t.kind == "counts" and not t.source_notes:
            assert (t.data["count"] <= t.n).all(), t.id


# ---------------------------------------------------------------- text

def test_no_stored_text_holds_pdf_artifacts(root):
    from casebook.text import artifacts_in
    for path in sorted(p for d in ("regions", "content", "survey") for p in (root / d).rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        assert artifacts_in(text) == [], path.relative_to(root).as_posix()


def test_pages_and_free_text(real_site):
    slugs = [p.slug for p in real_site.pages]
    assert len(slugs) == len(set(slugs)) and len(slugs) >= 3
    assert [p.order for p in real_site.pages] == sorted(p.order for p in real_site.pages)
    assert real_site.free_text and all(g.category and g.opinions for g in real_site.free_text)


def test_each_case_diagram_keeps_its_title_and_notes_as_the_region_file_gives_them(real_site, root):
    # Read here from the region files without casebook: the case page prints the title above the drawing.
    import yaml
    for region in real_site.regions:
        raw = yaml.safe_load((root / "regions" / f"{region.number:02d}-{region.slug}.yaml").read_text(encoding="utf-8"))
        assert region.diagram.title == raw["diagram"].get("title"), region.slug
        assert list(region.diagram.notes) == [n for n in raw["diagram"].get("notes") or [] if n], region.slug
    assert sum(bool(r.diagram.title) for r in real_site.regions) >= 4  # four case drawings have a printed title
