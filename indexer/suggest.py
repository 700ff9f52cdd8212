"""As-you-type suggestions over titles and question variants, at the jamo level.

While a Korean IME composes, the input ends in a bare jamo or a half-built syllable
(분ㅅ, 카ㄷ, 칻): compared as jamo keystrokes, 분ㅅ is already a prefix of 분실. A query of
initial consonants only (ㅂㅅㅅㄱ) matches the 초성 of each title (분실 신고 → ㅂㅅㅅㄱ).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from indexer.hangul import decompose, initials, is_initials_query
from indexer.normalize import normalize_query

MAX_ENTRIES_PER_DOC = 8


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


def _squash(text: str) -> str:
    return "".join(text.split())


class Suggester:
    def __init__(self, docs: Sequence[dict]):
        """``docs``: stored fields with id, title, questions (newline-joined), category, audience."""
        self.entries: list[_Entry] = []
        for doc in docs:
            texts = [doc["title"], *[q for q in (doc.get("questions") or "").split("\n") if q.strip()]]
            for order, text in enumerate(texts[:MAX_ENTRIES_PER_DOC]):
                normalized = normalize_query(text)
                suggestion = Suggestion(doc["id"], text, doc["title"], doc["category"], doc["audience"])
                self.entries.append(
                    _Entry(suggestion, decompose(_squash(normalized), True), _squash(initials(normalized)), order)
                )

    def suggest(self, text: str, *, limit: int = 8, audiences: Sequence[str] = ("public",)) -> list[Suggestion]:
        query = normalize_query(text)
        if not query:
            return []
        if is_initials_query(query):
            needle = _squash(query)
            scored = [(e.initials.find(needle), e) for e in self.entries if needle in e.initials]
        else:
            words = [decompose(w, True) for w in query.split(" ")]
            scored = []
            for entry in self.entries:
                positions = [entry.jamo.find(w) for w in words]
                if all(p >= 0 for p in positions):
                    scored.append((positions[0], entry))
        scored.sort(key=lambda pair: (pair[0], pair[1].order, len(pair[1].suggestion.text)))
        seen: set[str] = set()
        out = []
        for _, entry in scored:
            s = entry.suggestion
            if s.audience in audiences and s.id not in seen:
                seen.add(s.id)
                out.append(s)
                if len(out) == limit:
                    break
        return out
