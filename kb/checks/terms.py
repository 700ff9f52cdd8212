"""Each text's content terms for the near-duplicate check: in memory, and on disk per index root.

The check compares sets of content morphemes (``indexer.analyze``). At 20,000 articles, asking
Kiwi for every title, question and body took minutes; reading them from the build's analysis
cache still meant decoding every full analysis (tags, offsets, compounds: ~100 MB of JSON, ~20 s)
on each ``kb check``. So the terms alone (one short line per text) are kept beside that cache,
named after its file: a new analyser names a new analysis cache, hence new terms. Texts found in
neither are analysed once (through the analysis cache, which the next build then finds filled).
A server keeps the terms in memory across checks (the watcher checks on every save).
The file only saves time: any error reading or writing it is ignored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from indexer import analyze
from indexer.analysis import analyze_many, pinned

_TERMS: dict[str, frozenset[str]] = {}
MAX_REMEMBERED = 300_000
SEPARATOR = "\n"  # never inside a term: analysed text has no line breaks in a morpheme
FEW_KEYS = 500  # fewer texts than this are looked up by key, not by reading every row


def terms(text: str) -> frozenset[str]:
    """The content terms of ``text`` (remembered; ``load`` first to avoid Kiwi for many texts)."""
    found = _TERMS.get(text)
    if found is None:
        _remember({text: frozenset(t.text for t in analyze(text))})
        found = _TERMS[text]
    return found


def load(texts: Iterable[str], index_root: Path | None = None) -> None:
    """Remember the terms of ``texts``: from memory, the index root's files, else Kiwi (in one batch)."""
    texts = list(dict.fromkeys(texts))
    missing = [t for t in texts if t not in _TERMS]
    if not missing:
        return
    if index_root is None or not Path(index_root).is_dir():
        analyze_many(missing)
        _remember({text: frozenset(t.text for t in analyze(text)) for text in missing})
        return
    from indexer.analysis_cache import text_key

    path = _terms_file(Path(index_root))
    keys = {text: text_key(text) for text in missing}
    stored, rows = _read(path, set(keys.values()), count=len(missing) == len(texts))
    found = {text: stored[key] for text, key in keys.items() if key in stored}
    rest = [text for text in missing if text not in found]
    fresh = _analyse(rest, Path(index_root)) if rest else {}
    # texts of articles since edited pile up; dropped when this load saw every text (a fresh process)
    keep = set(keys.values()) if len(missing) == len(texts) and rows > 2 * len(keys) + 1000 else None
    if fresh or keep is not None:
        _write(path, {keys[text]: value for text, value in fresh.items()}, keep)
    _remember({**found, **fresh})


def _analyse(texts: list[str], index_root: Path) -> dict[str, frozenset[str]]:
    """Terms of ``texts`` through the build's analysis cache (new analyses are added to it)."""
    from indexer.analysis_cache import analyse_cached
    from indexer.build import ANALYZER_VERSION

    analyses, _ = analyse_cached(texts, index_root, ANALYZER_VERSION, prune=False)
    with pinned(analyses):
        return {text: frozenset(t.text for t in analyze(text)) for text in texts}


def _remember(found: dict[str, frozenset[str]]) -> None:
    remember(_TERMS, found, MAX_REMEMBERED)


def remember(memo: dict, found: dict, cap: int) -> None:
    """Add ``found`` to a memo kept between checks, forgetting it all first if it would pass ``cap``:
    a server's memo must not grow with every text ever edited, and forgetting at once costs one
    slower check, never a wrong one."""
    if len(memo) + len(found) > cap:
        memo.clear()
    memo.update(found)


def _terms_file(index_root: Path) -> Path:
    from indexer.analysis_cache import cache_file
    from indexer.build import ANALYZER_VERSION

    analyses = cache_file(index_root, ANALYZER_VERSION)
    return analyses.with_name("check-terms-" + analyses.name.removeprefix("analysis-"))


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=5, isolation_level=None)
    db.execute("CREATE TABLE IF NOT EXISTS terms (key TEXT PRIMARY KEY, terms TEXT NOT NULL) WITHOUT ROWID")
    return db


def _read(path: Path, keys: set[str], count: bool = True) -> tuple[dict[str, frozenset[str]], int]:
    """The stored terms of ``keys``, and how many rows the file holds (0 unless ``count``).

    A few keys (a watcher's save: the edited texts) are looked up one by one: reading every row
    to find them took ~0.1 s of each save at 20,000 articles."""
    if not path.exists():
        return {}, 0
    try:
        db = _connect(path)
        try:
            if len(keys) < FEW_KEYS:
                query = "SELECT key, terms FROM terms WHERE key = ?"
                rows = [row for key in keys for row in db.execute(query, (key,))]
                total = db.execute("SELECT count(*) FROM terms").fetchone()[0] if count else 0
            else:
                rows = db.execute("SELECT key, terms FROM terms").fetchall()
                total = len(rows)
        finally:
            db.close()
    except sqlite3.Error:
        return {}, 0
    found = {key: frozenset(value.split(SEPARATOR)) if value else frozenset() for key, value in rows if key in keys}
    return found, total


def _write(path: Path, new: dict[str, frozenset[str]], keep: set[str] | None = None) -> None:
    """Add ``new``, drop rows not in ``keep`` (None: none); remove other analysers' files (never read again)."""
    rows = [(key, SEPARATOR.join(sorted(value))) for key, value in new.items()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = _connect(path)
        try:
            db.execute("BEGIN IMMEDIATE")
            if keep is not None:
                stale = [(k,) for (k,) in db.execute("SELECT key FROM terms") if k not in keep]
                db.executemany("DELETE FROM terms WHERE key = ?", stale)
            db.executemany("INSERT OR REPLACE INTO terms VALUES (?, ?)", rows)
            db.execute("COMMIT")
        finally:
            db.close()
        for other in path.parent.glob("check-terms-*.sqlite"):
            if other != path:
                other.unlink(missing_ok=True)
    except (OSError, sqlite3.Error):
        pass
