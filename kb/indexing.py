"""From articles to the engine: the bridge between ``kb`` and ``indexer``."""

from __future__ import annotations

from pathlib import Path

from indexer import BuildInfo, IndexDoc, SearchEngine, Synonyms, build_index
from kb.articles import Article
from kb.corpus import Corpus, load_corpus


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
    )


def build(articles: Path | Corpus, index_dir: Path, *, force: bool = False, progress=None) -> BuildInfo:
    """Check every article, then build; a corpus with problems raises before the index is touched.

    Pass an already loaded ``Corpus`` to avoid reading the articles twice.
    """
    corpus = articles if isinstance(articles, Corpus) else load_corpus(articles)
    return build_index([to_index_doc(a) for a in corpus.articles], index_dir, force=force, progress=progress)


def open_engine(corpus: Corpus, index_dir: Path) -> SearchEngine:
    return SearchEngine(index_dir, Synonyms(corpus.synonyms))
