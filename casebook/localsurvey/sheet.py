"""The Excel input sheet (responses.xlsx): one row per clinic, a column per question headed by its 問 number and
wording, drop-down lists of the options, a free ID column the tally ignores.

Written as Office Open XML by hand: the workbook needs five small parts, which the standard library writes
byte-identically on every build (fixed zip dates and order); a library for it (openpyxl, XlsxWriter) would be a
dependency of the build for this one file, and neither writes the same bytes twice without patching its dates."""
from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

ID_HEADING = "ID（自由記入・集計しません）"
ANSWER_SHEET = "回答"
OPTIONS_SHEET = "選択肢"
ROWS = 2000  # drop-down lists and checks reach this row of the answer sheet
MULTI_PROMPT = "複数選ぶときは、選択肢を「;」で区切って入力します（「選択肢」シートから写せます）。"
AREA_PROMPT = "診療所の所在地域（市区町村・地区など）を記入します。同じ地域は同じ書き方にします。"
TEXT_PROMPT = "自由に記入します。セル内の改行（Alt+Enter）もそのまま読み込めます。"
NUMBER_PROMPT = "数字だけを入力します（0以上）。"
WHOLE_PROMPT = "人数（実人数、0以上の整数）を入力します。"
DATE = (2018, 2, 1, 0, 0, 0)  # a fixed date for every part, so that builds are byte-identical


def _column(k: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    k += 1
    while k:
        k, r = divmod(k - 1, 26)
        name = chr(65 + r) + name
    return name


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;", "\n": "&#10;"})


def _cell(ref: str, text: str, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{s}><is><t>{escape(text)}</t></is></c>'


def _sheet_name(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def answer_sheet(questions: list[dict], doctors: str | None) -> str:
    header = [_cell("A1", ID_HEADING, 1)] + [_cell(f"{_column(i + 1)}1", q["heading"], 1)
                                             for i, q in enumerate(questions)]
    widths = '<col min="1" max="1" width="14" customWidth="1"/>' + "".join(
        f'<col min="{i + 2}" max="{i + 2}" width="{28 if q["answer"] != "numeric" else 16}" customWidth="1"/>'
        for i, q in enumerate(questions))
    checks = []
    option_column = 0
    for i, q in enumerate(questions):
        col = _column(i + 1)
        ref = f"{col}2:{col}{ROWS}"
        title = _attr(q["heading"][:32])
        if q["answer"] == "single":
            source = f"{_sheet_name(OPTIONS_SHEET)}!${_column(option_column)}$2:${_column(option_column)}${len(q['options']) + 1}"
            checks.append(f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="{ref}" '
                          f'errorTitle="{title}" error="{_attr("選択肢から選んでください。")}">'
                          f"<formula1>{escape(source)}</formula1></dataValidation>")
        if q["answer"] in ("single", "multiple"):
            option_column += 1
        if q["answer"] in ("area", "text"):
            prompt = AREA_PROMPT if q["answer"] == "area" else TEXT_PROMPT
            checks.append(f'<dataValidation allowBlank="1" showInputMessage="1" sqref="{ref}" promptTitle="{title}" '
                          f'prompt="{_attr(prompt)}"/>')
        elif q["answer"] == "multiple":
            checks.append(f'<dataValidation allowBlank="1" showInputMessage="1" sqref="{ref}" promptTitle="{title}" '
                          f'prompt="{_attr(MULTI_PROMPT)}"/>')
        elif q["answer"] == "numeric":
            whole = q["id"] == doctors
            checks.append(f'<dataValidation type="{"whole" if whole else "decimal"}" operator="greaterThanOrEqual" '
                          f'allowBlank="1" showInputMessage="1" showErrorMessage="1" sqref="{ref}" '
                          f'promptTitle="{title}" prompt="{_attr(WHOLE_PROMPT if whole else NUMBER_PROMPT)}" '
                          f'errorTitle="{title}" error="{_attr(WHOLE_PROMPT if whole else NUMBER_PROMPT)}">'
                          f"<formula1>0</formula1></dataValidation>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" topLeftCell="B2" '
            'activePane="bottomRight" state="frozen"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            f"<cols>{widths}</cols>"
            f'<sheetData><row r="1" ht="90" customHeight="1">{"".join(header)}</row></sheetData>'
            f'<dataValidations count="{len(checks)}">{"".join(checks)}</dataValidations>'
            "</worksheet>")


def options_sheet(questions: list[dict]) -> str:
    asked = [q for q in questions if q["answer"] in ("single", "multiple")]
    rows = max(len(q["options"]) for q in asked) + 1
    cells: list[list[str]] = [[] for _ in range(rows)]
    for k, q in enumerate(asked):
        col = _column(k)
        cells[0].append(_cell(f"{col}1", q["heading"], 1))
        for r, option in enumerate(q["options"], 2):
            cells[r - 1].append(_cell(f"{col}{r}", option))
    body = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in enumerate(cells, 1))
    widths = "".join(f'<col min="{k + 1}" max="{k + 1}" width="30" customWidth="1"/>' for k in range(len(asked)))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<cols>{widths}</cols><sheetData>{body}</sheetData></worksheet>")


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet1.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet2.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 '<Override PartName="/xl/styles.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                 "</Types>")
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'worksheet" Target="worksheets/sheet1.xml"/>'
                 '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'worksheet" Target="worksheets/sheet2.xml"/>'
                 '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'styles" Target="styles.xml"/></Relationships>')
# Style 1: bold, wrapped, top-aligned (the headings).
STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<fonts count="2"><font><sz val="11"/><name val="Yu Gothic"/><family val="3"/><charset val="128"/></font>'
          '<font><b/><sz val="11"/><name val="Yu Gothic"/><family val="3"/><charset val="128"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
          '<alignment wrapText="1" vertical="top"/></xf></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def workbook() -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{ANSWER_SHEET}" sheetId="1" r:id="rId1"/>'
            f'<sheet name="{OPTIONS_SHEET}" sheetId="2" r:id="rId2"/></sheets></workbook>')


def input_sheet(plan: dict) -> bytes:
    """The workbook's bytes, the same on every build."""
    questions = plan["questions"]
    parts = [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS), ("xl/workbook.xml", workbook()),
             ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), ("xl/styles.xml", STYLES),
             ("xl/worksheets/sheet1.xml", answer_sheet(questions, plan["doctors"])),
             ("xl/worksheets/sheet2.xml", options_sheet(questions))]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, text.encode("utf-8"))
    return out.getvalue()
