"""As-you-type suggestions over titles and question variants, at the jamo level.

While a Korean IME composes, the input ends in a bare jamo or a half-built syllable
(분ㅅ, 카ㄷ, 칻): compared as jamo keystrokes, 분ㅅ is already a prefix of 분실. A query of
initial consonants only (ㅂㅅㅅㄱ) matches the 초성 of each title (분실 신고 → ㅂㅅㅅㄱ).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from functools import cached_property

import numpy as np

from indexer.audience import PUBLIC, Audiences
from indexer.hangul import decompose, initials, is_initials_query, is_syllable
from indexer.normalize import normalize_query
from indexer.substrings import SubstringIndex

MAX_ENTRIES_PER_DOC = 8
SHORTLIST = 64  # matches ordered in full only when the best ones do not fill the list


@dataclass(frozen=True)
class Suggestion:
    id: str
    text: str  # the title or question variant that matched
    title: str
    category: str
    audience: str


@dataclass(frozen=True)
class _Entry:
    suggestion: Suggestion
    jamo: str
    initials: str
    order: int  # 0 for the title, then question variants
    text: str  # normalized text
    positions: tuple[int, ...]  # text index of each character of ``initials``


def _squash(text: str) -> str:
    return "".join(text.split())


class Suggester:
    """Built once per build (``from_docs``), stored as rows in the build, loaded by servers.

    Matching runs on suffix arrays of the entries' jamo and 초성 (``indexer/substrings.py``),
    made on first use and kept: a keystroke costs a bisection and a few numpy operations on the
    matching entries, not a look at every title.
    """

    def __init__(self, entries: Sequence[_Entry] = ()):
        self.entries: list[_Entry] = list(entries)

    def prepare(self) -> None:
        """Make the suffix arrays now (a server opening a build), not on the first keystroke."""
        _ = self._jamo, self._initials, self._rank

    @cached_property
    def _jamo(self) -> SubstringIndex:
        return SubstringIndex([e.jamo for e in self.entries])

    @cached_property
    def _initials(self) -> SubstringIndex:
        return SubstringIndex([e.initials for e in self.entries])

    @cached_property
    def _rank(self) -> np.ndarray:
        """Each entry's place among entries at the same match position: title first, then shorter text,
        then the order of the build (a stable sort, as the scan did)."""
        order = sorted(
            range(len(self.entries)), key=lambda i: (self.entries[i].order, len(self.entries[i].suggestion.text))
        )
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return rank

    def _visible(self, audiences: Audiences) -> np.ndarray:
        key = tuple(sorted(audiences))
        masks = self.__dict__.setdefault("_audience_masks", {})
        if key not in masks:
            masks[key] = np.fromiter(
                (e.suggestion.audience in key for e in self.entries), dtype=bool, count=len(self.entries)
            )
        return masks[key]

    @classmethod
    def from_docs(cls, docs: Sequence[dict]) -> Suggester:
        """``docs``: id, title, questions (newline-joined), category, audience."""
        self = cls()
        for doc in docs:
            texts = [doc["title"], *[q for q in (doc.get("questions") or "").split("\n") if q.strip()]]
            for order, text in enumerate(texts[:MAX_ENTRIES_PER_DOC]):
                normalized = normalize_query(text)
                suggestion = Suggestion(doc["id"], text, doc["title"], doc["category"], doc["audience"])
                positions = tuple(i for i, ch in enumerate(normalized) if not ch.isspace())
                self.entries.append(
                    _Entry(
                        suggestion,
                        decompose(_squash(normalized), True),
                        _squash(initials(normalized)),
                        order,
                        normalized,
                        positions,
                    )
                )
        return self

    def rows(self) -> list[list]:
        """Plain JSON rows: the jamo and 초성 work is done when the build is made, not per worker."""
        return [[*astuple(e.suggestion), e.jamo, e.initials, e.order, e.text, list(e.positions)] for e in self.entries]

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence]) -> Suggester:
        return cls(_Entry(Suggestion(*row[:5]), row[5], row[6], row[7], row[8], tuple(row[9])) for row in rows)

    def decode_initials(self, text: str, audiences: Audiences = PUBLIC) -> str | None:
        """The words a 초성 query most likely stands for: ㅂㅅㅅㄱ → 분실 신고 (the commonest reading).

        Read off the titles and questions that contain the initials, with their spacing.
        """
        query = normalize_query(text)
        if not is_initials_query(query):
            return None
        needle = _squash(query)
        readings: Counter[str] = Counter()
        spellings: dict[str, set[str]] = {}
        numbers, firsts = self._initials.first_positions(needle)  # in entry order, as the readings are counted
        for number, at in zip(numbers.tolist(), firsts.tolist(), strict=True):
            entry = self.entries[number]
            if entry.suggestion.audience not in audiences:
                continue
            start, end = entry.positions[at], entry.positions[at + len(needle) - 1] + 1
            if start > 0 and entry.text[start - 1] != " ":
                continue  # a reading starts a word: ㅋㅋ is not the middle of 체크카드
            reading = entry.text[start:end]
            if all(is_syllable(ch) or ch == " " for ch in reading):
                readings[_squash(reading)] += 1
                spellings.setdefault(_squash(reading), set()).add(reading)
        if not readings:
            return None
        best = readings.most_common(1)[0][0]
        return max(spellings[best], key=lambda r: (r.count(" "), r))  # 분실 신고 reads better than 분실신고

    def suggest(self, text: str, *, limit: int = 8, audiences: Audiences = PUBLIC) -> list[Suggestion]:
        query = normalize_query(text)
        if not query:
            return []
        if is_initials_query(query):
            index, words = self._initials, [_squash(query)]
        else:
            index, words = self._jamo, [decompose(w, True) for w in query.split(" ")]
        # every word must occur; order by where the first one starts (a title starting with it first)
        numbers, positions = index.occurrences(words[0])
        keep = self._visible(audiences)[numbers]
        for word in words[1:]:
            keep &= index.containing(word)[numbers]
        numbers, positions = numbers[keep], positions[keep]
        keys = positions * max(1, len(self.entries)) + self._rank[numbers]
        shortlist = SHORTLIST + limit * MAX_ENTRIES_PER_DOC
        if limit > 0 and len(keys) > shortlist:
            best = np.argpartition(keys, shortlist)[:shortlist]
            out = self._distinct(numbers[best[np.argsort(keys[best])]], limit)
            if len(out) == limit:
                return out
        return self._distinct(numbers[np.argsort(keys, kind="stable")], limit)

    def _distinct(self, numbers: np.ndarray, limit: int) -> list[Suggestion]:
        """The first ``limit`` entries of distinct articles, in the given order."""
        seen: set[str] = set()
        out = []
        for number in numbers.tolist():
            s = self.entries[number].suggestion
            if s.id not in seen:
                seen.add(s.id)
                out.append(s)
                if len(out) == limit:
                    break
        return out
