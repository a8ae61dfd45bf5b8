"""Order and ties: the presorted region pages list the cases exactly as the report's index tables do."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from html_tree import parse

from conftest import ROOT

REPORT_ORDER = yaml.safe_load((ROOT / "tests" / "fixtures" / "report_index_order.yaml").read_text(encoding="utf-8"))


def listed_numbers(site: Path, rel: str) -> list[int]:
    doc = parse((site / rel).read_text(encoding="utf-8"))
    table = doc.find("table", **{"data-module": "region-table"})
    return [int(row.attrs["data-number"]) for row in table.find("tbody").find_all("tr")]


@pytest.mark.unit
def test_the_transcribed_order_has_every_case_once(real_site):
    numbers = sorted(r.number for r in real_site.regions)
    for key, order in REPORT_ORDER.items():
        assert sorted(order) == numbers, key


@pytest.mark.site
@pytest.mark.parametrize("key", sorted(REPORT_ORDER))
def test_presorted_page_follows_the_report_index_order(built_site, key):
    assert listed_numbers(built_site, f"regions/by-{key}/index.html") == REPORT_ORDER[key]


@pytest.mark.site
def test_tied_cases_keep_the_report_order(built_site, real_site):
    # The report prints 8 (長岡市) before 13 (長崎市): both 15.1% aged 75 and over.
    tied = [r.number for r in real_site.regions if r.population.rate_75_printed == 15.1]
    assert tied == [8, 13]
    order = listed_numbers(built_site, "regions/by-rate-75/index.html")
    assert order.index(8) + 1 == order.index(13)


@pytest.mark.site
def test_the_unsorted_index_lists_cases_by_number(built_site, real_site):
    assert listed_numbers(built_site, "regions/index.html") == sorted(r.number for r in real_site.regions)
