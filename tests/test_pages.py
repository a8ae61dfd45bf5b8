"""The page list (casebook/pages.py) is the site: every page it lists is written, nothing else is, each address is
made once (casebook/urls.py), and each page names the sources it depends on truthfully."""
from __future__ import annotations

import re

import pytest

from casebook import urls
from casebook.build import render_site
from casebook.pages import TEMPLATES, site_pages
from casebook.render import load_strings, make_environment
from conftest import ROOT


@pytest.fixture(scope="module")
def page_list(real_site):
    return site_pages(real_site, load_strings(ROOT / "templates"), make_environment(ROOT / "templates"))


@pytest.mark.unit
def test_addresses_and_files_are_each_others_inverse():
    for url in ("", "regions/", "regions/usuki/", urls.regions_by("rate-65"), urls.NOT_FOUND):
        assert urls.url_of(urls.file_of(url)) == url
    assert urls.file_of(urls.region("usuki")) == "regions/usuki/index.html"
    assert urls.survey_table(2, "s2-1") == "survey/s2/index.html#s2-1"


@pytest.mark.unit
def test_every_page_has_its_own_file_and_declares_the_templates_as_an_input(page_list, real_site):
    paths = [page.path for page in page_list]
    assert len(paths) == len(set(paths))
    assert all(page.inputs[0] == TEMPLATES for page in page_list)
    assert {urls.region(r.slug) for r in real_site.regions} <= {page.url for page in page_list}
    assert {urls.model(m.slug) for m in real_site.models} <= {page.url for page in page_list}


@pytest.fixture(scope="module")
def built_in_memory():
    _, output = render_site(ROOT)
    return output.files


@pytest.mark.site
def test_the_build_writes_exactly_the_pages_of_the_list_and_the_sitemap_lists_them(page_list, built_in_memory):
    html = {path for path in built_in_memory if path.endswith(".html") and not path.startswith("data/survey-template/")
            or path == urls.file_of(urls.survey_template())}
    assert html == {page.path for page in page_list}
    sitemap = built_in_memory["sitemap.xml"].decode("utf-8")
    assert re.findall(r"<loc>/(.*?)</loc>", sitemap) == [page.url for page in page_list if page.url != urls.NOT_FOUND]


def _edited_build(project, rel: str, old: str, new: str) -> dict[str, bytes]:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return render_site(project)[1].files


@pytest.mark.site
@pytest.mark.parametrize("rel, old, new", [
    ("survey/s2-1.csv", "国等,件数,0\n", "国等（編集）,件数,0\n"),
    ("content/method.md", "---\n\n", "---\n\n編集した段落。\n\n"),
    ("regions/10-komagane.yaml", "headline: 行政・病院協働の垂直・水平連携\n", "headline: 見出しを編集した\n"),
    ("content/models.yaml", "title: ", "title: 編集"),
    ("templates/strings.ja.yaml", "検索", "検索（編集）"),
])
def test_an_edit_changes_only_pages_that_declare_that_source(project, page_list, built_in_memory, rel, old, new):
    edited = _edited_build(project, rel, old, new)
    changed = {page.path for page in page_list if edited[page.path] != built_in_memory[page.path]}
    assert changed, "the edit shows on no page"
    undeclared = sorted(page.path for page in page_list if page.path in changed and not page.reads(rel))
    assert not undeclared, f"pages that change with {rel} without declaring it: {undeclared}"
    assert any(page.reads(rel) for page in page_list if page.path in changed)
