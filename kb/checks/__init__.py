"""Editorial checks beyond validity: what makes a knowledge base hard to search or stale.

``kb.corpus.load_corpus`` rejects files that cannot be served (errors). These checks run on a
corpus that loads and find what an editor should fix before customers notice: copies under a
new id, links to missing or internal articles, short answers that do not answer, question
variants the engine sends elsewhere, articles nobody has looked at for a long time.
Each finding is ``path:line: message`` (``warning:`` before the message of a warning) with a
suggested fix; errors fail ``kb check``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from kb.articles import Article, CorpusError
from kb.config import Settings
from kb.corpus import MAX_ARTICLE_BYTES, Corpus, load_corpus


def per_article(article: Article, check: str, settings: tuple, compute: Callable[[], Sequence]) -> Sequence:
    """``compute()`` for this Article object and ``settings``, kept on the Article: the parse cache
    hands the same Article to every load of an unchanged file, and the watcher checks after every
    save (what one article gives never changes while it lives)."""
    found = article.check_results.get(check)
    if found is None or found[0] != settings:
        found = article.check_results[check] = (settings, compute())
    return found[1]


ERROR = "error"
WARNING = "warning"
STALE_DAYS = Settings.stale_days  # the one default, KB_STALE_DAYS


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    message: str
    severity: str = ERROR
    fix: str | None = None

    def __str__(self) -> str:
        # as before these checks existed: errors are plain "path:line: message", warnings say so
        label = "" if self.is_error else f"{self.severity}: "
        text = f"{self.path}:{self.line}: {label}{self.message}"
        return f"{text} → {self.fix}" if self.fix else text

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def run_checks(
    corpus: Corpus,
    *,
    engine=None,
    today: dt.date | None = None,
    stale_days: int = STALE_DAYS,
    changed: Collection[str] | None = None,
) -> list[Finding]:
    """Every editorial finding on a loaded corpus, sorted by file and line.

    ``engine`` (a search engine over exactly this corpus) enables the checks that need ranking:
    near-duplicates judged on the analyzer's terms and question variants that miss their article.
    ``changed`` (article ids): compare only pairs of articles that include one of these.
    """
    from kb.checks.content import check_body_links, check_placeholders, check_short_answers, check_stale
    from kb.checks.duplicates import check_duplicates

    findings = [
        *check_body_links(corpus),
        *check_short_answers(corpus),
        *check_placeholders(corpus),
        *check_stale(corpus, today or dt.date.today(), stale_days),
        *check_duplicates(corpus, changed),
    ]
    if engine is not None:
        from kb.checks.retrieval import check_retrieval

        findings += check_retrieval(corpus, engine)
    return sorted(findings, key=lambda f: (f.path, f.line, f.message))


def problems_as_findings(error: CorpusError) -> list[Finding]:
    """What stops a corpus from loading, in the same shape as the editorial findings."""
    return [Finding(p.path, p.line, p.message, ERROR) for p in error.problems]


def index_caches(index_root) -> dict:
    """``check_folder``'s cache options for an index root: its parse cache and analysis cache.

    Reading 20,000 articles and their analyses anew took ``kb check`` and the editor pages most
    of a minute; the build already holds both. None or a missing folder: no caches (a first
    ``kb check`` before any ``kb index`` creates nothing)."""
    if index_root is None or not Path(index_root).is_dir():
        return {}
    return {"cache_file": Path(index_root) / "cache" / "articles.sqlite", "analysis_root": Path(index_root)}


def check_folder(
    articles_dir,
    *,
    index_dir=None,
    search: bool = True,
    max_article_bytes: int = MAX_ARTICLE_BYTES,
    cache_file=None,
    analysis_root=None,
    since_build=None,
    **options,
) -> tuple[Corpus | None, list[Finding]]:
    """Load and check an articles folder: (corpus or None if it does not load, findings).

    ``cache_file``: the parse cache's file (kb/parse_cache.py), e.g. the watcher's index root's.
    ``analysis_root``: an index root whose analysis cache the checks read (see ``kb/checks/terms.py``).
    ``since_build``: an index root; articles indexed in its live build as they are now are not
    compared with each other again (the watcher's save-to-live at 20,000 articles)."""
    try:
        corpus = load_corpus(articles_dir, max_article_bytes, cache_file=cache_file)
    except CorpusError as error:
        return None, problems_as_findings(error)
    if since_build is not None:
        options["changed"] = changed_since_build(corpus, since_build)
    load_terms(corpus, analysis_root)
    if not search:
        return corpus, run_checks(corpus, **options)
    from kb.checks.engine import engine_for

    with engine_for(corpus, index_dir) as engine:
        return corpus, run_checks(corpus, engine=engine, **options)


def load_terms(corpus: Corpus, index_root) -> None:
    """Have the near-duplicate check's terms of every text in ``corpus`` ready, read from the
    index root's caches when there is one (``kb/checks/terms.py``), else from Kiwi in one batch."""
    from kb.checks import terms
    from kb.checks.duplicates import texts_to_compare

    terms.load(texts_to_compare(corpus), index_root)


def changed_since_build(corpus: Corpus, index_root) -> set[str] | None:
    """Ids of the articles that differ from the live build at ``index_root`` (all of them, None,
    when there is no readable build): the only ones whose cross-article findings can be new."""
    import json

    from indexer.artifact import IndexNotFound, live_path
    from indexer.build import DIGESTS_FILE, doc_digest
    from indexer.tables import TABLES
    from kb.indexing import to_index_doc

    try:
        built = json.loads((live_path(index_root) / TABLES / DIGESTS_FILE).read_text(encoding="utf-8"))
    except (IndexNotFound, OSError, ValueError):
        return None
    return {a.id for a in corpus.articles if built.get(a.id) != doc_digest(to_index_doc(a))}
