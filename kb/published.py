"""The articles and categories as a build carries them: written by ``kb index``, read by servers.

Articles are stored as loaded and rendered (sanitized HTML, plain text, short answer), so a
server never parses Markdown or reads ``articles/``: whatever the folder holds now, a
snapshot serves exactly what its build was made from.
"""

from __future__ import annotations

import hashlib
import json
import operator
import threading
import zlib
from functools import lru_cache
from pathlib import Path

from indexer import JSONText, read_attachment
from indexer.build import APP_FOLDER
from kb.articles import Article, article_from_record, article_record
from kb.corpus import Category, Corpus

ARTICLES = "articles"  # app/articles-XX.json: the articles as rendered, in shards (below)
ARTICLES_INDEX = "articles-index"  # [id, sha256, shard, start, end] of each article, in corpus order
CATEGORIES = "categories"
SHARD_BITS = 8  # 256 shards: ~80 articles (~600 kB) each at 20,000 articles


@lru_cache(maxsize=200_000)
def shard_name(article_id: str) -> str:
    """The shard an article's record lives in, by its id: an edit rewrites one shard.

    Why shards: one articles.json of 157 MB at 20,000 articles was encoded, hashed, written and
    hashed again by the server on every save. Now a build writes only the shards whose articles
    changed; the others are hard links to the previous build's files with their checksums."""
    return f"{ARTICLES}-{zlib.crc32(article_id.encode('utf-8')) & ((1 << SHARD_BITS) - 1):02x}"


def attachments(corpus: Corpus) -> dict[str, object]:
    """What ``kb index`` hands the build besides the documents to index: the articles as JSON
    shards (each with its checksum), where each record sits, and the categories."""
    members: dict[str, list[Article]] = {}
    for article in corpus.articles:
        members.setdefault(shard_name(article.id), []).append(article)
    files: dict[str, object] = {}
    where: dict[str, str] = {}  # article id -> its row of the index, as JSON
    for name in sorted(members):
        files[name], rows = _shard(name, members[name])
        where.update(zip([a.id for a in members[name]], rows, strict=True))
    # the index as json.dumps writes the list of rows (each shard's rows kept with its text: an
    # edit encodes one shard's, not 20,000 rows, ~0.1 s of every save)
    index = "[" + ", ".join([where[a.id] for a in corpus.articles]) + "]"
    files[ARTICLES_INDEX] = JSONText(index, sha256=hashlib.sha256(index.encode("utf-8")).hexdigest())
    files[CATEGORIES] = [[c.key, c.label, c.description] for c in corpus.categories.values()]  # editors' order
    return files


# shard name -> (its articles, its JSON, each record's (sha256, start, end), each one's row of the
# index as JSON), from the last build
_shards: dict[str, tuple[tuple[Article, ...], JSONText, list[tuple[str, int, int]], list[str]]] = {}
_lock = threading.Lock()


def _shard(name: str, articles: list[Article]) -> tuple[JSONText, list[str]]:
    """A shard's JSON text (with its sha256) and each article's row of the index as JSON
    ([id, sha256, shard, start, end]: where its record is in the shard's bytes). Remembered per
    shard: the parse cache hands the same Article to every load of an unchanged file, so a shard
    whose articles are the same objects is the same text; a changed shard takes its unchanged
    records' bytes from the text before and serializes only the changed articles."""
    with _lock:
        known = _shards.get(name)
    if known is not None and len(known[0]) == len(articles) and all(map(operator.is_, known[0], articles)):
        return known[1], known[3]
    before = {}
    if known is not None:
        data = known[1].encode("utf-8")
        before = {
            id(a): (a, data[start:end], digest) for a, (digest, start, end) in zip(known[0], known[2], strict=True)
        }
    parts, rows, offset = [], [], 1  # after "["
    for article in articles:
        found = before.get(id(article))
        if found is not None and found[0] is article:
            record, digest = found[1], found[2]
        else:
            record = json.dumps(article_record(article), ensure_ascii=False).encode("utf-8")
            digest = hashlib.sha256(record).hexdigest()
        parts.append(record)
        rows.append((digest, offset, offset + len(record)))
        offset += len(record) + 1  # the comma
    data = b"[" + b",".join(parts) + b"]"
    text = JSONText(data.decode("utf-8"), sha256=hashlib.sha256(data).hexdigest())
    index = [
        json.dumps([a.id, digest, name, start, end], ensure_ascii=False)
        for a, (digest, start, end) in zip(articles, rows, strict=True)
    ]
    with _lock:
        _shards[name] = (tuple(articles), text, rows, index)
    return text, index


def read_records(build: Path) -> list[dict]:
    """Every article record of a build, in corpus order (``kb export``)."""
    index = read_attachment(build, ARTICLES_INDEX)
    shards = {name: read_attachment(build, name) for name in {row[2] for row in index}}
    by_id = {record["id"]: record for records in shards.values() for record in records}
    return [by_id[row[0]] for row in index]


def read_articles(build: Path, previous: dict[str, tuple[str, Article]] | None = None, *, keep_text: bool = True):
    """The build's articles, and id -> (record sha256, Article) for the next switch. With
    ``previous`` (that map of the snapshot being replaced), an article whose record did not change
    is taken from it, and only the changed records are read and parsed (a switch at 20,000 articles
    parsed 157 MB); their shards are the only files read."""
    index = read_attachment(build, ARTICLES_INDEX)
    previous = previous or {}
    shards: dict[str, bytes] = {}
    articles, digests = [], {}
    for article_id, digest, name, start, end in index:
        known = previous.get(article_id)
        if known and known[0] == digest:
            article = known[1]
        else:
            if name not in shards:
                shards[name] = (build / APP_FOLDER / f"{name}.json").read_bytes()
            article = article_from_record(json.loads(shards[name][start:end]), keep_text=keep_text)
        articles.append(article)
        digests[article_id] = (digest, article)
    return articles, digests


def categories_from_records(rows) -> dict[str, Category]:
    return {key: Category(key, label, description) for key, label, description in rows}
