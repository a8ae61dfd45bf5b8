"""The printable 調査票 (/survey/local/questionnaire/): the questions of the tally plan laid out for paper, in the
site's own wording, with the answer boxes, units, skip instructions and the doctor-count definition."""
from __future__ import annotations

from itertools import groupby

from .plan import MONTH_WORDS, REPORT_MONTH
from .questionnaire import DOCTORS_QUESTION, FOLLOW_UPS

MONTH_TABLES = ("s2-6",)  # its rows ask about one month: the survey's own 対象月 (a setting)


def _unit(table, item: str | None) -> str:
    """The unit printed after a figure's box: the item's own 「（日）」 where it has one, else the table's."""
    for unit in ("日", "人", "件"):
        if item and item.endswith(f"（{unit}）"):
            return unit
    return table.unit if "・" not in table.unit else ""


def form_sections(plan: dict, tables) -> list[dict]:
    by_id = {t.id: t for t in tables}
    number_of = {q["id"]: q["number"] for q in plan["questions"]}
    sections = []
    for table_id, group in groupby(plan["questions"], key=lambda q: q["table"]):
        qs = list(group)
        table = by_id.get(table_id)
        section = table.section if table else sections[-1]["title"]
        if not sections or sections[-1]["title"] != section:
            sections.append({"title": section, "blocks": []})
        own_words = table is None or qs[0]["answer"] == "area"  # the question is the site's, not a table title
        block = {"kind": qs[0]["answer"], "table": table_id,
                 "title": qs[0]["heading"].split(" ", 1)[1] if own_words else table.title,
                 "number": table.number if table else "⑧", "skip": None, "define_doctors": False, "month": False}
        if table_id in FOLLOW_UPS:
            source, option = FOLLOW_UPS[table_id]
            gate = next(q for q in plan["questions"] if q["table"] == source)
            block["skip"] = {"question": number_of[gate["id"]], "option": option}
        if qs[0]["answer"] == "numeric":
            block["kind"] = "figures"
            block["rows"] = [{"number": q["number"], "item": q["item"].replace(REPORT_MONTH, MONTH_WORDS),
                              "unit": _unit(table, q["item"])} for q in qs]
            block["define_doctors"] = any((table_id, q["item"]) == DOCTORS_QUESTION for q in qs)
            block["month"] = table_id in MONTH_TABLES
        elif qs[0]["item"] is not None:
            block["kind"] = "grid"
            block["rows"] = [{"number": q["number"], "item": q["item"]} for q in qs]
            block["columns"] = qs[0]["options"]
        else:
            block["questions"] = qs
        sections[-1]["blocks"].append(block)
    return sections
