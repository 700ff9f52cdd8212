"""The common-strings table says exactly what counting the articles said: in at least half of them or not."""

from __future__ import annotations

import json
import random
import unicodedata

from indexer import live_path
from indexer.common import MAX_CHARS, CommonCounts, CommonWords, article_text, common_strings
from kb.published import read_records


def counted(word: str, texts: list[str]) -> bool:
    """The reference: search every text (what kb/highlights.py did per word)."""
    return sum(word in t for t in texts) / max(1, len(texts)) >= 0.5


def every_substring(texts: list[str], longest: int) -> set[str]:
    return {t[i : i + n] for t in texts for n in range(2, longest + 1) for i in range(len(t) - n + 1)}


def test_every_substring_of_small_texts():
    texts = [
        "카드 분실 신고는 24시간 가능합니다.",
        "카드 결제가 안 돼요 1566-1000",
        "분실한 카드 재발급 😀 ＡＴＭ",
        unicodedata.normalize("NFD", "카드 해지") + " 가능합니다",
        "",
        "ㅋㅋ 카드카드카드",
        "x" * 40,
        "x" * 40 + " 카드",
    ]
    found = set(common_strings(texts))
    for word in every_substring(texts, MAX_CHARS):
        assert (word in found) == counted(word, texts), word
    assert "카드" in found and "x" * MAX_CHARS not in found  # 3 of 8 texts hold the x's: not half


def test_long_common_strings_are_cut_and_checked_against_the_texts():
    footer = "상담은 고객센터 1566-1000으로 연락 주시기 바랍니다. 감사합니다."
    texts = [f"질문 {n}\n답변 {n}. {footer}" for n in range(6)] + ["다른 글"] * 4
    words = CommonWords(common_strings(texts), lambda: texts)
    assert max(len(s) for s in words.strings) == MAX_CHARS
    assert words.is_common(footer) and counted(footer, texts)
    assert not words.is_common(footer + "!")
    assert words.is_common("감사합니다") and not words.is_common("다른 글")


def test_same_answers_as_counting_on_the_sample(real_index):
    build = live_path(real_index)
    articles = read_records(build)
    texts = [article_text(a["title"], a["text"]) for a in articles]
    stored = json.loads((build / "tables" / "common.json").read_text(encoding="utf-8"))
    assert sorted(stored) == sorted(common_strings(texts)) and "카드" in stored
    words = CommonWords(stored, lambda: texts)
    rng = random.Random(16)
    samples = set(stored)
    for _ in range(3000):
        text = rng.choice(texts)
        start = rng.randrange(max(1, len(text) - 2))
        samples.add(text[start : start + rng.randint(2, 30)])
    for word in samples:
        assert words.is_common(word) == counted(word, texts), word


def test_kept_counts_give_what_counting_again_gives(tmp_path, monkeypatch):
    """Articles edited, added and removed one batch at a time: the updated counts name the same
    common strings as counting every text again, until they cannot tell (then None)."""
    import indexer.common

    monkeypatch.setattr(indexer.common, "MIN_COUNTED", 10)
    monkeypatch.setattr(indexer.common, "MARGIN_SHARE", 0.1)
    rng = random.Random(16)
    words = ["카드", "분실", "신고", "결제", "해외", "포인트", "연회비", "앱에서", "😀", "ＡＴＭ", "1566", "습니다"]

    def text() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randrange(3, 12)))

    texts = {f"a{n}": text() for n in range(60)}
    counts = CommonCounts.count(list(texts), list(texts.values()))
    told = recounted = 0
    for _ in range(30):
        removed = set(rng.sample(sorted(texts), rng.randrange(0, 3)))
        edited = set(rng.sample(sorted(set(texts) - removed), rng.randrange(0, 3)))
        for key in removed:
            del texts[key]
        added = [(key, text()) for key in sorted(edited)] + [(f"b{rng.random()}", text())]
        texts.update(added)
        counts = counts.update(removed | edited, added)
        counts.save(tmp_path / "counts.npz")
        counts = CommonCounts.load(tmp_path / "counts.npz")
        assert sorted(counts.ids) == sorted(texts)
        found = counts.common()
        if found is None:  # too many articles added since they were counted: count again
            recounted += 1
            counts = CommonCounts.count(list(texts), list(texts.values()))
            found = counts.common()
        else:
            told += 1
        assert found == common_strings(list(texts.values()))
    assert told and recounted
