"""The Whoosh schema and the document the engine indexes.

``IndexDoc`` is the engine's own view of an article: plain fields, no Markdown, so
``indexer`` never depends on ``kb``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import fields

from indexer.analysis import korean_analyzer, ngram_analyzer

# Fields searched with Kiwi terms, and the n-gram fields under them.
TEXT_FIELDS = ("title", "questions", "tags", "body")
NGRAM_FIELDS = ("head_ng", "body_ng")


@dataclass
class IndexDoc:
    id: str
    title: str
    category: str
    body: str
    questions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    audience: str = "public"
    short_answer: str = ""
    updated: str = ""

    @property
    def head(self) -> str:
        """Title, questions and tags: the short text that says what the article answers."""
        return "\n".join([self.title, *self.questions, *self.tags])


def make_schema() -> fields.Schema:
    korean = korean_analyzer()
    ngram = ngram_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        category=fields.ID(stored=True),
        audience=fields.ID(stored=True),
        title=fields.TEXT(analyzer=korean, stored=True),
        questions=fields.TEXT(analyzer=korean, stored=True),
        tags=fields.TEXT(analyzer=korean, stored=True),
        body=fields.TEXT(analyzer=korean, stored=True),
        head_ng=fields.TEXT(analyzer=ngram),
        body_ng=fields.TEXT(analyzer=ngram),
        initials=fields.STORED,
        short_answer=fields.STORED,
        updated=fields.STORED,
    )


def to_fields(doc: IndexDoc) -> dict:
    from indexer.hangul import initials

    return {
        "id": doc.id,
        "category": doc.category,
        "audience": doc.audience,
        "title": doc.title,
        "questions": "\n".join(doc.questions),
        "tags": "\n".join(doc.tags),
        "body": doc.body,
        "head_ng": doc.head,
        "body_ng": doc.body,
        "initials": initials(doc.head),
        "short_answer": doc.short_answer,
        "updated": doc.updated,
    }
