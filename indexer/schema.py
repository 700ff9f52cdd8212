"""The Whoosh schema and the document the engine indexes.

``IndexDoc`` is the engine's own view of an article: plain fields, no Markdown, so
``indexer`` never depends on ``kb``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import fields

from indexer.analysis import keyword_analyzer, korean_analyzer, ngram_analyzer

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
    headings: list[str] = field(default_factory=list)  # body lines that are section headings

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
        questions=fields.TEXT(analyzer=korean),
        tags=fields.TEXT(analyzer=keyword_analyzer()),
        body=fields.TEXT(analyzer=korean),
        head_ng=fields.TEXT(analyzer=ngram),
        body_ng=fields.TEXT(analyzer=ngram),
        # Offsets computed once here, so a hit's snippet needs no analysis (indexer/highlight.py).
        # Answers and dates are served from the build's articles; the title is stored for its highlights.
        snippet=fields.STORED,
        title_offsets=fields.STORED,
    )


def to_fields(doc: IndexDoc) -> dict:
    from indexer.analysis import analyze
    from indexer.highlight import snippet_source, term_offsets

    source = snippet_source(doc.body, analyze(doc.body), doc.headings, doc.short_answer)
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
        "snippet": source.to_stored(),
        "title_offsets": term_offsets(analyze(doc.title)),
    }
