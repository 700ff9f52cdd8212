"""Editor-maintained synonyms, matched on analyzed terms so particles and endings don't matter.

A group like ``[분실, 잃어버리다, 없어지다]`` is analyzed once into term sequences
(분실), (잃어버리), (없어지); a query containing any of them also searches the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from indexer.analysis import analyze


@dataclass(frozen=True)
class Expansion:
    """Query terms [start, end) that matched a synonym, and the alternatives to add."""

    start: int
    end: int
    alternatives: tuple[tuple[str, ...], ...]


class Synonyms:
    def __init__(self, groups: Sequence[Sequence[str]] = ()):
        self.groups: list[list[tuple[str, ...]]] = []
        self.skipped: list[tuple[str, str]] = []
        for group in groups:
            variants = []
            for phrase in group:
                terms = tuple(t.text for t in analyze(str(phrase)))
                if not terms:
                    self.skipped.append((str(phrase), "has no searchable word"))
                    continue
                if len(terms) == 1 and len(str(phrase).split()) > 1:
                    # "통화 중" -> (통화): it would expand every query that mentions 통화.
                    self.skipped.append((str(phrase), f"reduces to the single word '{terms[0]}'"))
                    continue
                if terms not in variants:
                    variants.append(terms)
            if len(variants) > 1:
                self.groups.append(variants)
        self._index()

    @classmethod
    def from_analyzed(cls, groups: Sequence[Sequence[Sequence[str]]], skipped: Sequence[Sequence[str]] = ()):
        """Groups analyzed when the build was made: a server needs no Kiwi call per phrase to start."""
        self = cls()
        self.groups = [[tuple(variant) for variant in group] for group in groups]
        self.skipped = [(phrase, reason) for phrase, reason in skipped]
        self._index()
        return self

    def _index(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], list[tuple[str, ...]]]]] = {}
        for variants in self.groups:
            for variant in variants:
                others = [v for v in variants if v != variant]
                self._by_first.setdefault(variant[0], []).append((variant, others))

    def __len__(self) -> int:
        return len(self.groups)

    def expansions(self, terms: Sequence[str]) -> list[Expansion]:
        """Every synonym match in a query's term sequence, longest first at each position."""
        found = []
        for i, term in enumerate(terms):
            for variant, others in sorted(self._by_first.get(term, ()), key=lambda e: -len(e[0])):
                if tuple(terms[i : i + len(variant)]) == variant:
                    found.append(Expansion(i, i + len(variant), tuple(others)))
        return found
