"""Hostile or huge input fails fast, with one clear `path:line: field: message`, and builds nothing."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from casebook.errors import DataInvalid
from casebook.validate import load_site


ITABASHI = "regions/04-itabashi.yaml"


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def errors(project: Path) -> list[str]:
    with pytest.raises(DataInvalid) as caught:
        load_site(project)
    return caught.value.report.lines()


def line_of(project: Path, rel: str, needle: str) -> int:
    lines = (project / rel).read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.mark.unit
def test_nested_aliases_are_refused_before_they_expand(project):
    bomb = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, 10))
    edit(project, ITABASHI, "report_page: 80\n", "report_page: 80\nx0: &l0 [lol]\n" + bomb)
    started = time.perf_counter()
    found = errors(project)
    assert time.perf_counter() - started < 30
    line = line_of(project, ITABASHI, "l1: &l1")
    assert found == [f"{ITABASHI}:{line}: expected plain values, found the alias *l0; "
                     "aliases are not allowed in data files: write the value out"]


@pytest.mark.unit
@pytest.mark.parametrize("value", ["!!python/object/apply:os.system [echo hi]",
                                   "!!python/object/apply:os.system {cmd: echo}",
                                   "!!binary aGk=", "!custom text"])
def test_a_tag_outside_the_core_schema_is_an_error_wherever_it_sits(project, value):
    edit(project, ITABASHI, "headline: 医師会", f"extra:\n  - {value}\nheadline: 医師会")
    line = line_of(project, ITABASHI, value)
    tag = value.split()[0]
    assert f"{ITABASHI}:{line}: extra[0]: expected a plain YAML value, found the tag {tag}" in errors(project)


@pytest.mark.unit
def test_a_huge_integer_is_refused_by_its_length(project):
    edit(project, ITABASHI, "report_page: 80", "report_page: " + "9" * 5000)
    line = line_of(project, ITABASHI, "report_page:")
    assert errors(project) == [f"{ITABASHI}:{line}: report_page: expected a number of at most 15 digits, found one of "
                               "5000 digits"]


@pytest.mark.unit
def test_a_forty_digit_page_is_out_of_range(project):
    edit(project, ITABASHI, "report_page: 80", "report_page: " + "1" * 14)
    line = line_of(project, ITABASHI, "report_page:")
    assert errors(project) == [f"{ITABASHI}:{line}: report_page: expected an integer ≥ 1 and ≤ 9,999, got 11111111111111"]


@pytest.mark.unit
@pytest.mark.parametrize("char, written", [("\u202e", "\u202e"), ("\u2066", "\u2066"), ("\u200f", "\u200f"),
                                           ("\u202e", "\\u202E"), ("\u0007", "\\a"), ("\u001b", "\\e")])
def test_bidi_overrides_and_control_characters_are_refused(project, char, written):
    edit(project, ITABASHI, "name: 東京都板橋区", f'name: "東京都{written}板橋区')
    edit(project, ITABASHI, "（板橋区医師会）\n", '（板橋区医師会）"\n')
    line = line_of(project, ITABASHI, "name:")
    assert errors(project) == [f"{ITABASHI}:{line}: name: expected visible text, found the control or text-direction "
                               f"character(s) U+{ord(char):04X}"]


@pytest.mark.unit
def test_a_huge_file_is_refused_without_reading_it(project):
    path = project / ITABASHI
    path.write_text(path.read_text(encoding="utf-8") + "# padding\n" * 300_000, encoding="utf-8")
    assert errors(project) == [f"{ITABASHI}: expected a file of at most 2 MB, found 2.9 MB; nothing in it was read"]
    data = path.read_bytes()
    path.write_bytes(data + b"\n" * (3_199_500 - len(data)))  # 3.051 MiB: printed 3.1 (3.0 if counted in 1,025 × 1,024 bytes)
    assert errors(project) == [f"{ITABASHI}: expected a file of at most 2 MB, found 3.1 MB; nothing in it was read"]


@pytest.mark.unit
def test_a_list_where_a_mapping_belongs_is_described_not_printed_as_python(project):
    edit(project, ITABASHI, "population:\n  total: 557309\n  aged_65_plus: 127738\n  aged_75_plus: 61782\n"
         "  rate_65_printed: 22.9\n  rate_75_printed: 11.1", "population: [557309, 127738]")
    found = "\n".join(errors(project))
    assert "Node(" not in found
    assert "population: expected a mapping of keys to values, got a list of 2 item(s)" in found


BACKGROUND = "content/background.md"
LINK = "expected a link to an http, https or mailto address or a page of this site, found "


@pytest.mark.unit
@pytest.mark.parametrize("markdown, message", [
    ("[j](javascript:alert(1))", "expected a link to an http, https or mailto address or a page of this site, "
                                 "found 'javascript:alert(1'"),
    ("[j](<JaVaScript:alert(1)>)", None),
    ("![x](data:image/svg+xml;base64,PHN2Zz4=)", "expected a link to an http, https or mailto address or a page of "
                                                 "this site, found 'data:image/svg+xml;base64,PHN2Zz4='"),
    ("[ref]: vbscript:msgbox", "expected a link to an http, https or mailto address or a page of this site, found "
                               "'vbscript:msgbox'"),
    ("段落\n{: onclick=\"alert(1)\" }", "expected no script in the text, found the event attribute onclick"),
    ("![x](/favicon.svg){: onerror=alert(1) }", "expected no script in the text, found the event attribute onerror"),
    # Decided on the URL as the browser reads it: character references decoded, tabs and newlines dropped.
    ("[x](&#106;avascript:alert(1))", LINK + "'&#106;avascript:alert(1'"),
    ("[x](java&#x09;script:alert(1))", LINK + "'java&#x09;script:alert(1'"),
    ("[x](javascript&colon;alert(1))", LINK + "'javascript&colon;alert(1'"),
    ("[x](&#x6A;avascript:alert(1))", LINK + "'&#x6A;avascript:alert(1'"),
    ("[x](&Tab;javascript:alert(1))", LINK + "'&Tab;javascript:alert(1'"),
    ("[x][r]\n\n[r]: &#106;avascript:alert(1)", LINK + "'&#106;avascript:alert(1)'"),
    ("[x](&#100;ata:text/html,hi)", LINK + "'&#100;ata:text/html,hi'"),
    ("[x](vbscript&#58;msgbox)", LINK + "'vbscript&#58;msgbox'"),
    ("<&#106;avascript:alert(1)>", LINK + "'&#106;avascript:alert(1)'"),
    ("[x](\njavascript:alert(1))", LINK + "'javascript:alert(1'"),
    ("[x](https://example.jp/){: href=\"javascript:alert(1)\" }",
     "expected no href attribute in the text; write a link as [text](https://…)"),
])
def test_active_content_in_markdown_is_refused_at_its_line(project, markdown, message):
    path = project / BACKGROUND
    path.write_text(path.read_text(encoding="utf-8") + "\n" + markdown + "\n", encoding="utf-8")
    found = errors(project)
    assert len(found) == 1 and found[0].startswith(f"{BACKGROUND}:")
    line = int(found[0].split(":")[1])
    assert markdown.split("\n")[-1].split("\t")[0] in path.read_text(encoding="utf-8").split("\n")[line - 1]
    if message:
        assert found[0].endswith(f": body: {message}")


@pytest.mark.unit
@pytest.mark.parametrize("markdown", ["[j](javascript:alert(1))", "![x](data:text/html,hi)",
                                      "[x](&#106;avascript:alert(1))", "![x](&#100;ata:text/html,hi)",
                                      "[x](java&#x09;script:alert(1))", "[x][r]\n\n[r]: javascript&colon;alert(1)",
                                      "[x](/){: href=\"&#106;avascript:alert(1)\" }",
                                      "段落\n{: onclick=\"alert(1)\" }", "![x](/a.png){: onerror=alert(1) }",
                                      "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_the_renderer_lets_no_active_content_through_even_unvalidated(markdown):
    from html.parser import HTMLParser

    from casebook.render import markdown_to_html
    from casebook.text import url_as_read
    found = []

    class Elements(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Elements().feed(str(markdown_to_html(markdown)))  # HTMLParser decodes attribute values as a browser does
    assert all(tag not in ("script", "img") or "onerror" not in attrs for tag, attrs in found)
    assert not any(name.startswith("on") for _, attrs in found for name in attrs)
    assert not any(value and url_as_read(value).lower().startswith(("javascript:", "data:"))
                   for _, attrs in found for value in attrs.values())
    assert "script" not in [tag for tag, _ in found]


@pytest.mark.unit
def test_safe_links_pass(project):
    path = project / BACKGROUND
    path.write_text(path.read_text(encoding="utf-8") + "\n[a](https://example.jp/) [b](/regions/) [c](#top) "
                    "<mailto:a@example.jp>\n", encoding="utf-8")
    load_site(project)


@pytest.mark.unit
def test_check_compiles_the_templates(project):
    path = project / "templates/base.html"
    path.write_text(path.read_text(encoding="utf-8") + "{% if %}\n", encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").split("\n")) - 1
    from casebook.build import check_sources
    with pytest.raises(DataInvalid) as caught:
        check_sources(project)
    [message] = caught.value.report.lines()
    assert message.startswith(f"templates/base.html:{line}: template: expected a valid Jinja template: ")


@pytest.mark.unit
def test_a_broken_strings_file_is_an_error_with_its_line(project):
    path = project / "templates/strings.ja.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "broken: [unclosed\n", encoding="utf-8")
    from casebook.build import check_sources
    with pytest.raises(DataInvalid) as caught:
        check_sources(project)
    [message] = caught.value.report.lines()
    assert message.startswith("templates/strings.ja.yaml:") and "YAML syntax error" in message


@pytest.mark.unit
def test_a_symlink_loop_in_regions_is_reported_not_a_traceback(project):
    (project / "regions/15-loop.yaml").symlink_to("15-loop.yaml")
    found = errors(project)
    assert any(line.startswith("regions/15-loop.yaml: ") for line in found), found


@pytest.mark.site
def test_check_and_build_report_template_errors_without_a_traceback(project, tmp_path):
    import subprocess
    import sys
    path = project / "templates/base.html"
    path.write_text(path.read_text(encoding="utf-8") + "{% if %}\n", encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    for command in (["check"], ["--out", str(tmp_path / "site")]):
        result = subprocess.run([sys.executable, str(root / "build.py"), "--root", str(project), *command],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stdout + result.stderr
        assert "templates/base.html:" in result.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.unit
def test_a_bidi_override_in_a_markdown_page_is_refused_at_its_line(project):
    path = project / BACKGROUND
    path.write_text(path.read_text(encoding="utf-8") + "\n反転\u202eした段落\n", encoding="utf-8")
    line = path.read_text(encoding="utf-8").split("\n").index("反転\u202eした段落") + 1
    assert errors(project) == [f"{BACKGROUND}:{line}: body: expected visible text, found the control or "
                               "text-direction character(s) U+202E"]


@pytest.mark.unit
def test_a_huge_survey_csv_is_refused_without_reading_it(project):
    path = project / "survey/s1.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n" * 3_000_000, encoding="utf-8")
    found = errors(project)
    assert "survey/s1.csv: expected a file of at most 2 MB, found 2.9 MB; nothing in it was read" in found, found
    # The size is counted as the limit is, in MiB: 3,199,500 bytes are 3.051 MiB, printed 3.1 (dividing by 1,025 × 1,024
    # instead would print 3.0).
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    path.write_text(text + "\n" * (3_199_500 - len(text.encode("utf-8"))), encoding="utf-8")
    assert path.stat().st_size == 3_199_500
    assert "survey/s1.csv: expected a file of at most 2 MB, found 3.1 MB; nothing in it was read" in errors(project)


@pytest.mark.unit
def test_an_implausibly_large_population_is_refused(project):
    edit(project, ITABASHI, "total: 557309", "total: 55730900000")
    line = line_of(project, ITABASHI, "total: 55730900000")
    assert f"{ITABASHI}:{line}: population.total: expected an integer ≥ 1 and ≤ 1,000,000,000, got 55730900000" \
        in errors(project)


DEEP_LIST = "\n".join("    " * i + "- x" for i in range(300))
INVISIBLE = "expected visible text, found the control or text-direction character(s) "
# Text that once passed `check` and then broke the build (a traceback) or reached the page unseen:
# (file, text replaced, hostile text, the error on its line).
UNBUILDABLE_OR_INVISIBLE = [
    ("regions/04-itabashi.yaml", "prefecture: 東京都", 'prefecture: "東京\\ud800都"', 5, "prefecture: " + INVISIBLE + "U+D800"),
    ("content/models.yaml", "title: n対1", 'title: "n\\udc00対1"', 4, "[0].title: " + INVISIBLE + "U+DC00"),
    ("survey/tables.yaml", "title: 回答者数", 'title: "回答\\ud800者数"', 4, "[0].title: " + INVISIBLE + "U+D800"),
    ("templates/strings.ja.yaml", "name: 在宅医療連携モデル 事例集", 'name: "在宅\\ud800医療"', 3,
     "site.name: " + INVISIBLE + "U+D800"),
    ("regions/04-itabashi.yaml", "prefecture: 東京都", "prefecture: 東京\u200b都", 5, "prefecture: " + INVISIBLE + "U+200B"),
    ("regions/04-itabashi.yaml", "prefecture: 東京都", "prefecture: 東京\ufeff都", 5, "prefecture: " + INVISIBLE + "U+FEFF"),
    ("regions/04-itabashi.yaml", "prefecture: 東京都", "prefecture: 東京\u0301\u0302\u0303\u0304都", 5,
     "prefecture: expected visible text, found 4 combining marks stacked on one character"),
    ("survey/s1.csv", "釜石市,件数,1", "釜石\u202e市,件数,1", 2, "item: " + INVISIBLE + "U+202E"),
    ("survey/s1.csv", "釜石市,件数,1", "釜石\x00市,件数,1", 2, "item: " + INVISIBLE + "U+0000"),
    ("survey/s1.csv", "釜石市,件数,1", "釜石\u200d市,件数,1", 2, "item: " + INVISIBLE + "U+200D"),
    ("survey/s1.csv", "item,series,count", "item\u202e,series,count", 1, "item\\u202e: " + INVISIBLE + "U+202E"),
    ("survey/s1.csv", "釜石市,件数,1", "釜石\u0300\u0300\u0300市,件数,1", 2,
     "item: expected visible text, found 3 combining marks stacked on one character"),
    ("content/background.md", "## （１）事業の背景", "## （１）事業の背景\n\n" + DEEP_LIST + "\n", 30,
     "body: expected lists and quotes nested at most 20 deep, found 21 levels"),
    # Figures int()/float()/YAML 1.1 take and no editor means (silent acceptance)
    ("survey/s2-4.csv", "外科,件数,13", "外科,件数,1_3", 3, "count: expected a whole number ≥ 0, got '1_3'"),
    ("survey/s2-4.csv", "外科,件数,13", "外科,件数,١٣", 3, "count: expected a whole number ≥ 0, got '١٣'"),
    ("survey/s2-4.csv", "外科,件数,13", "外科,件数,１３", 3, "count: expected a whole number ≥ 0, got '１３'"),
    ("survey/s2-4.csv", "外科,件数,13", "外科,件数,-0", 3, "count: expected a whole number ≥ 0, got '-0'"),
    ("survey/s2-4.csv", "外科,件数,13", "外科,件数,1e30", 3, "count: expected a whole number ≥ 0, got '1e30'"),
    ("regions/04-itabashi.yaml", "report_page: 80", "report_page: 0x50", 16,
     "report_page: expected a whole number in the digits 0-9, found '0x50'"),
    ("regions/04-itabashi.yaml", "report_page: 80", "report_page: 1:20", 16,
     "report_page: expected a whole number in the digits 0-9, found '1:20'"),
    ("regions/04-itabashi.yaml", "report_page: 80", "report_page: 8_0", 16,
     "report_page: expected a whole number in the digits 0-9, found '8_0'"),
    ("content/background.md", "## （１）事業の背景", "## （１）事業の背景\n\n" + ">" * 300 + " x\n", 10,
     "body: expected lists and quotes nested at most 20 deep, found 300 levels"),
]


@pytest.mark.site
@pytest.mark.parametrize("rel, old, new, line, message", UNBUILDABLE_OR_INVISIBLE,
                         ids=[f"{row[0]}:{row[2][:24]!r}" for row in UNBUILDABLE_OR_INVISIBLE])
def test_check_finds_what_would_break_the_build_and_the_build_says_the_same(project, tmp_path, rel, old, new, line,
                                                                            message):
    from casebook.build import build_site, check_sources
    edit(project, rel, old, new)
    with pytest.raises(DataInvalid) as checked:
        check_sources(project)
    assert checked.value.report.lines() == [f"{rel}:{line}: {message}"]
    with pytest.raises(DataInvalid) as built:
        build_site(project, tmp_path / "site", log=lambda _: None)
    assert built.value.report.lines() == [f"{rel}:{line}: {message}"]
    assert not (tmp_path / "site").exists()


@pytest.mark.site
@pytest.mark.parametrize("command", [["check"], ["--out", "OUT"]])
def test_a_template_that_fails_only_while_rendering_is_found_by_check_and_build_alike(project, tmp_path, command):
    import subprocess
    import sys
    path = project / "templates/base.html"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</main>", "{{ no_such_thing.x }}</main>", 1), encoding="utf-8")
    line = next(i for i, l in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if "no_such_thing" in l)
    args = [str(tmp_path / "out") if a == "OUT" else a for a in command]
    result = subprocess.run([sys.executable, str(Path(__file__).parent.parent / "build.py"), *args, "--root",
                             str(project)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == (f"templates/base.html:{line}: template: expected a template that renders, got "
                             "UndefinedError: 'no_such_thing' is undefined\n1 error(s); nothing was written.\n")
    assert not (tmp_path / "out").exists()
