"""Query-term weights from the corpus itself: let the distinctive words of a query decide.

A long natural query (``카드 해지 방법 완벽 정리``, ``삼성카드 할부 선결제하기``) carries words that name
no topic. BM25 already discounts words common in a field, but a word that is rare in the articles
yet says nothing (가이드, 총정리, a brand name in one body) scores as if it were the point of the
query. The articles' titles, question variants and tags are the corpus's own query set: they say
what each article answers, in the words people use. A word that appears there for many articles
(방법, 카드, 신청) separates little; a word that appears there for none is not what any article is
about, so its body matches should not steer the ranking either. Both are weighted down; the
weights live in the ``QueryPlan`` so every scorer (Whoosh, the in-memory table, the browser)
reads the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

HEAD_FIELDS = ("title", "questions", "tags")
UNSEEN_WEIGHT = 0.9  # a word no article's title, questions or tags use
MIN_WEIGHT = 0.6  # a word that heads nearly every article (카드)
GENERIC_SHARE = 0.2  # below this share of articles' heads a word counts as fully distinctive


class TermWeights:
    """Term -> weight in [MIN_WEIGHT, 1], from the number of articles whose head uses the term."""

    def __init__(self, head_frequency: dict[str, int], documents: int):
        self.head_frequency = head_frequency
        self.documents = max(1, documents)

    @classmethod
    def from_reader(cls, reader, documents: Iterable[int] | None = None) -> TermWeights:
        """Count, per term, the articles (among ``documents``, default all) whose head fields hold it."""
        keep = None if documents is None else set(documents)
        holders: dict[str, set[int]] = {}
        for fieldname in HEAD_FIELDS:
            for term in reader.field_terms(fieldname):
                ids = reader.postings(fieldname, term).all_ids()
                holders.setdefault(term, set()).update(n for n in ids if keep is None or n in keep)
        count = len(keep) if keep is not None else reader.doc_count()
        return cls({t: len(ns) for t, ns in holders.items() if ns}, count)

    def rows(self) -> dict:
        """A JSON-ready form (the build's tables/weights.json)."""
        return {"documents": self.documents, "head_frequency": self.head_frequency}

    @classmethod
    def from_rows(cls, rows: dict) -> TermWeights:
        return cls(rows["head_frequency"], rows["documents"])

    def weight(self, term: str) -> float:
        frequency = self.head_frequency.get(term, 0)
        if frequency == 0:
            return UNSEEN_WEIGHT
        share = frequency / self.documents
        if share <= GENERIC_SHARE:
            return 1.0
        # log-scaled between "distinctive" (GENERIC_SHARE) and "in every head" (share 1)
        scale = math.log(share / GENERIC_SHARE) / math.log(1 / GENERIC_SHARE)
        return max(MIN_WEIGHT, 1.0 - (1.0 - MIN_WEIGHT) * scale)
