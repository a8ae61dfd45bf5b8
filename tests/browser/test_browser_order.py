"""The region table's sort buttons give, for each measure sorted high to low, the report's index order, ties included."""
from __future__ import annotations

import pytest
import yaml

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser

REPORT_ORDER = yaml.safe_load((ROOT / "tests" / "fixtures" / "report_index_order.yaml").read_text(encoding="utf-8"))
COLUMN = {"population": "total", "aged-65": "aged65", "aged-75": "aged75", "rate-65": "rate65", "rate-75": "rate75"}
VISIBLE_ROWS = """() => [...document.querySelector('[data-module="region-table"]').tBodies[0].rows]
  .filter((row) => !row.hidden).map((row) => Number(row.dataset.number))"""


@pytest.mark.parametrize("key", sorted(REPORT_ORDER))
def test_sorting_high_to_low_gives_the_report_order(open_context, site_url, key):
    context, watcher = open_context(site_url)
    page = context.new_page()
    page.goto(site_url + "regions/index.html", wait_until="load")
    page.wait_for_selector(".sort-button", state="attached")
    page.locator(f'th[data-sort="{COLUMN[key]}"] .sort-button').click()  # numbers sort high to low first
    assert page.locator(f'th[data-sort="{COLUMN[key]}"]').get_attribute("aria-sort") == "descending"
    assert page.evaluate(VISIBLE_ROWS) == REPORT_ORDER[key]
    page.goto(site_url + f"regions/index.html?sort={COLUMN[key]}&order=desc", wait_until="load")
    page.wait_for_selector(".sort-button", state="attached")
    assert page.evaluate(VISIBLE_ROWS) == REPORT_ORDER[key], "restored from the address"
    assert not watcher.problems(page)
    page.close()
