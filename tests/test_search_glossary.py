"""The search's glossary (casebook/search/glossary.yaml) and the spelling knowledge built from the analyser:
what a reader's short form, everyday word or other spelling is searched as."""
from __future__ import annotations

import pytest

from casebook.search import readings
from casebook.search.glossary import GLOSSARY, GlossaryError, glossary_entries, read_glossary

pytestmark = pytest.mark.unit


def test_every_shipped_glossary_entry_says_where_its_pairing_comes_from():
    entries = read_glossary()
    assert entries and all(e["source"] and e["kind"] in ("略", "言い換え") and e["long"] for e in entries)
    shorts = [e["short"] for e in entries]
    assert len(shorts) == len(set(shorts))


def test_a_broken_glossary_names_the_file_the_entry_and_the_field_all_at_once(tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_text("- short: 訪看\n  long: 訪問看護\n  kind: 略\n  source: x\n"
                    "- short: ''\n  long: [看護師]\n  kind: 俗語\n  reason: y\n", encoding="utf-8")
    with pytest.raises(GlossaryError) as raised:
        read_glossary(path)
    message = str(raised.value)
    assert f"{path}: entry 1 long: expected a list of one or more words, got '訪問看護'" in message
    assert f"{path}: entry 2 short: expected a word" in message
    assert f"{path}: entry 2 kind: expected one of 略, 言い換え, got '俗語'" in message
    assert f"{path}: entry 2 source: expected a sentence" in message
    assert f"{path}: entry 2: unknown field(s) reason" in message
    assert GLOSSARY.name == "glossary.yaml"


def test_only_entries_with_a_form_the_site_contains_are_shipped_in_normalized_spelling():
    entries = [{"short": "ＭＳＷ", "long": ["医療ソーシャルワーカー"], "kind": "略", "source": "s"},
               {"short": "サ高住", "long": ["サービス付き高齢者向け住宅"], "kind": "略", "source": "s"}]
    assert glossary_entries(["病院の医療ソーシャルワーカーが調整する"], entries) == [
        ["msw", ["医療ソーシャルワーカー"], "略", "s"]]


def test_spelling_variants_are_those_the_analyser_reads_as_the_same_word():
    variants = readings.spelling_variants
    assert {"か所", "ヶ所", "ヵ所"} <= set(variants("箇所", "カショ", "箇所"))
    assert "受入" in variants("受入れ", "ウケイレ", "受け入れ")
    assert "カンファランス" in variants("カンファレンス", "カンファレンス", "コンファレンス")
    # a changed vowel Sudachi does not take as the same word is not a variant
    assert "カンフィレンス" not in variants("カンファレンス", "カンファレンス", "コンファレンス")


def test_words_the_site_spells_two_ways_form_one_group():
    groups = readings.variant_groups(["駒ヶ根市の会議。", "駒ケ根市の病院。", "コーディネーターとコーディネータ。", "医師会"])
    assert ["駒ケ根市", "駒ヶ根市"] in groups or ["駒ケ根", "駒ヶ根"] in groups
    assert ["コーディネータ", "コーディネーター"] in groups
    assert not any("医師会" in g for g in groups)
