"""Tables derived from a build once, when it is made, and loaded by every server that opens it.

Deriving them at start-up (walking every term and posting of the index, decomposing every
title into jamo) took a worker a minute on 20,000 articles; loading them takes a moment.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.audience import PUBLIC
from indexer.common import CommonCounts, article_text, common_strings
from indexer.postings import FIELDS, Corpus, on_threads
from indexer.schema import TEXT_FIELDS, IndexDoc, to_fields
from indexer.scoring import ScoreTable, build_table, table_from_fields, table_from_postings
from indexer.suggest import Suggester
from indexer.weights import HEAD_FIELDS, TermWeights

TABLES = "tables"
SCORES = "scores.npz"
COMMON = "common.json"
SUGGESTIONS = "suggestions.json"
VOCABULARY = "vocabulary.json"
DOCUMENTS = "documents.json"
SUGGESTIONS_INDEX = "suggestions-index.json"  # [[article id, start, end]]: its rows, bytes of suggestions.json
COMMON_COUNTS = "common-counts.npz"  # the counts behind common.json (the next build updates them)

# A (term, document) run's rows are in FIELDS order, so with the head fields first a run holds a
# head row if and only if its first row is one: _head_weights looks at first rows only.
assert FIELDS[: len(HEAD_FIELDS)] == HEAD_FIELDS, "the head fields must come first in FIELDS"


@dataclass
class Tables:
    documents: list[tuple[str, str, str]]  # docnum -> (id, category, audience)
    vocabulary: dict[str, dict[str, int]]  # "all" | "public" -> word -> document frequency
    counts: dict[str, int]  # "all" | "public" -> number of documents
    suggester: Suggester | None  # None when derived by a build: ``suggestion_rows`` holds them
    weights: TermWeights
    scores: ScoreTable  # term -> (documents, BM25F weights): the live ranking (indexer/scoring.py)
    # strings in at least half of the articles (indexer/common.py); None in builds made before it existed
    common: list[str] | None = None
    common_counts: CommonCounts | None = None  # written by builds, not loaded by servers
    suggestion_rows: SuggestionRows | None = None  # the suggestions as a build writes them


class SuggestionRows:
    """The suggestion rows as JSON, article by article in corpus order: what suggestions.json holds.

    Why: at 20,000 articles the file is 9 MB; parsing the previous build's, rebuilding the
    Suggester and writing it again took seconds for one changed article. An article's rows are
    the same whatever else changed, so a build copies the unchanged articles' bytes from the
    previous build's file (``suggestions-index.json`` says where they are) and makes rows only for
    the changed ones. The bytes are those ``json.dumps`` of all rows gives (same separators).
    """

    def __init__(self, chunks: Sequence[tuple[str, bytes]]):
        self.chunks = list(chunks)  # (article id, its rows as JSON list items joined by ",")

    @classmethod
    def of_rows(cls, rows: Sequence[Sequence]) -> SuggestionRows:
        grouped: dict[str, list[str]] = {}
        for row in rows:
            grouped.setdefault(row[0], []).append(_json(row))
        return cls([(key, ",".join(items).encode("utf-8")) for key, items in grouped.items()])

    def write(self, folder: Path) -> None:
        parts, index, offset = [], [], 1  # after "["
        for key, chunk in self.chunks:
            if not chunk:
                continue
            if parts:
                offset += 1  # the comma
            parts.append(chunk)
            index.append([key, offset, offset + len(chunk)])
            offset += len(chunk)
        (folder / SUGGESTIONS).write_bytes(b"[" + b",".join(parts) + b"]")
        _dump(folder / SUGGESTIONS_INDEX, index)


def previous_suggestions(build: Path, unchanged: Collection[str]) -> dict[str, bytes]:
    """The JSON of a build's suggestion rows, by article id, of the ``unchanged`` articles."""
    try:
        index = _read(build / TABLES / SUGGESTIONS_INDEX)
        data = (build / TABLES / SUGGESTIONS).read_bytes()
        return {key: data[start:end] for key, start, end in index if key in unchanged}
    except (OSError, ValueError):  # a build made before the index existed
        rows = [row for key, found in suggestion_rows_by_id(build).items() if key in unchanged for row in found]
        return dict(SuggestionRows.of_rows(rows).chunks)


def derive_from_index(reader, docs: Sequence[IndexDoc]) -> Tables:
    """The tables read off a fresh index by Whoosh's own API: the reference ``derive_from_postings``
    must equal on a full build (tests/test_incremental.py); builds no longer call it."""
    documents = [("", "", "")] * reader.doc_count_all()
    for docnum, fields in reader.iter_docs():
        documents[docnum] = (fields["id"], fields["category"], fields["audience"])
    public = {n for n, (_, _, audience) in enumerate(documents) if audience in PUBLIC}
    vocabulary = {
        "all": _vocabulary(reader),
        # customers' corrections and layout fixes must not reveal internal-only words
        "public": _vocabulary(reader, public),
    }
    suggester = Suggester.from_docs(
        [
            {
                "id": d.id,
                "title": d.title,
                "questions": "\n".join(d.questions),
                "category": d.category,
                "audience": d.audience,
            }
            for d in docs
        ]
    )
    weights = TermWeights.from_reader(reader)
    if reader.doc_count_all() == len(docs) and not reader.has_deletions():  # a fresh index: docs in order
        scores = table_from_fields([to_fields(d) for d in docs], reader.schema, [d.id for d in docs])
    else:
        scores = build_table(reader)
    counts = {"all": len(documents), "public": len(public)}
    return Tables(documents, vocabulary, counts, suggester, weights, scores, _common(docs))


def derive_from_postings(
    corpus: Corpus,
    docs: Sequence[IndexDoc],
    suggestions: Mapping[str, bytes] | None = None,
    common_counts: CommonCounts | Callable[[], CommonCounts | None] | None = None,
) -> Tables:
    """Everything a server needs besides the segments, from the segments' statistics.

    Counts only live documents, in an order that does not depend on document numbers, so an
    incremental build and a full build of the same ``docs`` derive the same tables.
    ``suggestions``: the previous build's suggestion rows of unchanged articles as JSON, by id
    (``previous_suggestions``: the same whatever else changed; the jamo work is not redone). ``common_counts``: the
    previous build's (``previous_common_counts``), brought up to date here, or a function giving
    them, called last (a full build counts them in another process meanwhile).
    """
    documents = list(zip(corpus.ids, corpus.categories, corpus.audiences, strict=True))
    live = corpus.live
    public = live & np.fromiter((a in PUBLIC for a in corpus.audiences), bool, corpus.documents)
    frequencies = corpus.frequencies()
    vocabulary = {
        "all": _vocabulary_of(corpus, frequencies),
        "public": _vocabulary_of(corpus, corpus.frequencies(public)),
    }
    reused = suggestions or {}
    made = suggestion_chunks([d for d in docs if d.id not in reused])
    rows = SuggestionRows([(d.id, reused[d.id] if d.id in reused else made.get(d.id, b"")) for d in docs])
    position = {d.id: i for i, d in enumerate(docs)}
    order = np.fromiter(
        (position.get(i, len(docs)) if i else len(docs) for i in corpus.ids), np.int64, corpus.documents
    )
    if np.array_equal(order, np.arange(corpus.documents)):
        order = None  # a full build: document numbers are already the corpus order
    weights, scores = _head_weights(corpus, frequencies), table_from_postings(corpus, order)
    if callable(common_counts):
        common_counts = common_counts()
    return Tables(
        documents,
        vocabulary,
        {"all": int(live.sum()), "public": int(public.sum())},
        None,
        weights,
        scores,
        *_common_strings(docs, common_counts),
        suggestion_rows=rows,
    )


def _common(docs: Sequence[IndexDoc]) -> list[str]:
    """The strings in at least half of the articles: highlights leave them unmarked (kb/highlights.py)."""
    return common_strings([article_text(d.title, d.body) for d in docs])


def _common_strings(docs: Sequence[IndexDoc], previous: CommonCounts | None) -> tuple[list[str], CommonCounts | None]:
    """``_common(docs)`` and the counts behind it: the previous build's counts updated with the
    articles that changed when they can tell (``CommonCounts``), else counted again."""
    if previous is not None:
        kept = set(previous.ids) & {d.id for d in docs}
        changed = [(d.id, article_text(d.title, d.body)) for d in docs if d.id not in kept]
        counts = previous.update(set(previous.ids) - kept, changed)
        strings = counts.common()
        if strings is not None:
            return strings, counts
    counts = count_common(docs)
    return (counts.common() if counts is not None else _common(docs)), counts


def count_common(docs: Sequence[IndexDoc]) -> CommonCounts | None:
    """The common-string counts of ``docs`` from nothing (None for a small corpus: ``CommonCounts.count``)."""
    return CommonCounts.count([d.id for d in docs], [article_text(d.title, d.body) for d in docs])


def previous_common_counts(build: Path, unchanged: Collection[str]) -> CommonCounts | None:
    """A build's common-string counts, the articles not in ``unchanged`` (ids) taken out; None
    if it has none (a small corpus, or a build made before they existed)."""
    try:
        counts = CommonCounts.load(build / TABLES / COMMON_COUNTS)
    except (OSError, ValueError, KeyError):
        return None
    return counts.update(set(counts.ids) - set(unchanged), [])


def suggestion_chunks(docs: Sequence[IndexDoc]) -> dict[str, bytes]:
    """Each document's suggestion rows as JSON (``SuggestionRows``), by id. They need only the
    documents: ~2.5 s of the table step at 20,000, which a full build makes while its writers
    finish (``derive_from_postings``' ``suggestions``)."""
    return dict(SuggestionRows.of_rows(Suggester.from_docs([_suggestion_source(d) for d in docs]).rows()).chunks)


def _suggestion_source(d: IndexDoc) -> dict:
    return {
        "id": d.id,
        "title": d.title,
        "questions": "\n".join(d.questions),
        "category": d.category,
        "audience": d.audience,
    }


def suggestion_rows_by_id(build: Path) -> dict[str, list]:
    """A build's suggestion rows grouped by article id."""
    grouped: dict[str, list] = {}
    for row in _read(build / TABLES / SUGGESTIONS):
        grouped.setdefault(row[0], []).append(row)
    return grouped


def _in_field_order(corpus: Corpus, present: np.ndarray) -> np.ndarray:
    """Term ids in the order a walk of the fields (rows of ``present``, a bool (field, term) matrix),
    each in term order, first meets them: Whoosh's term dictionary order, which the vocabulary is
    in (code point order), so no sort of the words. Vectorised: at 20,000 articles the dictionaries
    below cost ~0.2 s of every save built term by term."""
    rank = corpus.term_rank
    seen = present.any(axis=0)
    first = np.argmax(present, axis=0)
    ids = np.flatnonzero(seen)
    return ids[np.lexsort((rank[ids], first[ids]))]


def _vocabulary_of(corpus: Corpus, frequencies: np.ndarray) -> dict[str, int]:
    """Word -> document frequency (max over fields), in the order ``_vocabulary`` reads a fresh index.

    ``frequencies``: ``corpus.frequencies(...)`` of the documents counted."""
    rows = frequencies[[FIELDS.index(f) for f in TEXT_FIELDS]]
    order = _in_field_order(corpus, rows > 0)
    words = corpus.vocabulary
    return dict(zip([words[t] for t in order.tolist()], rows.max(axis=0)[order].tolist(), strict=True))


def _head_weights(corpus: Corpus, frequencies: np.ndarray) -> TermWeights:
    """``TermWeights.from_reader`` from the statistics: per term, the live articles whose head holds it
    (a run of one (term, document) with a row in a head field; no sort of the rows). The head fields
    come first in FIELDS and a run's rows are in field order, so a run has a head row if and only
    if its first row is one (the other rows are not looked at: ~0.1 s of every save at 20,000)."""
    groups = corpus.groups
    is_head = np.zeros(len(FIELDS), dtype=bool)
    is_head[[FIELDS.index(f) for f in HEAD_FIELDS]] = True
    width = len(corpus.vocabulary)

    def count(part: slice) -> np.ndarray:  # in parts, on threads: integer counts, exact
        holds = is_head[corpus.field[groups.start[part]]] & corpus.live[groups.doc[part]] & ~groups.kind[part]
        return np.bincount(groups.term[part][holds], minlength=width)

    holders = sum(on_threads(len(groups), count), np.zeros(width, dtype=np.int64))
    order = _in_field_order(corpus, frequencies[[FIELDS.index(f) for f in HEAD_FIELDS]] > 0)
    words = corpus.vocabulary
    frequency = dict(zip([words[t] for t in order.tolist()], holders[order].tolist(), strict=True))
    return TermWeights(frequency, int(corpus.live.sum()))


def write(tables: Tables, build: Path) -> None:
    folder = build / TABLES
    folder.mkdir()
    _dump(folder / DOCUMENTS, tables.documents)
    _dump(folder / VOCABULARY, {"counts": tables.counts, **tables.vocabulary})
    (tables.suggestion_rows or SuggestionRows.of_rows(tables.suggester.rows())).write(folder)
    _dump(folder / "weights.json", tables.weights.rows())
    tables.scores.save(folder / SCORES)
    if tables.common is not None:
        _dump(folder / COMMON, tables.common)
    if tables.common_counts is not None:
        tables.common_counts.save(folder / COMMON_COUNTS)


def load(build: Path, suggester: Suggester | None = None, derived: Tables | None = None) -> Tables:
    """The tables of ``build``; ``suggester``: one already made of the same suggestions file.

    ``derived``: the tables its build derived and wrote there, in this process (the watcher's
    server opens each new build): taken as they are instead of read back, which decoded ~2 MB of
    JSON and 54 MB of scores at 20,000 articles on every save. The same values a server reading
    the files gets (tests/test_incremental.py); only the suggestions are still read, when changed."""
    folder = build / TABLES
    if derived is not None:
        return Tables(
            derived.documents,
            derived.vocabulary,
            derived.counts,
            suggester or Suggester.from_rows(_read(folder / SUGGESTIONS)),
            derived.weights,
            derived.scores,
            derived.common,
        )
    documents = [tuple(row) for row in _read(folder / DOCUMENTS)]
    vocabulary = _read(folder / VOCABULARY)
    counts = vocabulary.pop("counts")
    suggester = suggester or Suggester.from_rows(_read(folder / SUGGESTIONS))
    weights = TermWeights.from_rows(_read(folder / "weights.json"))
    common = _read(folder / COMMON) if (folder / COMMON).exists() else None  # optional: older builds lack it
    return Tables(documents, vocabulary, counts, suggester, weights, ScoreTable.load(folder / SCORES), common)


def _dump(path: Path, data) -> None:
    path.write_text(_json(data), encoding="utf-8")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _vocabulary(reader, docs: set[int] | None = None) -> dict[str, int]:
    """Word -> document frequency (max over fields), counting only ``docs`` if given."""
    vocabulary: dict[str, int] = {}
    for fieldname in TEXT_FIELDS:
        for term in reader.field_terms(fieldname):
            if docs is None:
                frequency = reader.doc_frequency(fieldname, term)
            else:
                frequency = sum(1 for n in reader.postings(fieldname, term).all_ids() if n in docs)
            if frequency:
                vocabulary[term] = max(vocabulary.get(term, 0), frequency)
    return vocabulary
