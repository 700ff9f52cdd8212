"""From articles to a build: the bridge between ``kb`` and ``indexer``."""

from __future__ import annotations

import re
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


def index_doc(article: Article) -> tuple[IndexDoc, str]:
    """``to_index_doc`` and its digest, kept on the Article: the parse cache hands the same Article
    to every load of an unchanged file, and the watcher's build and its checks both ask for all
    20,000 of them on every save (a table keyed by ``id()`` behind a lock cost ~0.1 s a save)."""
    if not article.indexed:
        doc = to_index_doc(article)
        article.indexed = (doc, doc_digest(doc))
    return article.indexed


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
