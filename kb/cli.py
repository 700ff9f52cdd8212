"""The ``kb`` command: check, index, search, serve, export, eval, analyze.

A thin layer over the library: domain errors become clean messages and exit codes
(1 for problems found, 2 for bad usage); results go to stdout, errors to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from indexer.audience import AUDIENCES
from kb.articles import CorpusError
from kb.config import Settings

articles_option = click.option(
    "--articles",
    "articles_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Articles folder (default: ./articles or $KB_ARTICLES).",
)
index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Index folder (default: ./var/index or $KB_INDEX).",
)


def _settings(articles_dir=None, index_dir=None) -> Settings:
    return Settings.from_env(articles_dir=articles_dir, index_dir=index_dir)


def _load(settings: Settings):
    from kb.corpus import load_corpus

    try:
        cache = settings.index_dir / "cache" / "articles.sqlite"
        return load_corpus(settings.articles_dir, settings.max_article_bytes, cache_file=cache)
    except CorpusError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"{len(error.problems)} problem(s) in {settings.articles_dir}; fix them and run again"
        ) from None


def _live(settings: Settings):
    """The live build of ``settings.index_dir`` (the same watcher the web app uses)."""
    from indexer import DamagedBuild, IndexNotFound
    from kb.snapshot import LiveBuild

    try:
        return LiveBuild(settings.index_dir)
    except IndexNotFound:
        raise click.ClickException(f"no index in {settings.index_dir}. Run `kb index` first.") from None
    except DamagedBuild as error:
        raise click.ClickException(str(error)) from None


@click.group()
@click.version_option(package_name="korean-faq-kb")
def main():
    """Korean FAQ knowledge base: search engine, web UI and tools."""


@main.command()
@articles_option
@index_option
@click.option(
    "--stale-days",
    type=click.IntRange(1),
    default=None,
    help="Warn about articles not updated for this many days (default 365 or $KB_STALE_DAYS).",
)
@click.option("--search/--no-search", default=True, show_default=True, help="Also run the checks that search.")
def check(articles_dir, index_dir, stale_days, search):
    """Validate every article and find editorial problems; print them as path:line: message."""
    from kb.commands import check as command

    settings = _settings(articles_dir, index_dir)
    command.run(settings, stale_days=stale_days or settings.stale_days, search=search)


@main.command()
@articles_option
@index_option
@click.option("--category", default=None, help="Category key from categories.yml (asked if missing).")
@click.option("--title", default=None, help="The question as customers ask it (asked if missing).")
@click.option("--question", "questions", multiple=True, help="Another way to ask it (repeatable).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--audience", type=click.Choice(AUDIENCES), default="public", show_default=True)
@click.option("--id", "article_id", default=None, help="Use this id instead of picking one.")
@click.option("--dry-run", is_flag=True, help="Print the new article instead of writing it.")
def new(articles_dir, index_dir, category, title, questions, tags, audience, article_id, dry_run):
    """Write a new article from the template (asks in Korean), check it and print its path."""
    from kb.commands import new as command

    command.run(
        _settings(articles_dir, index_dir),
        category=category,
        title=title,
        questions=questions,
        tags=tags,
        audience=audience,
        article_id=article_id,
        dry_run=dry_run,
    )


@main.command()
@articles_option
@index_option
@click.option("--force", is_flag=True, help="Rebuild even if no article changed.")
def index(articles_dir, index_dir, force):
    """Check the articles and build the search index (switched in atomically)."""
    from kb.build_progress import build_progress
    from kb.indexing import build

    settings = _settings(articles_dir, index_dir)
    corpus = _load(settings)
    with build_progress() as progress:
        info = build(corpus, settings.index_dir, force=force, progress=progress)
    if info.repaired:
        click.echo(f"the live build failed its check ({info.repaired}): rebuilt", err=True)
    if info.skipped:
        click.echo(f"index is up to date ({info.documents} articles, built {info.built_at})")
    else:
        cached = ""
        if info.texts:
            cached = f" ({info.texts - info.analysed:,} of {info.texts:,} texts from the analysis cache)"
        click.echo(f"indexed {info.documents} articles in {info.seconds:.1f}s → {settings.index_dir}{cached}")


@main.command()
@click.argument("query", nargs=-1, required=True)
@articles_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (JSON Lines when QUERY is '-').")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="Number of results.")
@click.option("--internal", is_flag=True, help="Include internal (agent-only) articles.")
@click.option("--explain", is_flag=True, help="Show how the query was interpreted.")
def search(query, articles_dir, index_dir, as_json, limit, internal, explain):
    """Search the live build (words need no quotes); QUERY '-' reads one query per line from stdin."""
    from kb.cli_search import run_search

    text = " ".join(query)
    queries = (line.rstrip("\n") for line in sys.stdin) if text == "-" else [text]
    live = _live(_settings(articles_dir, index_dir))
    with live.snapshot() as snapshot:
        run_search(snapshot, queries, limit=limit, internal=internal, as_json=as_json, explain=explain)
    live.close()


def progress_hidden() -> bool:
    """Progress bars on a terminal only: quiet in CI, in pipes and in tests."""
    return not sys.stderr.isatty()


@main.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@articles_option
@index_option
@click.option("--misses", is_flag=True, help="List queries whose expected article was not ranked first.")
def eval_command(file, articles_dir, index_dir, misses):
    """Score a TSV of query<TAB>expected id[<TAB>label]: MRR@10, Recall@1, Recall@5."""
    from indexer import PUBLIC
    from kb.evaluate import EvalFileError, evaluate, format_table, read_queries

    try:
        queries = read_queries(file)
    except EvalFileError as error:
        raise click.ClickException(str(error)) from None
    live = _live(_settings(articles_dir, index_dir))
    with (
        live.snapshot() as snapshot,
        click.progressbar(length=len(queries), label="평가", file=sys.stderr, hidden=progress_hidden()) as bar,
    ):

        def rank(query: str) -> list[str]:
            bar.update(1)
            return [h.id for h in snapshot.search(query, limit=10, audiences=PUBLIC).hits]

        overall, by_label = evaluate(queries, rank)
    live.close()
    click.echo(format_table(overall, by_label))
    if misses:
        for query, ranked in overall.misses:
            click.echo(f"{file}:{query.line}: {query.query!r} expected {query.expected}, got {ranked}")


@main.command()
@click.argument("words", nargs=-1, required=True)
@articles_option
@index_option
@click.option("--article", "article_id", default=None, help="Explain this article's score, or why it is missing.")
@click.option("--internal", is_flag=True, help="Search as an agent (internal articles too).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200), help="Results to list.")
def analyze(words, articles_dir, index_dir, article_id, internal, limit):
    """What TEXT becomes: normalized form, morphemes (kept and dropped), corrections, synonyms, ranking."""
    from kb.commands import analyze as command

    settings = _settings(articles_dir, index_dir)

    def engine_factory():
        from indexer import DamagedBuild, IndexNotFound, SearchEngine

        try:
            return SearchEngine(settings.index_dir)
        except (IndexNotFound, DamagedBuild):
            return None

    command.run(
        settings, " ".join(words), article_id=article_id, internal=internal, limit=limit, engine_factory=engine_factory
    )


@main.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@articles_option
@index_option
@click.option("--base-url", default=None, help="Public URL of the site (for sitemap.xml and canonical links).")
def export(out, articles_dir, index_dir, base_url):
    """Export the public knowledge base as static files (searchable in the browser) to OUT."""
    from kb.export_cli import run_export

    if base_url and not base_url.startswith(("http://", "https://")):
        raise click.BadParameter("must start with http:// or https://", param_hint="--base-url")
    settings = _settings(articles_dir, index_dir)
    run_export(_load(settings), settings, out, base_url)


@main.command()
@articles_option
@index_option
@click.option(
    "--db", "analytics_db", type=click.Path(path_type=Path), default=None, help="Search log (default $KB_DB)."
)
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 366), help="The last N days.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last day (YYYY-MM-DD).")
@click.option("--who", type=click.Choice(["customers", "agents", "all"]), default="customers", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="Rows per list.")
def stats(articles_dir, index_dir, analytics_db, days, start, end, who, as_json, limit):
    """What people searched: per day, top and zero-result queries with causes, votes, articles nobody finds."""
    from kb.commands import stats as command

    settings = Settings.from_env(articles_dir=articles_dir, index_dir=index_dir, analytics_db=analytics_db)
    command.run(
        settings,
        days=days,
        start=start.date() if start else None,
        end=end.date() if end else None,
        who=who,
        as_json=as_json,
        limit=limit,
    )


@main.group()
def user():
    """Manage agent and editor accounts (stored hashed in var/users.json or $KB_USERS_FILE)."""


@user.command("add")
@click.argument("name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Password (prompted).")
@click.option("--users-file", type=click.Path(path_type=Path), default=None, help="Accounts file.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(["agent", "editor"]),
    help="agent (console) and/or editor (preview, analyze, insights); repeatable. Default: agent, "
    "or the account's current roles.",
)
def user_add(name, password, users_file, roles):
    """Add an account or change its password (and roles)."""
    from kb.users import UserError, add_user, load_roles

    path = users_file or Settings.from_env().users_file
    try:
        add_user(path, name, password, roles=roles or None)
        saved = sorted(load_roles(path).get(name, ()))
    except UserError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"saved account '{name}' ({', '.join(saved)}) in {path}")


@main.command()
@articles_option
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.option("--build/--no-build", default=True, show_default=True, help="Build the index first if articles changed.")
@click.option("--watch", is_flag=True, help="Check and reindex saved articles, categories.yml and synonyms.yml live.")
def serve(articles_dir, index_dir, host, port, build, watch):
    """Run the web UI with Flask's development server (use gunicorn in production)."""
    from indexer import DamagedBuild, IndexNotFound
    from kb.indexing import build as build_index
    from kb.web import create_app

    settings = _settings(articles_dir, index_dir)
    if build:
        try:
            corpus = _load(settings)
        except click.ClickException as error:
            if not (settings.index_dir / "current").exists():
                raise
            click.echo(f"{error.message}; serving the last good build until then", err=True)
        else:
            info = build_index(corpus, settings.index_dir)
            if info.repaired:
                click.echo(f"the live build failed its check ({info.repaired}): rebuilt", err=True)
            click.echo(
                ("index up to date" if info.skipped else f"indexed {info.documents} articles")
                + f" in {settings.index_dir}"
            )
    if settings.base_url == Settings.base_url:  # KB_BASE_URL unset: links point at this development server
        settings.base_url = f"http://{host}:{port}"
    try:
        app = create_app(settings)
    except IndexNotFound:
        raise click.ClickException(f"no index in {settings.index_dir}. Run `kb index` first.") from None
    except DamagedBuild as error:
        raise click.ClickException(str(error)) from None
    if watch:
        from kb.watch import Watcher

        watcher = Watcher(settings, app.extensions["kb"], echo=lambda line: click.echo(line, err=True))
        app.extensions["kb.watch"] = watcher
        watcher.rebuild()  # report what is broken now, and load Kiwi before the first save
        watcher.start()
        click.echo(f"watching {settings.articles_dir} for changes", err=True)
    app.run(host=host, port=port, use_reloader=False)


if __name__ == "__main__":
    main()
