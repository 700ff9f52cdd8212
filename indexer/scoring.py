"""Precomputed scores: term -> (documents, field-weighted BM25F weight), read off a Whoosh build.

The live query is one flat OR of ``Term(field, term, boost=field weight)`` (``query.to_whoosh``),
scored by Whoosh's BM25F, which adds per-field scores. Each (field, term, document) score
depends only on the build, so the sum over fields for one term can be computed once:

    weight(term, doc) = sum over fields f of  FIELD_WEIGHTS[f] * bm25(idf_f(term), tf, |doc|_f, avg_f)

with Whoosh's own idf, its quantized field lengths and B/K1, and without the (field, term)
pairs the live search skips as too common (``search._without_common_terms``). A query's
score is then a weighted sum of a few rows (``ScoreTable.rank``). The static export writes
the same rows as shards for the browser, so both faces rank from one table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from indexer.query import (
    FIELD_WEIGHTS,
    NGRAM_WEIGHTS,
    QueryPlan,
    weighted_terms,
)  # the plan's one list of weighted terms

B, K1 = 0.75, 1.2  # as in search.SearchEngine (BM25F(B=0.75, K1=1.2))
COMMON_TERM_SHARE = 0.3
COMMON_TERM_MIN_DOCS = 50


@dataclass
class Row:
    """One term's postings: ascending document numbers and their summed field-weighted scores."""

    docs: np.ndarray  # int32
    weights: np.ndarray  # float64


@dataclass
class ScoreTable:
    terms: dict[str, Row]  # Kiwi terms over title/questions/tags/body
    grams: dict[str, Row]  # syllable n-grams over head_ng/body_ng
    documents: int  # document numbers run from 0 to documents - 1
    ids: list[str] = field(default_factory=list)  # document number -> article id
    skipped: set[tuple[str, str]] = field(default_factory=set)  # (field, term) too common to score
    # The skipped fields' scores of Kiwi terms: the live search drops common terms only from the
    # top-level OR, so inside a synonym phrase (And) they still count.
    common: dict[str, Row] = field(default_factory=dict)

    def row(self, kind: str, term: str) -> Row | None:
        return (self.terms if kind == "t" else self.grams).get(term)

    def scores(self, plan: QueryPlan) -> np.ndarray:
        """Every document's score for ``plan``: the same sum Whoosh computes for ``to_whoosh(plan)``."""
        total = np.zeros(self.documents)
        for terms, weight in weighted_terms(plan):
            if len(terms) == 1:
                row = self.terms.get(terms[0])
                if row is not None:
                    total[row.docs] += weight * row.weights
                continue
            part = np.zeros(self.documents)
            present = np.ones(self.documents, dtype=bool)
            for term in terms:
                hit = np.zeros(self.documents, dtype=bool)
                for row in (self.terms.get(term), self.common.get(term)):
                    if row is not None:
                        hit[row.docs] = True
                        part[row.docs] += (weight / len(terms)) * row.weights
                present &= hit  # a phrase counts only where all its terms occur
            total += np.where(present, part, 0.0)
        for gram in plan.ngrams:
            row = self.grams.get(gram)
            if row is not None:
                total[row.docs] += row.weights
        return total

    def rank(self, plan: QueryPlan, allowed: Iterable[int] | None = None, limit: int = 200) -> list[tuple[int, float]]:
        """The best ``limit`` (document number, score) pairs, ties by document number as in Whoosh."""
        scores = self.scores(plan)
        if allowed is not None:
            mask = np.zeros(self.documents, dtype=bool)
            mask[list(allowed)] = True
            scores = np.where(mask, scores, 0.0)
        matched = np.flatnonzero(scores > 0)
        order = matched[np.lexsort((matched, -scores[matched]))][:limit]
        return [(int(n), float(scores[n])) for n in order]


def _bm25(idf: float, tf: np.ndarray, length: np.ndarray, average: float) -> np.ndarray:
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / average)))


def build_table(reader, documents: Sequence[int] | None = None) -> ScoreTable:
    """Read the table off an open Whoosh reader (``searcher.reader()``).

    ``documents``: keep only these document numbers in the rows (e.g. public articles); the
    statistics (idf, average lengths) stay those of the whole build, as the live search sees them.
    """
    count = reader.doc_count_all()
    keep = None
    if documents is not None:
        keep = np.zeros(count, dtype=bool)
        keep[list(documents)] = True
    common = max(COMMON_TERM_MIN_DOCS, count * COMMON_TERM_SHARE)
    table = ScoreTable({}, {}, count, [reader.stored_fields(n).get("id", "") for n in range(count)])
    for kind, weights in (("t", FIELD_WEIGHTS), ("g", NGRAM_WEIGHTS)):
        rows: dict[str, dict[int, float]] = {}
        common_rows: dict[str, dict[int, float]] = {}
        for fieldname, boost in weights.items():
            average = (reader.field_length(fieldname) / count if count else 0) or 1
            lengths = np.array([reader.doc_field_length(n, fieldname, 1) for n in range(count)], dtype=float)
            for term in reader.field_terms(fieldname):
                frequency = reader.doc_frequency(fieldname, term)
                too_common = frequency > common
                if too_common:
                    table.skipped.add((fieldname, term))
                    if kind == "g":
                        continue
                idf = math.log(count / (frequency + 1)) + 1
                items = list(reader.postings(fieldname, term).items_as("weight"))
                docs = np.fromiter((d for d, _ in items), dtype=np.int64, count=len(items))
                tf = np.fromiter((w for _, w in items), dtype=float, count=len(items))
                if keep is not None:
                    mask = keep[docs]
                    docs, tf = docs[mask], tf[mask]
                if not len(docs):
                    continue
                scores = boost * _bm25(idf, tf, lengths[docs], average)
                row = (common_rows if too_common else rows).setdefault(term, {})
                for d, s in zip(docs.tolist(), scores.tolist(), strict=True):
                    row[d] = row.get(d, 0.0) + s
        target = table.terms if kind == "t" else table.grams
        for source, into in ((rows, target), (common_rows, table.common)):
            for term, row in source.items():
                docs = np.array(sorted(row), dtype=np.int32)
                into[term] = Row(docs, np.array([row[d] for d in docs.tolist()]))
    return table


def open_table(index_path, audiences: Sequence[str] | None = None) -> ScoreTable:
    """The table of the build in ``index_path`` (a build folder, e.g. ``build.live_path(root)``).

    ``audiences``: keep only those articles' postings (the static export passes ("public",)).
    """
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index_path))
    with ix.reader() as reader:
        documents = None
        if audiences is not None:
            documents = [n for n, stored in reader.iter_docs() if stored.get("audience") in audiences]
        return build_table(reader, documents)
