"""From articles to a build: the bridge between ``kb`` and ``indexer``."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from pathlib import Path

from indexer import BuildInfo, IndexDoc, build_index, content_hash
from indexer.build import doc_digest
from kb.articles import Article
from kb.corpus import Corpus, load_corpus
from kb.published import attachments
from kb.render import to_text

_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.DOTALL)


def to_index_doc(article: Article) -> IndexDoc:
    return IndexDoc(
        id=article.id,
        title=article.title,
        category=article.category,
        body=article.text,
        questions=article.questions,
        tags=article.tags,
        audience=article.audience,
        short_answer=article.short_answer,
        updated=article.updated.isoformat() if article.updated else "",
        headings=headings(article),
    )


def headings(article: Article) -> list[str]:
    """Section headings as lines of ``article.text``: snippets leave them out."""
    return [line for match in _HEADING.finditer(article.html) for line in to_text(match.group(1)).split("\n")]


_prepared: OrderedDict[int, tuple[Article, IndexDoc, str]] = OrderedDict()  # id(article) -> (it, doc, digest)
_PREPARED_ENTRIES = 30_000
_lock = threading.Lock()


def index_doc(article: Article) -> tuple[IndexDoc, str]:
    """``to_index_doc`` and its digest, remembered while the Article lives: the parse cache hands
    the same Article to every load of an unchanged file, and digesting 20,000 documents again
    took the watcher seconds per save."""
    with _lock:
        found = _prepared.get(id(article))
        if found is not None and found[0] is article:
            _prepared.move_to_end(id(article))
            return found[1], found[2]
    doc = to_index_doc(article)
    digest = doc_digest(doc)
    with _lock:
        _prepared[id(article)] = (article, doc, digest)
        while len(_prepared) > _PREPARED_ENTRIES:
            _prepared.popitem(last=False)
    return doc, digest


def corpus_hash(corpus: Corpus) -> str:
    """The content hash a build of ``corpus`` gets: equal hashes, same build."""
    prepared = [index_doc(a) for a in corpus.articles]
    return content_hash(
        [doc for doc, _ in prepared],
        corpus.synonyms,
        attachments(corpus),
        digests={doc.id: digest for doc, digest in prepared},
    )


def build(
    articles: Path | Corpus, index_dir: Path, *, force: bool = False, progress=None, before_switch=None
) -> BuildInfo:
    """Check every article, then build; a corpus with problems raises before the index is touched.

    The build carries the articles as rendered, the categories and the synonyms, so servers
    read nothing else. Pass an already loaded ``Corpus`` to avoid reading the articles twice.
    ``before_switch``: see ``indexer.build_index`` (the watcher opens the new build with it).
    """
    corpus = articles if isinstance(articles, Corpus) else load_corpus(articles)
    prepared = [index_doc(a) for a in corpus.articles]
    return build_index(
        [doc for doc, _ in prepared],
        index_dir,
        digests={doc.id: digest for doc, digest in prepared},
        synonyms=corpus.synonyms,
        attachments=attachments(corpus),
        force=force,
        progress=progress,
        before_switch=before_switch,
    )
