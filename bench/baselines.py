"""Reference engines for bench/quality.py: what a team would get from Whoosh out of the box.

``standard``: Whoosh's StandardAnalyzer (whitespace/regex words, lower case, stop words).
``bigram``: plain character bigrams (the usual CJK fallback). Same fields and boosts as
ours, OR semantics, BM25F: only the analysis and query handling differ.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from whoosh import fields, qparser
from whoosh import index as whoosh_index
from whoosh.analysis import NgramTokenizer, StandardAnalyzer
from whoosh.scoring import BM25F

from indexer.normalize import normalize_query
from indexer.query import FIELD_WEIGHTS
from indexer.schema import IndexDoc

KINDS = ("standard", "bigram")


def _analyzer(kind: str):
    if kind == "standard":
        return StandardAnalyzer()
    if kind == "bigram":
        return NgramTokenizer(2, 2)
    raise ValueError(f"unknown baseline '{kind}' (known: {', '.join(KINDS)})")


class BaselineEngine:
    def __init__(self, kind: str, docs: Sequence[IndexDoc], directory: str | os.PathLike):
        analyzer = _analyzer(kind)
        schema = fields.Schema(
            id=fields.ID(stored=True, unique=True),
            audience=fields.ID,
            **{f: fields.TEXT(analyzer=analyzer) for f in FIELD_WEIGHTS},
        )
        os.makedirs(directory, exist_ok=True)
        ix = whoosh_index.create_in(str(directory), schema)
        with ix.writer() as writer:
            for doc in docs:
                writer.add_document(
                    id=doc.id,
                    audience=doc.audience,
                    title=doc.title,
                    questions="\n".join(doc.questions),
                    tags="\n".join(doc.tags),
                    body=doc.body,
                )
        self.searcher = ix.searcher(weighting=BM25F())
        self.parser = qparser.MultifieldParser(
            list(FIELD_WEIGHTS), ix.schema, fieldboosts=FIELD_WEIGHTS, group=qparser.OrGroup
        )
        self.parser.remove_plugin_class(qparser.WildcardPlugin)

    def search_ids(self, text: str, limit: int = 10) -> list[str]:
        text = normalize_query(text)
        if not text:
            return []
        try:
            q = self.parser.parse(text)
        except Exception:  # a baseline may choke on syntax; count it as no result
            return []
        return [hit["id"] for hit in self.searcher.search(q, limit=limit)]

    def close(self) -> None:
        self.searcher.close()
