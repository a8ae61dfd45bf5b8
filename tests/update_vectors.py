"""Write tests/vectors/*.json: the contract between the Python and JavaScript twins.

Each file pairs inputs with the outputs the Python side gives today; tests/test_twins.py checks that
Python still gives them and that node (tests/js/vectors.js) gives the same from the shipped JS.
Run after an intended change of a twin (both sides changed together):  python tests/update_vectors.py
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from casebook.search import normalize, query_words, shard_of, tokenize  # noqa: E402
from casebook.search.text import reading_key  # noqa: E402
from casebook.search import readings  # noqa: E402
from casebook.similar import rank  # noqa: E402

VECTORS = ROOT / "tests" / "vectors"

# Strings a reader types or the report prints, and hostile ones (every class the normalizer treats apart).
TEXTS = [
    "", " ", "\u3000", "a", "医", "😀", "👨‍👩‍👧‍👦", "🇯🇵", "𠮷野家の𠮷", "\U0002a6a5\U0002a6a6", "\U000e0001x",
    "\x00\x01\x1f\x7f\x85\u200b\u200d\ufeff", "a\u0000b", "line\nbreak\r\ntab\t",
    "ｶﾞｲﾄﾞ ﾊﾟﾝ ｶﾅﾐｯｸ", "か\u3099", "゛゜ゝゞヽヾ", "⽀⽤⾏ ⻘⻑⺠⻭", "㈱㍻①Ⅻ№℡", "ﬁﬂ ＩＣＴ ｉｃｔ Ict",
    "İstanbul ΣΊΣΥΦΟΣ ς Straße ǅ", "Ω Å K", "𝐀𝐁𝐂 𝟏𝟐", "e\u0301 é", "〜～~", "ｰー－―‐", "24時間365日",
    "OKはまゆりネット", "ＯＫはまゆり", "a" * 30, "医" * 25, "<script>alert(1)</script>", '"\\\'', "*~^:+-",
    "ヿゟ", "\u3099", "ｶ\uff9e", "\uff9e", "駒ヶ根市 駒ケ根 こまがね", "在宅医療・介護連携推進事業",
    "訪問看護 連携", "ict化", "かかりつけ医が看取りを支える", "ケアマネジャー（介護支援専門員）",
    "メディカルケアステーション", "主治医・副主治医制", "ＭＣＳ", "ｺﾝﾋﾟｭｰﾀｰ",
    "ヴァイオリン ヴィ ヴ ヴェ ヴォ ゔぁ", "ァィゥェォッャュョヮヵヶ ぁぃぅぇぉっゃゅょゎ", "ターミナル・ケア ＝ ゝゞ",
]
TERMS = ["医", "あ", "ア", "a", "z", "0", "𠮷", "😀", "ヶ", "看取", "連携", "ict"]
READING_TEXTS = ["かかりつけ医が看取りを支える。", "訪問看護ステーションと連携する。", "主治医・副主治医制をとる。",
                 "駒ヶ根市の在宅医療", "多職種連携の研修会", "記入箇所をカンファレンスでケアマネジャーが確認する。"]
# What the JS matcher must give for each query on READING_TEXTS' data, stated by hand (a reading in either
# script, a reading typed in part, a suffix that starts no match).
READING_FORMS = {"みとり": ["看取り"], "ミトリ": ["看取り"], "かかりつけい": ["かかりつけ医"], "ほうもんかん": ["訪問看護"],
                 "しゅじい": ["主治医", "主治医制"], "こまがね": ["駒ヶ根", "駒ヶ根市"], "けんしゅう": ["研修", "研修会"],
                 "あ": [], "zz": [],
                 # spelling variants: a small kana, a long vowel, a vowel Sudachi reads as the same word
                 "ヵ所": ["箇所"], "ケアマネージャー": ["ケアマネジャー"], "カンファランス": ["カンファレンス"],
                 "こまがね市": ["駒ヶ根市"], "駒ケ根": ["駒ヶ根", "駒ヶ根市"]}


def js_query_words(text: str) -> list[dict]:
    """query_words in tokenize.js's shape (a clause is {term, prefix})."""
    return [{**w, "clauses": [{"term": t, "prefix": p} for t, p in w["clauses"]]} for w in query_words(text)]


def tokenize_vectors() -> list[dict]:
    return [{"text": t, "normalize": normalize(t), "tokenize": tokenize(t), "queryWords": js_query_words(t),
             "readingKey": reading_key(normalize(t))} for t in TEXTS]


def shard_vectors() -> list[dict]:
    return [{"term": t, "shards": n, "shard": shard_of(t, n)} for t in TERMS for n in (1, 2, 7, 13, 64)]


def similarity_vectors() -> dict:
    rng = random.Random(30)
    codes = ["A", "B1", "B2", "C1", "D", "あ1", "い2", "う"]
    cases = [{"slug": f"c{i}", "number": i + 1, "total": rng.randint(5000, 2_000_000),
              "rate65": round(rng.uniform(15, 40), 1), "rate75": round(rng.uniform(7, 22), 1),
              "models": rng.sample(codes, rng.randint(1, 3))} for i in range(9)]
    queries = [{"total": 40000, "rate65": 30.5, "rate75": 15.0}, {"rate65": 25}, {"models": ["B2", "あ1"]},
               {"total": 0, "rate75": 12.3, "models": ["う"]}, {}]
    jobs = []
    for q in queries:
        for exclude in (None, "c3"):
            ranked = rank(q, cases, exclude)
            jobs.append({"query": q, "exclude": exclude,
                         "ranked": [{"slug": r["slug"], "key": r["key"], "reasons": r["reasons"]} for r in ranked]})
    return {"cases": cases, "jobs": jobs}


def reading_vectors() -> dict:
    data = readings.reading_data(READING_TEXTS)
    return {"texts": READING_TEXTS, "data": data,
            "katakana": [[t, readings.to_katakana(t)] for t in ("みとり・ゔぁ・ゝ", "看取りＡ", "ゞヽ")],
            # Forms the JS matcher gives for each query on this data (its contract with the data format).
            "queries": list(READING_FORMS), "forms": READING_FORMS}


def write(name: str, payload) -> None:
    text = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (VECTORS / name).write_text(text, encoding="utf-8", errors="surrogatepass")


def main() -> None:
    VECTORS.mkdir(exist_ok=True)
    write("tokenize.json", tokenize_vectors())
    write("shard_hash.json", shard_vectors())
    write("similarity.json", similarity_vectors())
    write("readings.json", reading_vectors())


if __name__ == "__main__":
    main()
