"""The ``kb export`` command: progress on a terminal, counts and sizes at the end."""

from __future__ import annotations

import sys
from pathlib import Path

import click


def _size(n: int) -> str:
    return f"{n / 1024:.0f} kB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def run_export(corpus, settings, out: Path, base_url: str | None, search: bool = True) -> None:
    from kb.export import export_site, published_corpus
    from kb.indexing import build

    if search:
        build(corpus, settings.index_dir)  # no-op when the live build is up to date
        corpus, _ = published_corpus(settings.index_dir)  # pages and search index from that one build
    terminal = sys.stderr.isatty()

    def stage(name: str) -> None:
        if terminal:
            click.echo(f"\n{name}…", err=True)

    with click.progressbar(length=1, label="내보내기", file=sys.stderr, hidden=not terminal) as bar:

        def progress(done, total):
            bar.length = total
            bar.update(1)

        report = export_site(
            corpus,
            out,
            base_url=base_url,
            index_dir=settings.index_dir if search else None,
            progress=progress,
            stage=stage,
        )
    stats = report.stats
    click.echo(
        f"exported {report.articles} articles, {report.categories} categories, {report.pages} pages, "
        f"{report.search_files} search files → {out}"
    )
    click.echo(
        f"{stats.files} files, {_size(stats.bytes)}; {len(stats.written)} written, {stats.unchanged} unchanged, "
        f"{len(stats.removed)} removed"
    )
    if not base_url:
        click.echo("no --base-url: sitemap.xml and canonical links left out", err=True)
