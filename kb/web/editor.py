"""Editor pages (login with the editor role): status, article preview, query analysis, insights.

Editors are not programmers: every page answers in Korean, shows problems as ``path:line:
message`` with the fix, and never changes what customers see (the preview renders a file from
disk without serving it; only ``kb index`` or ``kb serve --watch`` make a change live).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request

from indexer.audience import EVERYONE, PUBLIC
from kb.web.agent import current_user, role_required
from kb.web.knowledge import knowledge_base

bp = Blueprint("editor", __name__, url_prefix="/editor")
editor_required = role_required("editor")
BOTH = EVERYONE


def _settings():
    return current_app.config["KB_SETTINGS"]


def watch_status() -> dict | None:
    """What ``kb serve --watch`` last did (None when the server does not watch the folder)."""
    watcher = current_app.extensions.get("kb.watch")
    return watcher.status() if watcher is not None else None


def _caches() -> dict:
    """The index root's parse and analysis caches, so a status page at 20,000 articles costs seconds, not minutes."""
    from kb.checks import index_caches

    return index_caches(_settings().index_dir)


SHOWN_WARNINGS = 300
SHOWN_FILES = 1000
_checked: dict = {}  # the last folder check: {"key": ..., "result": (corpus, findings)}
_checked_lock = threading.Lock()
SETTLED_SECONDS = 2.0  # a file modified more recently than this may change again within one timestamp tick


def _folder_state(root: Path) -> tuple | None:
    """(path, size, modification time) of every file under ``root``; None while a file is being saved.

    Cheap (one stat per file, ~0.1 s at 20,000 articles) next to checking the folder (seconds).
    A timestamp ticks coarser than two quick saves of the same size, so a file modified in the
    last ``SETTLED_SECONDS`` makes the state unknown and the folder is checked again."""
    state, now = [], time.time()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            try:
                info = os.stat(os.path.join(folder, name))
            except OSError:
                return None
            if now - info.st_mtime < SETTLED_SECONDS:
                return None
            state.append((folder, name, info.st_size, info.st_mtime_ns, info.st_ino))
    return tuple(state)


def _folder_checks():
    """``check_folder`` on the articles folder: (corpus or None, findings, article files), from memory
    while no file changed.

    At 20,000 articles a check takes seconds (reading the files, comparing near-duplicates), and
    editors open the status page and previews again and again. Any file added, removed or saved,
    or a new day (stale warnings), checks the folder again."""
    from kb.checks import check_folder

    root = _settings().articles_dir
    state = _folder_state(root)
    key = (str(root), str(_settings().index_dir), dt.date.today(), state)
    with _checked_lock:
        if state is None or _checked.get("key") != key:
            corpus, findings = check_folder(root, search=False, **_caches())
            _checked.update(key=key, result=(corpus, findings, _article_files(root)))
        return _checked["result"]


def _article_files(root: Path) -> list[str]:
    """Article files on disk (relative paths), whether or not they load: editors preview drafts too."""
    files = []
    for path in sorted(root.rglob("*.md")):
        relative = path.relative_to(root)
        if not any(part.startswith(".") for part in relative.parts) and path.is_file():
            files.append(relative.as_posix())
    return files


def _file_in_folder(root: Path, relative: str) -> Path | None:
    """``relative`` inside the articles folder and an .md file, or None (no ../ escapes, no symlinks out)."""
    if not relative or "\x00" in relative:
        return None
    candidate = root / relative
    try:
        resolved = candidate.resolve()
        resolved.relative_to(root.resolve())
    except (OSError, ValueError):
        return None
    return candidate if resolved.suffix == ".md" and resolved.is_file() else None


@bp.get("/")
@editor_required
def home():
    """Every error, the first warnings and files: at 20,000 articles listing all 40,000 warnings and
    20,000 links made a 16 MB page that took seconds to render and more to read; ``kb check``
    prints them all, and any file opens by its path."""
    root = _settings().articles_dir
    corpus, findings, files = _folder_checks()
    errors = [f for f in findings if f.is_error]
    warnings = [f for f in findings if not f.is_error]
    return render_template(
        "editor/home.html",
        user=current_user(),
        findings=errors + warnings[:SHOWN_WARNINGS],
        errors=len(errors),
        warnings=len(warnings),
        loads=corpus is not None,
        files=files[:SHOWN_FILES],
        file_count=len(files),
        root=str(root),
        watch=watch_status(),
    )


@bp.get("/preview")
@editor_required
def preview():
    """A file from disk rendered with the customers' article template, its findings beside it."""
    from kb.articles import parse_article
    from kb.checks import Finding

    root = _settings().articles_dir
    relative = request.args.get("path", "")
    path = _file_in_folder(root, relative)
    if path is None:
        abort(404)
    display = str(root / relative)
    article, problems = parse_article(path, display)
    corpus, findings, _ = _folder_checks()
    mine = [f for f in findings if f.path == display]
    live = knowledge_base()
    if article is None:
        return render_template(
            "editor/broken.html",
            user=current_user(),
            path=display,
            relative=relative,
            problems=[Finding(p.path, p.line, p.message) for p in problems],
            live_article=next((a for a in live.articles if a.path.endswith(relative)), None),
        )
    others = corpus or live
    related = [r for r in (others.get(i) for i in article.related) if r is not None and r.is_public]
    return render_template(
        "editor/preview.html",
        article=article,
        related=related,
        category=others.categories.get(article.category),
        findings=mine,
        folder_errors=[f for f in findings if f.is_error and f.path != display],
        relative=relative,
        vote=None,
        static_export=True,  # no vote form: an editor's click must not count as a customer's vote
        editor_user=current_user(),
    )


@bp.get("/analyze")
@editor_required
def analyze():
    """Why this query (does not) find that article: every step, the ranking, one article's score."""
    from indexer.explain import FIELD_LABELS, explain
    from indexer.tags import tag_label
    from kb.commands.analyze import REASONS

    kb = knowledge_base()
    q = request.args.get("q", "")[:200]
    article_id = request.args.get("article", "").strip() or None
    audience = "internal" if request.args.get("audience") == "internal" else "public"
    audiences = BOTH if audience == "internal" else PUBLIC
    result = None
    if q.strip():
        result = explain(
            kb.engine, q, article_id=article_id, audiences=audiences, limit=10, article_terms=_article_terms(kb)
        )
    return render_template(
        "editor/analyze.html",
        user=current_user(),
        q=q,
        article_id=article_id or "",
        audience=audience,
        result=result,
        reasons=REASONS,
        articles=sorted(kb.articles, key=lambda a: a.id),
        corpus=kb,
        field_labels=FIELD_LABELS,
        tag_label=tag_label,
        preview_path=_preview_path,
    )


def _article_terms(snapshot):
    """The words of an article's title, questions and tags, as the analyzer reads them."""
    from indexer import analyze

    def terms(article_id: str) -> list[str]:
        article = snapshot.get(article_id)
        if article is None:
            return []
        texts = [article.title, *article.questions, *article.tags]
        return list(dict.fromkeys(t.text for text in texts for t in analyze(text)))[:30]

    return terms


def _preview_path(article) -> str:
    """The article's file relative to the articles folder (what ``preview`` takes)."""
    try:
        return Path(article.path).relative_to(_settings().articles_dir).as_posix()
    except ValueError:
        return Path(article.path).name


def _period():
    """The period asked for: ?start=&end= (YYYY-MM-DD), else ?days= (default 30), capped to a year."""
    import datetime as dt

    from kb.insights import Period

    try:
        start = dt.date.fromisoformat(request.args.get("start", ""))
        end = dt.date.fromisoformat(request.args.get("end", ""))
        if start <= end and (end - start).days <= 366:
            return Period(start, end)
    except ValueError:
        pass
    try:
        days = max(1, min(366, int(request.args.get("days", 30))))
    except ValueError:
        days = 30
    return Period.last_days(days)


def _report():
    from kb.insights import SURFACES, build_report, log_reader
    from kb.web.knowledge import analytics

    surfaces = request.args.get("who", "customers")
    surfaces = surfaces if surfaces in SURFACES else "customers"
    return build_report(log_reader(analytics()), _period(), snapshot=knowledge_base(), surfaces=surfaces)


@bp.get("/insights")
@editor_required
def insights():
    """Searches per day, top and zero-result queries with causes, unopened results, votes, unfound articles."""
    from kb.charts import bar_chart, line_chart
    from kb.zero_results import CAUSES

    report = _report()
    labels = [d.day for d in report.days]
    return render_template(
        "editor/insights.html",
        user=current_user(),
        report=report,
        causes=CAUSES,
        corpus=knowledge_base(),
        searches_chart=bar_chart(labels, [d.searches for d in report.days], title="하루 검색 수", chart_id="searches"),
        zero_chart=line_chart(
            labels, [d.zero_rate for d in report.days], title="결과 없는 검색 비율", chart_id="zero-rate"
        ),
        args={k: v for k, v in request.args.items() if k in ("days", "start", "end", "who")},
    )


@bp.get("/insights/<name>.csv")
@editor_required
def insights_csv(name: str):
    from kb.insights import TABLES, csv_text

    if name not in TABLES:
        abort(404)
    report = _report()
    filename = f"{name}-{report.period.start.isoformat()}-{report.period.end.isoformat()}.csv"
    return current_app.response_class(
        csv_text(report, name),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
