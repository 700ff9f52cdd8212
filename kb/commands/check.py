"""``kb check``: validity problems, then editorial findings, each as path:line: message."""

from __future__ import annotations

import click

from kb.checks import check_folder, index_caches
from kb.config import Settings


def run(settings: Settings, *, stale_days: int, search: bool) -> None:
    """Print every finding; exit 1 when any is an error (warnings alone exit 0)."""
    corpus, findings = check_folder(
        settings.articles_dir,
        index_dir=settings.index_dir,
        search=search,
        stale_days=stale_days,
        max_article_bytes=settings.max_article_bytes,
        **index_caches(settings.index_dir),
    )
    for finding in findings:
        click.echo(str(finding), err=True)
    if corpus is None:
        raise click.ClickException(f"{len(findings)} problem(s) in {settings.articles_dir}; fix them and run again")
    from indexer import Synonyms

    for phrase, reason in Synonyms(corpus.synonyms).skipped:
        line = corpus.synonym_lines.get(phrase, 1)
        click.echo(
            f"{corpus.root / 'synonyms.yml'}:{line}: warning: '{phrase}' {reason}; "
            "it is ignored (write the words it should match)",
            err=True,
        )
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    internal = sum(not a.is_public for a in corpus.articles)
    summary = (
        f"{len(corpus.articles)} articles OK ({internal} internal), {len(corpus.categories)} categories, "
        f"{len(corpus.synonyms)} synonym groups"
    )
    if errors:
        raise click.ClickException(f"{errors} error(s), {warnings} warning(s) in {len(corpus.articles)} articles")
    click.echo(summary + (f"; {warnings} warning(s)" if warnings else ""))
