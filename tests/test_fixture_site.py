"""The 2-region fixture site as a reader sees it: ranks count the regions there are, and the goldens are only
rewritten by their own command, never by a test run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from casebook.build import build_site
from golden_site import ROOT, fixture_project
from html_tree import parse

pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mini")
    out = tmp / "out"
    build_site(fixture_project(tmp), out, log=lambda _: None, expected_regions=None)
    return out


def test_rank_text_counts_the_regions_of_the_site(mini_site):
    regions = sorted(p.parent.name for p in (mini_site / "regions").glob("*/index.html") if not p.parent.name.startswith("by-") and p.parent.name != "print")
    assert len(regions) == 2
    for slug in regions:
        doc = parse((mini_site / "regions" / slug / "index.html").read_text(encoding="utf-8"))
        ranks = [e.text.strip() for e in doc.by_class("figures__rank")]
        assert len(ranks) == 5
        assert all(r in ("2地域中1位", "2地域中2位") for r in ranks), ranks


def test_golden_update_refuses_under_ci(tmp_path):
    env = {**os.environ, "CI": "true"}
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "update_golden.py")], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "refusing under CI" in result.stderr


def test_no_test_option_rewrites_the_goldens():
    # The golden test compares; rewriting lives in tests/update_golden.py alone.
    for path in (ROOT / "tests").rglob("*.py"):
        if path.name in ("update_golden.py", Path(__file__).name):
            continue
        text = path.read_text(encoding="utf-8")
        assert "UPDATE_GOLDEN" not in text, path


MARKUP = '<script>&"\'<b>'  # what the mini fixture appends to every text field (tests/fixtures/mini)


def test_markup_in_every_text_field_of_the_fixture_is_shown_as_text(mini_site):
    sources = [p for p in (ROOT / "tests/fixtures/mini").rglob("*") if p.suffix in (".yaml", ".csv", ".md")]
    assert sources and all("<script>&" in p.read_text(encoding="utf-8") for p in sources)  # quotes doubled as YAML/CSV escape them
    shown = 0
    for page in sorted(mini_site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert "<script>&" not in html and "<b>" not in html, page
        doc = parse(html)
        assert doc.find_all("b") == [], page
        assert all(s.attrs.get("src") for s in doc.find_all("script")), page  # only the site's own scripts, no inline ones
        shown += doc.text.count(MARKUP)
    assert shown > 100


def test_a_site_build_never_imports_pandas(tmp_path):
    """pandas (≈ 0.4 s to import) serves only the local-survey tally; the site's survey CSVs are read with csv."""
    project = fixture_project(tmp_path)
    script = ("import sys; from pathlib import Path; from casebook.build import build_site; "
              "build_site(Path(sys.argv[1]), Path(sys.argv[2]), log=lambda _: None, expected_regions=None); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'numpy')))")
    done = subprocess.run([sys.executable, "-c", script, str(project), str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "[]"
