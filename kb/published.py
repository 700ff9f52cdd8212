"""The articles and categories as a build carries them: written by ``kb index``, read by servers.

Articles are stored as loaded and rendered (sanitized HTML, plain text, short answer), so a
server never parses Markdown or reads ``articles/``: whatever the folder holds now, a
snapshot serves exactly what its build was made from.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from pathlib import Path

from indexer import JSONText, read_attachment
from indexer.build import APP_FOLDER
from kb.articles import Article, article_from_record, article_record
from kb.corpus import Category, Corpus

ARTICLES = "articles"
ARTICLES_INDEX = "articles-index"  # where each article's record sits in articles.json, and its sha256
CATEGORIES = "categories"


def attachments(corpus: Corpus) -> dict[str, object]:
    """What ``kb index`` hands the build besides the documents to index (the articles as JSON text,
    each article's serialized once per loaded Article: see ``kb/parse_cache.py``)."""
    records = [_record_json(a) for a in corpus.articles]
    return {
        ARTICLES: JSONText("[" + ",".join(text for text, _, _ in records) + "]"),
        ARTICLES_INDEX: _index(corpus.articles, records),
        CATEGORIES: [[c.key, c.label, c.description] for c in corpus.categories.values()],  # in the editors' order
    }


_serialized: OrderedDict[int, tuple[Article, str]] = OrderedDict()  # id(article) -> (article, JSON)
_SERIALIZED_ENTRIES = 30_000
_lock = threading.Lock()


def _record_json(article: Article) -> tuple[str, int, str]:
    """``article_record`` as JSON, its length in UTF-8 bytes and their sha256, remembered while the
    Article lives (the parse cache hands the same Article to every load of an unchanged file)."""
    with _lock:
        found = _serialized.get(id(article))
        if found is not None and found[0] is article:
            _serialized.move_to_end(id(article))
            return found[1]
    text = json.dumps(article_record(article), ensure_ascii=False)
    data = text.encode("utf-8")
    entry = (text, len(data), hashlib.sha256(data).hexdigest())
    with _lock:
        _serialized[id(article)] = (article, entry)
        while len(_serialized) > _SERIALIZED_ENTRIES:
            _serialized.popitem(last=False)
    return entry


def _index(articles: list[Article], records: list[tuple[str, int, str]]) -> list[list]:
    """[id, sha256, start, end] of each article's record: bytes [start, end) of articles.json. A
    server switching builds takes unchanged articles from the snapshot it serves and parses only
    the changed records (``read_articles``)."""
    rows, offset = [], 1  # after "["
    for article, (_, size, digest) in zip(articles, records, strict=True):
        rows.append([article.id, digest, offset, offset + size])
        offset += size + 1  # the comma
    return rows


def read_articles(build: Path, previous: dict[str, tuple[str, Article]] | None = None, *, keep_text: bool = True):
    """The build's articles, and id -> (record sha256, Article) for the next switch. With
    ``previous`` (that map of the snapshot being replaced), an article whose record did not change
    is taken from it, and only changed records are parsed (a switch at 20,000 articles parsed 157 MB)."""
    try:
        index = read_attachment(build, ARTICLES_INDEX)
    except FileNotFoundError:
        index = None
    if index is None or not previous:
        articles = [article_from_record(r, keep_text=keep_text) for r in read_attachment(build, ARTICLES)]
        if index is None:
            return articles, {}
        return articles, {row[0]: (row[1], a) for row, a in zip(index, articles, strict=True)}
    data = (build / APP_FOLDER / f"{ARTICLES}.json").read_bytes()
    articles, digests = [], {}
    for article_id, digest, start, end in index:
        known = previous.get(article_id)
        if known and known[0] == digest:
            article = known[1]
        else:
            article = article_from_record(json.loads(data[start:end]), keep_text=keep_text)
        articles.append(article)
        digests[article_id] = (digest, article)
    return articles, digests


def categories_from_records(rows) -> dict[str, Category]:
    return {key: Category(key, label, description) for key, label, description in rows}
