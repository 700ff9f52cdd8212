"""Tables derived from a build once, when it is made, and loaded by every server that opens it.

Deriving them at start-up (walking every term and posting of the index, decomposing every
title into jamo) took a worker a minute on 20,000 articles; loading them takes a moment.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from indexer.audience import PUBLIC
from indexer.schema import TEXT_FIELDS, IndexDoc, to_fields
from indexer.scoring import ScoreTable, build_table, table_from_fields
from indexer.suggest import Suggester
from indexer.weights import TermWeights

TABLES = "tables"
SCORES = "scores.npz"


@dataclass
class Tables:
    documents: list[tuple[str, str, str]]  # docnum -> (id, category, audience)
    vocabulary: dict[str, dict[str, int]]  # "all" | "public" -> word -> document frequency
    counts: dict[str, int]  # "all" | "public" -> number of documents
    suggester: Suggester
    weights: TermWeights
    scores: ScoreTable  # term -> (documents, BM25F weights): the live ranking (indexer/scoring.py)


def derive(reader, docs: Sequence[IndexDoc]) -> Tables:
    """Everything a server needs besides the segments, from the freshly written index."""
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
    return Tables(documents, vocabulary, {"all": len(documents), "public": len(public)}, suggester, weights, scores)


def write(tables: Tables, build: Path) -> None:
    folder = build / TABLES
    folder.mkdir()
    _dump(folder / "documents.json", tables.documents)
    _dump(folder / "vocabulary.json", {"counts": tables.counts, **tables.vocabulary})
    _dump(folder / "suggestions.json", tables.suggester.rows())
    _dump(folder / "weights.json", tables.weights.rows())
    tables.scores.save(folder / SCORES)


def load(build: Path) -> Tables:
    folder = build / TABLES
    documents = [tuple(row) for row in _read(folder / "documents.json")]
    vocabulary = _read(folder / "vocabulary.json")
    counts = vocabulary.pop("counts")
    suggester = Suggester.from_rows(_read(folder / "suggestions.json"))
    weights = TermWeights.from_rows(_read(folder / "weights.json"))
    return Tables(documents, vocabulary, counts, suggester, weights, ScoreTable.load(folder / SCORES))


def _dump(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


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
