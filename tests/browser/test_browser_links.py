"""Every internal link, #fragment, image, stylesheet and script in the built HTML (and url() in CSS) resolves.
No browser needed, but it belongs with the other whole-site checks (marker `browser`)."""
from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

# (tag, attribute) pairs that point at something; srcset is split separately.
URL_ATTRS = {
    ("a", "href"), ("area", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src"),
    ("source", "src"), ("video", "src"), ("video", "poster"), ("audio", "src"), ("track", "src"), ("embed", "src"),
    ("object", "data"), ("form", "action"), ("button", "formaction"), ("input", "src"),
    ("use", "href"), ("use", "xlink:href"), ("image", "href"), ("image", "xlink:href"),
}
SRCSET_TAGS = {"img", "source"}


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            if (tag, name) in URL_ATTRS:
                self.refs.append((tag, name, value))
            elif name == "srcset" and tag in SRCSET_TAGS:
                for candidate in value.split(","):
                    if candidate.strip():
                        self.refs.append((tag, name, candidate.split()[0]))

    handle_startendtag = handle_starttag


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def resolve(site: Path, source: str, value: str) -> tuple[str | None, str, str]:
    """(target path relative to the site or None if external/ignored, fragment, problem)."""
    parts = urlsplit(value.strip())
    if parts.scheme.lower() == "javascript":
        return None, "", "javascript: URL"
    if parts.scheme or parts.netloc:
        return None, "", ""  # another origin or mailto:/data: — not ours to resolve
    path = unquote(parts.path)
    if path == "":
        target = source
    else:
        base = "" if path.startswith("/") else posixpath.dirname(source)
        target = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        if target == ".":
            target = ""
        if target.startswith(".."):
            return None, "", f"{value} leaves the site"
        if path.endswith("/") or (site / target).is_dir():
            target = posixpath.join(target, "index.html") if target else "index.html"
    if not (site / target).is_file():
        return None, "", f"{value} → {target} does not exist"
    return target, unquote(parts.fragment), ""


def test_every_internal_reference_resolves(built_site, pages):
    parsed = {rel: parse(built_site / rel) for rel in pages}
    problems: list[str] = []
    counts = {"references": 0, "internal": 0, "fragments": 0, "external": 0}
    for rel, page in parsed.items():
        for tag, attr, value in page.refs:
            counts["references"] += 1
            target, fragment, problem = resolve(built_site, rel, value)
            if problem:
                problems.append(f"{rel}: <{tag} {attr}=\"{value}\">: {problem}")
                continue
            if target is None:
                counts["external"] += 1
                continue
            counts["internal"] += 1
            if fragment:
                counts["fragments"] += 1
                if not target.endswith(".html"):
                    continue
                if target not in parsed:
                    parsed[target] = parse(built_site / target)
                if fragment not in parsed[target].ids:
                    problems.append(f"{rel}: <{tag} {attr}=\"{value}\">: no id=\"{fragment}\" in {target}")
    print(f"\nlinks: {counts['references']} references in {len(pages)} pages: {counts['internal']} internal "
          f"({counts['fragments']} with #fragment), {counts['external']} external or non-http")
    assert counts["internal"] > len(pages) * 10
    assert not problems, f"{len(problems)} broken references:\n  " + "\n  ".join(problems)


def test_css_urls_resolve(built_site):
    problems = []
    sheets = sorted(built_site.rglob("*.css"))
    assert sheets
    for sheet in sheets:
        rel = sheet.relative_to(built_site).as_posix()
        for value in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", sheet.read_text(encoding="utf-8")):
            if value.startswith(("data:", "#")):
                continue
            _, _, problem = resolve(built_site, rel, value)
            if problem:
                problems.append(f"{rel}: url({value}): {problem}")
    assert not problems, "\n".join(problems)


def test_resolver_understands_directories_and_fragments(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="x">', encoding="utf-8")
    (tmp_path / "index.html").write_text("", encoding="utf-8")
    assert resolve(tmp_path, "index.html", "a/#x") == ("a/index.html", "x", "")
    assert resolve(tmp_path, "a/index.html", "../") == ("index.html", "", "")
    assert resolve(tmp_path, "a/index.html", "#x") == ("a/index.html", "x", "")
    assert resolve(tmp_path, "a/index.html", "..") == ("index.html", "", "")
    assert resolve(tmp_path, "index.html", "a") == ("a/index.html", "", "")
    assert resolve(tmp_path, "index.html", "https://example.org/") == (None, "", "")
    assert resolve(tmp_path, "index.html", "b/")[2]
    assert resolve(tmp_path, "index.html", "../../etc/passwd")[2]
    assert resolve(tmp_path, "index.html", "javascript:alert(1)")[2]
