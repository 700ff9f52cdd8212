"""The articles and categories as a build carries them: written by ``kb index``, read by servers.

Articles are stored as loaded and rendered (sanitized HTML, plain text, short answer), so a
server never parses Markdown or reads ``articles/``: whatever the folder holds now, a
snapshot serves exactly what its build was made from.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict

from indexer import JSONText
from kb.articles import Article
from kb.corpus import Category, Corpus

ARTICLES = "articles"
CATEGORIES = "categories"


def attachments(corpus: Corpus) -> dict[str, object]:
    """What ``kb index`` hands the build besides the documents to index (the articles as JSON text,
    each article's serialized once per loaded Article: see ``kb/parse_cache.py``)."""
    return {
        ARTICLES: JSONText("[" + ",".join(_record_json(a) for a in corpus.articles) + "]"),
        CATEGORIES: [[c.key, c.label, c.description] for c in corpus.categories.values()],  # in the editors' order
    }


_serialized: OrderedDict[int, tuple[Article, str]] = OrderedDict()  # id(article) -> (article, JSON)
_SERIALIZED_ENTRIES = 30_000
_lock = threading.Lock()


def _record_json(article: Article) -> str:
    """``article_record`` as JSON, remembered while the Article lives (the parse cache hands the
    same Article to every load of an unchanged file)."""
    with _lock:
        found = _serialized.get(id(article))
        if found is not None and found[0] is article:
            _serialized.move_to_end(id(article))
            return found[1]
    text = json.dumps(article_record(article), ensure_ascii=False)
    with _lock:
        _serialized[id(article)] = (article, text)
        while len(_serialized) > _SERIALIZED_ENTRIES:
            _serialized.popitem(last=False)
    return text


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


def article_from_record(record: dict, *, keep_text: bool = True) -> Article:
    """``keep_text=False`` (a server): the plain text is derived from the HTML when asked for, not kept."""
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
    # the renderings are cached properties: fill them from the build instead of rendering again. A server
    # leaves out the plain text: no served page reads it (derived from the HTML on demand, as the build
    # derived it), and keeping it cost a worker ~40 MB at 20,000 articles; the export reads it for every article.
    article.__dict__.update(html=record["html"], short_answer=record["short_answer"])
    if keep_text:
        article.__dict__["text"] = record["text"]
    return article


def categories_from_records(rows) -> dict[str, Category]:
    return {key: Category(key, label, description) for key, label, description in rows}
