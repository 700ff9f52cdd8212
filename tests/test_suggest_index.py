"""Suggestions from suffix arrays give exactly what the scan of every title gave.

``scan_suggest`` and ``scan_decode_initials`` are the scans the suffix arrays replaced (kept here
as the reference): every prefix a user's IME shows while typing a title or question (분, 분ㅅ,
분시, 분실), their 초성, several words, both audiences and long limits must agree.
"""

from __future__ import annotations

from collections import Counter

import pytest

from indexer.hangul import compose, decompose, initials, is_initials_query, is_syllable
from indexer.normalize import normalize_query
from indexer.substrings import SORTED_CHARS, SubstringIndex
from indexer.suggest import Suggester, _squash

AUDIENCES = (("public",), ("public", "internal"))


def scan_suggest(suggester: Suggester, text: str, limit: int, audiences) -> list:
    query = normalize_query(text)
    if not query:
        return []
    if is_initials_query(query):
        needle = _squash(query)
        scored = [(e.initials.find(needle), e) for e in suggester.entries if needle in e.initials]
    else:
        words = [decompose(w, True) for w in query.split(" ")]
        scored = []
        for entry in suggester.entries:
            positions = [entry.jamo.find(w) for w in words]
            if all(p >= 0 for p in positions):
                scored.append((positions[0], entry))
    scored.sort(key=lambda pair: (pair[0], pair[1].order, len(pair[1].suggestion.text)))
    seen, out = set(), []
    for _, entry in scored:
        s = entry.suggestion
        if s.audience in audiences and s.id not in seen:
            seen.add(s.id)
            out.append(s)
            if len(out) == limit:
                break
    return out


def scan_decode_initials(suggester: Suggester, text: str, audiences) -> str | None:
    query = normalize_query(text)
    if not is_initials_query(query):
        return None
    needle = _squash(query)
    readings: Counter[str] = Counter()
    spellings: dict[str, set[str]] = {}
    for entry in suggester.entries:
        at = entry.initials.find(needle)
        if at < 0 or entry.suggestion.audience not in audiences:
            continue
        start, end = entry.positions[at], entry.positions[at + len(needle) - 1] + 1
        if start > 0 and entry.text[start - 1] != " ":
            continue
        reading = entry.text[start:end]
        if all(is_syllable(ch) or ch == " " for ch in reading):
            readings[_squash(reading)] += 1
            spellings.setdefault(_squash(reading), set()).add(reading)
    if not readings:
        return None
    best = readings.most_common(1)[0][0]
    return max(spellings[best], key=lambda r: (r.count(" "), r))


def typed_prefixes(text: str) -> list[str]:
    """What the box shows after each keystroke of ``text`` on a 2-set keyboard (분 → ㅂ, 부, 분; 분ㅅ, 분시 …)."""
    keys = decompose(text, True)
    return [compose(keys[:n]) for n in range(1, len(keys) + 1)]


def queries(suggester: Suggester) -> list[str]:
    out: set[str] = set()
    texts = [e.text for e in suggester.entries]
    for text in texts:
        out.update(typed_prefixes(text[:8]))
        words = text.split()
        out.update(" ".join(words[:n]) for n in range(1, len(words) + 1))
        out.update(words)
        out.update(f"{words[-1]} {w[:2]}" for w in words[:2])  # words out of order, the last half-typed
        chosung = initials(text)
        out.update(chosung[:n] for n in range(2, 9))
        out.update(_squash(chosung)[a : a + 3] for a in range(0, 6))
    out.update(["카", "ㅋ", "ㅋㄷ", "ㅂㅅ ㅅㄱ", "카드 ㅂㅅ", "zz", "💳", "１２", "a", "?", "", " ", "ㅏ", "ㅆㅆㅆ"])
    return sorted(out)


def check_same(suggester: Suggester, texts: list[str]) -> int:
    compared = 0
    for n, text in enumerate(texts):
        audiences = AUDIENCES[n % 2]
        limit = 200 if n % 5 == 0 else 8
        assert suggester.suggest(text, limit=limit, audiences=audiences) == scan_suggest(
            suggester, text, limit, audiences
        ), (text, audiences, limit)
        assert suggester.decode_initials(text, audiences) == scan_decode_initials(suggester, text, audiences), text
        compared += 1
    return compared


def test_same_suggestions_as_the_scan_on_the_sample(real_engine):
    suggester = real_engine.suggester
    texts = queries(suggester)[::3]
    assert check_same(suggester, texts) > 1000
    assert "lost-report" in [s.id for s in suggester.suggest("분ㅅ")]  # the arrays answer, not nothing


def test_same_suggestions_on_repeats_internal_and_odd_text():
    """Titles sharing words, a word twice in one title, internal articles, long words, non-Hangul text."""
    docs = []
    words = ["카드", "분실", "신고", "재발급", "해외결제", "한도", "비밀번호변경신청서류", "ATM", "🎉", "１２３"]
    for n in range(120):
        title = " ".join(words[(n * k) % len(words)] for k in (1, 3, 7)[: 1 + n % 3])
        questions = "\n".join([f"{title} {words[n % len(words)]} 어떻게 하나요?", f"카드 카드 {words[(n + 1) % 10]}"])
        docs.append(
            {
                "id": f"a{n % 97}",  # some ids twice: distinct articles only
                "title": title,
                "questions": questions if n % 4 else "",
                "category": "c",
                "audience": "internal" if n % 5 == 0 else "public",
            }
        )
    suggester = Suggester.from_rows(Suggester.from_docs(docs).rows())
    texts = queries(suggester) + ["비밀번호변경신청서류", "ㅂㅁㅂㅎㅂㄱㅅㅊㅅㄹ", "카드 카드"]
    assert check_same(suggester, texts) > 300


@pytest.mark.parametrize("word", ["", "a", "ab", "abc", "abcabc", "x" * (SORTED_CHARS + 3), "\u3131"])
def test_substring_index_finds_what_find_finds(word):
    texts = ["abcabc", "", "xabc", "b", "x" * (SORTED_CHARS + 5), "ㄱㄱ", "zz\0ab"]
    index = SubstringIndex(texts)
    cleaned = [t.replace("\0", "\ufffd") for t in texts]
    numbers, firsts = index.first_positions(word)
    assert list(zip(numbers.tolist(), firsts.tolist(), strict=True)) == [
        (n, t.find(word)) for n, t in enumerate(cleaned) if word in t
    ]
    found = sorted(zip(*(a.tolist() for a in index.occurrences(word)), strict=True))
    every = [(n, at) for n, t in enumerate(cleaned) for at in range(len(t)) if t.startswith(word, at)]
    assert found == (every if word else [(n, 0) for n in range(len(texts))])
