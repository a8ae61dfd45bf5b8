"""The coordinator's whole task on /survey/local/, in Chromium from file:// (no server, no request): find the page
from the home page, download the Excel sheet, fill it and save it as Excel does (Shift_JIS CSV, an Alt+Enter cell,
full-width digits, an empty form), read the Japanese errors at the rows Excel shows, fix them, tally, print the
summary and download the CSV for Excel."""
from __future__ import annotations

import csv
import io
import re
import subprocess
import zipfile
from xml.etree import ElementTree

import pytest

pytestmark = pytest.mark.browser
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def sheet_headings(xlsx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        root = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    return ["".join(t.text or "" for t in c.iter(MAIN + "t")) for c in root.iter(MAIN + "c")]


def filled(headings: list[str], clinics: list[dict]) -> bytes:
    """The sheet saved by Japanese Excel as 「CSV（コンマ区切り）」: cp932, CRLF, a line break inside a cell quoted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    for clinic in clinics:
        writer.writerow([next((v for k, v in clinic.items() if h == k or h.startswith((k + " ", k + "（"))), "")
                         for h in headings])
    return out.getvalue().encode("cp932")


def clinic(number: int, **answers) -> dict:
    row = {"ID": f"No.{number}", "問2": "医療法人", "問3": "無床診療所", "問5": "内科;外科",
           "問7": "１", "問15": "２０", "問16": "３５０"}
    row.update(answers)
    return row


@pytest.mark.parametrize("width", [1280, 360])
def test_a_coordinator_tallies_the_regions_survey_from_the_excel_sheet(browser, built_site, tmp_path, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    requests = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.goto((built_site / "index.html").as_uri())

    # Two clicks from the home page: the survey section, then the page.
    page.locator(".site-nav").get_by_role("link", name="調査結果").click()
    page.get_by_role("link", name="地域で同じ調査を行い、ブラウザーで集計する").click()
    assert page.url.endswith("survey/local/index.html")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("入力シート")).click()
    headings = sheet_headings(download.value.path().read_bytes())
    assert headings[0].startswith("ID") and headings[1].startswith("問1 ")

    page.get_by_label("地域名").fill("〇〇市医師会")
    page.get_by_label("調査月").fill("2026年6月")
    free = next(h.split(" ")[0] for h in headings if "自由記述" in h)
    clinics = [clinic(1, **{free: "医師会が調整役になっている\n顔の見える関係がある"}),  # Alt+Enter: row 2 stays row 2
               clinic(2, 問2="病院"),                                              # row 3: not an option
               {"ID": "No.3"},                                                     # row 4: an empty form
               clinic(4, 問16="約350"),                                            # row 5: not a number
               clinic(5, 問15="-3")]                                               # row 6: negative
    path = tmp_path / "回答.csv"
    path.write_bytes(filled(headings, clinics))
    page.get_by_label("回答ファイルを選ぶ（CSV）").set_input_files(str(path))
    page.get_by_role("button", name="集計する").click()
    errors = page.get_by_role("alert")
    errors.wait_for()
    text = errors.inner_text()
    assert "3件の問題" in text
    lines = [li.inner_text() for li in errors.get_by_role("listitem").all()]
    assert lines[0].startswith("3行目・「問2 開設主体」の列：「病院」は選択肢にありません")
    assert lines[1].startswith("5行目・「問16 ") and "「約350」は数として読めません" in lines[1]
    assert lines[2].startswith("6行目・「問15 ") and "マイナス" in lines[2]
    assert page.locator("#survey-results").is_hidden()

    clinics[1]["問2"], clinics[3]["問16"], clinics[4]["問15"] = "個人", "350", "3"
    path.write_bytes(filled(headings, clinics))
    page.get_by_label("回答ファイルを選ぶ（CSV）").set_input_files(str(path))
    page.get_by_role("button", name="集計する").click()
    summary = page.get_by_role("heading", name="〇〇市医師会 結果の要約")
    summary.wait_for()
    assert errors.is_hidden()
    assert "読み込んだ診療所：4件（Shift_JIS）。何も回答のない調査票：1件" in page.inner_text("#survey-results")
    # 開設主体 on the report's base: 3 of 4 clinics 医療法人, with n and count beside the % (n < 5: no %).
    table = page.get_by_role("table", name="開設主体")
    assert "〇〇市医師会（n=4）" in table.inner_text() and "報告書（n=124）" in table.inner_text()
    assert "医療法人\t3\t—\t78\t62.9" in table.inner_text()
    assert "医師会が調整役になっている\n顔の見える関係がある" in page.inner_text("#result-free-text")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    pdf = tmp_path / "summary.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4")
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.replace("\n", "")  # lines wrap where the paper ends
    assert "〇〇市医師会 結果の要約" in first and "2026年6月" in first and "1 /" in first
    assert "一般的な診療所の平均として数値を見ることはできない" in first
    assert "手順" not in first  # the page's instructions are not printed once tallied
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("結果をダウンロード")).click()
    raw = download.value.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[1][:9] == ["表", "項目", "区分", "地域のn", "地域の件数", "地域の%", "報告書のn", "報告書の件数", "報告書の%"]
    assert ["s2-1", "開設主体", "医療法人", "4", "3", "", "124", "78", "62.9"] in rows
    assert not any("No." in c for r in rows for c in r)  # no clinic-level row leaves the page
    assert all(u.startswith("file://") or u.startswith("blob:") for u in requests), requests
    context.close()


def test_without_javascript_the_page_says_how_else_to_tally_and_links_the_form_and_sheet(browser, built_site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto((built_site / "survey" / "local" / "index.html").as_uri())
    assert "JavaScript が必要です" in page.inner_text("main")
    assert page.locator("#survey-form").is_hidden()  # no form that cannot work
    assert page.get_by_role("link", name=re.compile("調査票（印刷して配る用")).is_visible()
    assert page.get_by_role("link", name=re.compile("入力シート")).is_visible()
    assert page.get_by_role("link", name="コマンドラインで集計する場合のひな形").is_visible()
    context.close()


def _tally_in_the_browser(browser, built_site, responses, region, month):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto((built_site / "survey" / "local" / "index.html").as_uri())
    page.get_by_label("地域名").fill(region)
    page.get_by_label("調査月").fill(month)
    page.get_by_label("回答ファイルを選ぶ（CSV）").set_input_files(str(responses))
    page.get_by_role("button", name="集計する").click()
    page.get_by_role("heading", name=f"{region} 結果の要約").wait_for()
    return context, page


def _tables(page) -> dict[str, str]:
    return {t.locator("caption").inner_text(): t.inner_text() for t in page.locator(".survey-tally__table").all()}


def test_the_command_lines_pages_show_what_the_browsers_page_shows_for_the_same_file(browser, built_site, real_site,
                                                                                        tmp_path):
    """One specification: the summary's differences, every table (counts and % on the report's base, n, flags,
    suppressed figures) and the CSV for Excel are the same from `build.py survey-tally` and from /survey/local/."""
    import random

    from casebook import cli
    from browserkit import ROOT
    from survey_synth import synthetic_rows, to_csv_text

    questions, rows = synthetic_rows(list(real_site.survey))
    rng = random.Random(31)
    rows = [{k: ("" if rng.random() < 0.15 else v) for k, v in r.items()} for r in rng.sample(rows, 60)]
    free = next(q.id for q in questions if q.answer == "text")
    for k, text in enumerate(["医師会が調整役になっている\n顔の見える関係", "ICTの活用", "24時間の連絡体制"]):
        rows[k][free] = text
    responses = tmp_path / "responses.csv"
    responses.write_text(to_csv_text(questions, rows), encoding="utf-8-sig")
    out = tmp_path / "out"
    assert cli.main(["survey-tally", str(responses), "--out", str(out), "--region", "〇〇市医師会",
                     "--month", "令和8年6月", "--root", str(ROOT)]) == 0

    context, page = _tally_in_the_browser(browser, built_site, responses, "〇〇市医師会", "令和8年6月")
    browser_summary = page.locator(".survey-tally__diffs tbody tr").all_inner_texts()
    browser_tables = _tables(page)
    browser_free = page.locator("#result-free-text li").all_inner_texts()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("結果をダウンロード")).click()
    browser_csv = download.value.path().read_bytes()

    cli_page = context.new_page()
    cli_page.goto((out / "index.html").as_uri())
    assert len(browser_summary) == 10
    assert cli_page.locator(".survey-tally__diffs tbody tr").all_inner_texts() == browser_summary
    assert cli_page.get_by_text("読み込んだ診療所：60件").count() == 1
    cli_tables, cli_free = {}, []
    for section in sorted(out.glob("s*.html")):
        cli_page.goto(section.as_uri())
        cli_tables.update(_tables(cli_page))
        cli_free += cli_page.locator("#result-free-text li").all_inner_texts()
    # The same answers, word for word (the browser orders them by the Japanese collation of its ICU, the command
    # line by code point).
    assert sorted(cli_free) == sorted(browser_free) and len(browser_free) == 3
    assert "医師会が調整役になっている\n顔の見える関係" in cli_free
    del browser_tables["結果の要約"]  # the summary's table, compared above
    assert len(cli_tables) == len(browser_tables) > 30
    for caption, text in browser_tables.items():
        assert cli_tables[caption] == text, caption
    assert (out / "comparison.csv").read_bytes() == browser_csv
    context.close()


def test_in_the_browser_clinics_that_reproduce_the_report_show_no_difference_in_the_summary(browser, built_site,
                                                                                           real_site, tmp_path):
    """The 124 synthetic clinics give every published table: the summary lists no gap of its own making. The
    意向 tables split by doctors (the report's n=100 of 124, its groups 75/25) are shown with the note and left out;
    they had shown 42.1 % of 95 one-doctor clinics beside the report's 57.1 % of 70 as −15.0 points."""
    from survey_synth import synthetic_rows, to_csv_text

    questions, rows = synthetic_rows(list(real_site.survey))
    responses = tmp_path / "responses.csv"
    responses.write_text(to_csv_text(questions, rows), encoding="utf-8-sig")
    context, page = _tally_in_the_browser(browser, built_site, responses, "〇〇市医師会", "令和8年6月")
    summary = page.locator(".survey-tally__diffs tbody tr").all_inner_texts()
    assert len(summary) == 10 and all(row.endswith("±0.0") for row in summary), summary
    assert not any("意向" in row for row in summary)
    note = page.locator("#result-s3-3 .survey-tally__note").inner_text()
    assert note.startswith("報告書のこの表のnは100で、報告書の回答124診療所より少なくなっています") and "要約に含めていません" in note
    context.close()


def test_every_printed_page_of_the_command_lines_results_says_region_month_source_and_page(browser, real_site,
                                                                                             tmp_path):
    from casebook import cli
    from browserkit import ROOT
    from survey_synth import synthetic_rows, to_csv_text

    questions, rows = synthetic_rows(list(real_site.survey))
    responses = tmp_path / "responses.csv"
    responses.write_text(to_csv_text(questions, rows), encoding="utf-8-sig")
    out = tmp_path / "out"
    assert cli.main(["survey-tally", str(responses), "--out", str(out), "--region", "〇〇市医師会",
                     "--month", "令和8年6月", "--root", str(ROOT)]) == 0
    page = browser.new_page()
    page.goto((out / "s2.html").as_uri())
    pdf = tmp_path / "s2.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 1 < pages <= 10  # section (2) in a few pages
    for k in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(k), "-l", str(k), str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout.replace("\n", "")
        assert "〇〇市医師会・調査月 令和8年6月" in text and "報告書の診療所調査（平成30年２月～３月" in text, k
        assert f"{k}/{pages}" in text.replace(" ", ""), k
    # headings stay with their tables: each question's heading is on the page of its table's caption
    headings = 0
    for k in range(1, pages + 1):
        lines = [line.strip() for line in subprocess.run(
            ["pdftotext", "-f", str(k), "-l", str(k), "-layout", str(pdf), "-"],
            capture_output=True, text=True, check=True).stdout.splitlines()]
        for at, line in enumerate(lines):
            heading = re.fullmatch(r"[①-⑳] (.+)", line)
            if heading:
                headings += 1
                assert heading.group(1) in lines[at + 1:], (k, line)  # the caption repeats the title
    assert headings == (out / "s2.html").read_text(encoding="utf-8").count('class="survey-tally__block"') == 9
