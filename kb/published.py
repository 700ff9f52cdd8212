"""The articles and categories as a build carries them: written by ``kb index``, read by servers.

Articles are stored as loaded and rendered (sanitized HTML, plain text, short answer), so a
server never parses Markdown or reads ``articles/``: whatever the folder holds now, a
snapshot serves exactly what its build was made from.
"""

from __future__ import annotations

import datetime as dt

from kb.articles import Article
from kb.corpus import Category, Corpus

ARTICLES = "articles"
CATEGORIES = "categories"


def attachments(corpus: Corpus) -> dict[str, object]:
    """What ``kb index`` hands the build besides the documents to index."""
    return {
        ARTICLES: [article_record(a) for a in corpus.articles],
        CATEGORIES: [[c.key, c.label, c.description] for c in corpus.categories.values()],  # in the editors' order
    }


def article_record(article: Article) -> dict:
    return {
        "id": article.id,
        "title": article.title,
        "category": article.category,
        "body": article.body,
        "path": article.path,
        "questions": article.questions,
        "tags": article.tags,
        "audience": article.audience,
        "updated": article.updated.isoformat() if article.updated else None,
        "related": article.related,
        "html": article.html,
        "text": article.text,
        "short_answer": article.short_answer,
    }


def article_from_record(record: dict) -> Article:
    article = Article(
        id=record["id"],
        title=record["title"],
        category=record["category"],
        body=record["body"],
        path=record["path"],
        questions=record["questions"],
        tags=record["tags"],
        audience=record["audience"],
        updated=dt.date.fromisoformat(record["updated"]) if record["updated"] else None,
        related=record["related"],
    )
    # the renderings are cached properties: fill them from the build instead of rendering again
    article.__dict__.update(html=record["html"], text=record["text"], short_answer=record["short_answer"])
    return article


def categories_from_records(rows) -> dict[str, Category]:
    return {key: Category(key, label, description) for key, label, description in rows}
