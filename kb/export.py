"""``kb export OUT``: the public knowledge base as plain files, searchable in the browser.

One pass: check the articles (a broken one stops the export before anything is written),
bring the live build up to date and read the articles back from it (``published_corpus``: the
export shows exactly what the live site serves), render every public page with the live
templates, add the stylesheet and scripts, the search index, sitemap.xml and robots.txt; then
switch the new folder in (kb.export_files).
Nothing internal is read into the output: pages and the search index come from public
articles only, and no database or accounts file is ever copied.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kb.corpus import Corpus
from kb.export_files import ExportWriter, WriteStats
from kb.export_pages import SITE_DIR, render_pages, robots, sitemap

# What of site/static the export needs (the agent console's assets are not public pages).
STATIC_ASSETS = ("style.css", "search.js", "hangul.js", "static-search.js", "favicon.svg")

Progress = Callable[[int, int], None]


def published_corpus(index_dir: Path) -> tuple[Corpus, Path]:
    """The articles, categories and synonyms as the live build carries them (checksums verified)."""
    from indexer import live_path, read_attachment, verify_build
    from indexer.build import SYNONYMS_FILE
    from kb.published import CATEGORIES, article_from_record, categories_from_records, read_records

    build = live_path(index_dir)
    verify_build(build)
    articles = [article_from_record(r) for r in read_records(build)]
    categories = categories_from_records(read_attachment(build, CATEGORIES))
    synonyms = json.loads((build / SYNONYMS_FILE).read_text(encoding="utf-8"))["groups"]  # as the editors wrote them
    return Corpus(root=build, articles=articles, categories=categories, synonyms=synonyms), build


@dataclass
class ExportReport:
    out: Path
    pages: int
    articles: int
    categories: int
    search_files: int
    stats: WriteStats


def export_site(
    corpus: Corpus,
    out: Path,
    *,
    base_url: str | None = None,
    index_dir: Path | None = None,
    progress: Progress | None = None,
    stage: Callable[[str], None] | None = None,
) -> ExportReport:
    """Write the export of ``corpus`` to ``out`` (built beside it, then switched in)."""
    writer = ExportWriter(out)
    try:
        pages = 0
        articles = len(corpus.public)
        total = 3 + len(corpus.categories) + articles
        for done, page in enumerate(render_pages(corpus, base_url, search=index_dir is not None), 1):
            writer.write(page.path, page.html)
            pages += 1
            if progress:
                progress(done, total)
        for name in STATIC_ASSETS:
            source = SITE_DIR / "static" / name
            if source.exists():
                writer.write(f"static/{name}", source.read_bytes())
        search_files = 0
        if index_dir is not None:
            if stage:
                stage("search index")
            from kb.export_search import search_files as make_search_files

            for path, data in make_search_files(corpus, index_dir):
                writer.write(f"static/search/{path}", data)
                search_files += 1
        writer.write("robots.txt", robots(base_url))
        if base_url:
            writer.write("sitemap.xml", sitemap(corpus, base_url))
        stats = writer.commit()
    except BaseException:
        writer.abort()
        raise
    return ExportReport(out, pages, articles, len(corpus.categories), search_files, stats)
