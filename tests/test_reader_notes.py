"""A reader note that names regions says something about those regions' data; that something must be true (issue 32).

Notes are sentences a reader cites. Where a note on a model or a case names cases (「鶴岡・みぶの会」, 「事例11」,
「一覧にある５・７・12」) or a page number, the claim is checked here against the region files: who has a callout,
whether callout and list read alike, which pages are printed. A note that names another region in a way no check
below understands fails too, so that a new claim gets a check before it is published.
"""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.unit

# How reader notes name the cases, by case number. Each name is checked against the region files below.
SHORT_NAMES = {"釜石": 1, "鶴岡": 2, "みぶの会": 3, "板橋": 4, "柏": 5, "横浜市青葉区": 6, "青葉": 6, "横須賀": 7,
               "長岡": 8, "坂井": 9, "駒ヶ根": 10, "静岡": 11, "福岡市南区": 12, "長崎": 13, "臼杵": 14}
_NAMES = "|".join(sorted(map(re.escape, SHORT_NAMES), key=len, reverse=True))
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def unquoted(text: str) -> str:
    """The note without its 「…」 quotations: a name inside a quotation is the report's wording, not the note's claim."""
    return re.sub(r"「[^「」]*」", "", text)


def numbers(text: str) -> list[int]:
    """Case numbers listed as 「１・２・14」 or 「１（釜石）・14（臼杵）」, each checked against its name if given."""
    out = []
    for item in text.split("・"):
        m = re.fullmatch(r"\s*([0-9０-９]+)(?:（(.+?)）)?\s*", item)
        assert m, f"cannot read the case list {text!r}"
        number = int(m.group(1).translate(FULLWIDTH))
        if m.group(2):
            assert SHORT_NAMES.get(m.group(2)) == number, f"{m.group(2)} is not case {number}"
        out.append(number)
    return out


def named(text: str) -> list[int]:
    """Cases named in *text* (outside quotations), by short name or as 事例N."""
    plain = unquoted(text)
    found = [SHORT_NAMES[n] for n in re.findall(_NAMES, plain)]
    found += [int(n.translate(FULLWIDTH)) for n in re.findall(r"事例([0-9０-９]+)", plain)]
    return found


def member(site, model_code: str, number: int):
    region = next(r for r in site.regions if r.number == number)
    return next((m for m in region.models if m.code == model_code), None)


def check_model_note(site, model, note: str) -> list[str]:
    """Problems with the claims of one model note; a claim no rule here reads is itself a problem."""
    problems, checked = [], set()
    members = {r.number: next(m for m in r.models if m.code == model.code) for r in model.regions}

    for m in re.finditer(r"図の吹き出しは([0-9０-９]+)事例（([^）]+)）のみ", note):
        listed = numbers(m.group(2))
        with_callout = sorted(n for n, ms in members.items() if ms.figure_label is not None)
        if int(m.group(1).translate(FULLWIDTH)) != len(listed) or sorted(listed) != with_callout:
            problems.append(f"says the callouts are {listed}; the data has callouts for {with_callout}")
        checked.update(listed)
    for m in re.finditer(r"一覧にある(.+?)の(?:事例の)?吹き出しはありません", note):
        for n in numbers(m.group(1)):
            if n not in members or members[n].figure_label is not None:
                problems.append(f"says case {n} is listed without a callout; the data disagrees")
            checked.add(n)
    for m in re.finditer(rf"((?:(?:{_NAMES})(?:・|と)?)+)の(?:団体名やシステム名|システム名|団体名)は、図の吹き出しと一覧とで異なる表記",
                         unquoted(note)):
        for name in re.findall(_NAMES, m.group(1)):
            n = SHORT_NAMES[name]
            ms = members.get(n)
            if ms is None or ms.figure_label is None or ms.figure_label == ms.label:
                problems.append(f"says {name}'s callout and list entry differ; the data has "
                                f"{None if ms is None else (ms.label, ms.figure_label)}")
            checked.add(n)
    for m in re.finditer(rf"({_NAMES})の吹き出しは一覧と同じ名称で、ページ番号が印刷されていません", unquoted(note)):
        n = SHORT_NAMES[m.group(1)]
        ms = members.get(n)
        if ms is None or ms.figure_label != ms.label or ms.figure_page is not None:
            problems.append(f"says {m.group(1)}'s callout reads as its list entry and has no page; the data disagrees")
        checked.add(n)
    for m in re.finditer(r"一覧では事例([0-9０-９]+)が", note):
        n = int(m.group(1).translate(FULLWIDTH))
        if n not in members:
            problems.append(f"says case {n} is in the list; it is not a member in the data")
        checked.add(n)
    for n in named(note):
        if n not in members:
            problems.append(f"names case {n}, which the data does not list under this model")
        elif n not in checked:
            problems.append(f"names case {n} in a claim no check reads; add a rule to tests/test_reader_notes.py")
    return problems


def check_region_note(site, region, note: str) -> list[str]:
    problems, checked = [], False
    codes = {m.code: m for m in region.models}

    def model_codes(text: str) -> list[str]:
        return [c.strip("「」") for c in text.split("・")]

    for m in re.finditer(r"本事例はモデル(「?[^の]+?」?)の一覧には挙げられていますが、図の吹き出しにはありません", note):
        checked = True
        code = m.group(1).strip("「」")
        if code not in codes or codes[code].figure_label is not None:
            problems.append(f"says it is in model {code}'s list without a callout; the data disagrees")
    for m in re.finditer(r"ICTを使うモデル（([^）]+)）の一覧(?:と図)?には本事例は挙げられていません", note):
        checked = True
        problems += [f"says it is not under model {c}; the data lists it" for c in model_codes(m.group(1)) if c in codes]
    for m in re.finditer(r"事例索引とモデルの一覧では p\.(\d+)、モデル図の吹き出しでは p\.(\d+)", note):
        checked = True
        listed, figure = int(m.group(1)), int(m.group(2))
        printed = {ms.figure_page for ms in region.models if ms.figure_page is not None}
        if region.report_page != listed or any(ms.page != listed for ms in region.models) or printed != {figure}:
            problems.append(f"says p.{listed} in the index and lists, p.{figure} in the callouts; the data has "
                            f"{region.report_page}, {sorted({ms.page for ms in region.models})}, {sorted(printed)}")
    for m in re.finditer(r"モデル(\S+?)の図には事例の吹き出しが(?:なく|ありません)", note):
        checked = True
        for code in model_codes(m.group(1)):
            if code not in codes or codes[code].figure_label is not None:
                problems.append(f"says model {code}'s figure has no callout for it; the data disagrees")
    for m in re.finditer(r"モデル(\S+?)の図の吹き出しには説明の括弧書きがなく、団体名とページ番号（p\.(\d+)）だけ", note):
        checked = True
        for code in model_codes(m.group(1)):
            ms = codes.get(code)
            if ms is None or ms.figure_label is not None or ms.figure_page != int(m.group(2)):
                problems.append(f"says model {code}'s callout prints only the name and p.{m.group(2)}; the data disagrees")
    # 「２．鶴岡の事例の後に置かれています」: the number and the name must be one case.
    for m in re.finditer(rf"([0-9０-９]+)．({_NAMES})の", note):
        checked = True
        if SHORT_NAMES[m.group(2)] != int(m.group(1).translate(FULLWIDTH)):
            problems.append(f"calls case {m.group(1)} {m.group(2)}")
    others = [n for n in named(note) if n != region.number]
    if others and not checked:
        problems.append(f"names cases {others} in a claim no check reads; add a rule to tests/test_reader_notes.py")
    return problems


def test_the_short_names_are_the_regions_own(real_site):
    for name, number in SHORT_NAMES.items():
        holders = [r.number for r in real_site.regions if name in r.name or any(name in o for o in r.organisations)]
        assert holders == [number], (name, holders)
    assert set(SHORT_NAMES.values()) == {r.number for r in real_site.regions}


def test_model_notes_that_name_regions_agree_with_those_regions(real_site):
    problems = []
    for model in real_site.models:
        for n in model.source_notes:
            if n.reader:
                problems += [f"model {model.code}: {n.reader}\n  → {p}" for p in check_model_note(real_site, model, n.reader)]
    assert not problems, "\n".join(problems)


def test_case_notes_about_models_pages_and_other_cases_agree_with_the_data(real_site):
    problems = []
    for region in real_site.regions:
        for n in region.source_notes:
            if n.reader:
                problems += [f"{region.slug}: {n.reader}\n  → {p}" for p in check_region_note(real_site, region, n.reader)]
    assert not problems, "\n".join(problems)


def test_a_false_callout_claim_is_caught(real_site):
    """The note the audit found false (issue 32): 福岡市南区's callout reads as its list entry does."""
    model = real_site.model("う")
    old = "鶴岡・みぶの会・福岡市南区の団体名やシステム名は、図の吹き出しと一覧とで異なる表記で印刷されています。"
    assert any("福岡市南区" in p for p in check_model_note(real_site, model, old))
    assert check_model_note(real_site, model, "図の吹き出しは６事例（２・３・５・７・８・９）のみです。")
    assert check_model_note(real_site, model, "一覧にある２の事例の吹き出しはありません。")
    assert check_model_note(real_site, model, "板橋の吹き出しは一覧と同じ名称で、ページ番号が印刷されていません。")
    assert check_model_note(real_site, model, "長岡では別の名前が使われています。")  # a claim with no check


def test_a_false_page_or_callout_claim_on_a_case_is_caught(real_site):
    sakai = real_site.region("sakai")
    assert check_region_note(real_site, sakai, "報告書は、この事例のページを事例索引とモデルの一覧では p.166、モデル図の吹き出しでは p.170 と2通りに印刷しています。")
    assert check_region_note(real_site, sakai, "本事例はモデルB2の一覧には挙げられていますが、図の吹き出しにはありません。")
    assert check_region_note(real_site, sakai, "モデルい3・い4の図の吹き出しには説明の括弧書きがなく、団体名とページ番号（p.166）だけが印刷されています。")
    assert check_region_note(real_site, sakai, "この図の文言は２．長岡の事例の後に置かれています。")
    assert check_region_note(real_site, sakai, "ICTを使うモデル（B2・う）の一覧と図には本事例は挙げられていません。")


def test_no_note_says_all_cases_where_one_case_differs(real_site):
    """「全事例で3ページの差がある」 was too broad: case 14's callout prints no page."""
    notes = [n for r in real_site.regions for n in r.source_notes] + [n for m in real_site.models for n in m.source_notes]
    assert not [n.note for n in notes if "全事例" in n.note or (n.reader and "全事例" in n.reader)]
    with_page = [r for r in real_site.regions if any(m.figure_page for m in r.models)]
    assert all(m.figure_page - m.page == 3 for r in with_page for m in r.models if m.figure_page)
    for r in real_site.regions:
        for n in r.source_notes:
            m = re.search(r"図にページ番号が印刷されている(\d+)事例では、いずれも3ページの差がある。事例(\d+)の吹き出しにはページ番号がない", n.note)
            if m:
                without = [x.number for x in real_site.regions if x not in with_page]
                assert int(m.group(1)) == len(with_page) and [int(m.group(2))] == without, (r.slug, n.note)


def test_a_note_on_which_letter_is_full_width_points_at_the_right_one(real_site):
    """B1・B2 print 「n対ｎ」: the full-width letter is the second n (U+FF4E), not the second character (対)."""
    checked = 0
    for model in real_site.models:
        for n in model.source_notes:
            for text in filter(None, (n.note, n.reader)):
                for m in re.finditer(r"「([^」]+)」と(\d+)つ目の([a-z])(?:（[^）]*）)?が全角", text):
                    quoted, k, letter = m.group(1), int(m.group(2)), m.group(3)
                    wide = chr(ord(letter) - ord("a") + ord("ａ"))
                    found = [c for c in quoted if c in (letter, wide)]
                    assert found[k - 1] == wide and found.count(wide) == 1, (model.code, text)
                    position = re.search(r"(\d+)文字目", m.group(0))
                    assert position is None or quoted[int(position.group(1)) - 1] == wide, (model.code, text)
                    titled = [x.code for x in real_site.models if x.title.startswith(quoted)]
                    assert model.code in titled and all(quoted.replace(wide, letter) not in x.title for x in real_site.models
                                                        if x.code in titled), (model.code, titled)
                    checked += 1
    assert checked == 2  # the B1 note, for editors and for readers


def test_survey_notes_name_no_region_without_a_check(real_site):
    """No survey table note names a case today; one that does needs a rule above before it is published."""
    naming = [(t.id, n.reader) for t in real_site.survey for n in t.source_notes if n.reader and named(n.reader)]
    assert not naming, naming
