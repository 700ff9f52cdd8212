"""The analysis of every text a build indexed, kept on disk so the next build skips Kiwi for it.

One SQLite file per analyser under the index root (``cache/analysis-<version>.sqlite``): the
key is sha256 of the text as written, the value the text's morphemes and compounds as JSON
(never pickle: the file sits beside data anyone may copy in). Changing the analyser (a new
ANALYZER_VERSION, Kiwi release, or any edit to the analysis code) names another file, so old
analyses are never read back; the old file is removed.

The cache only saves time: an unreadable or damaged file is removed and rebuilt, a damaged
row is a miss. ``analyse_cached`` saves in one SQLite transaction and drops rows for texts no
longer in the corpus, so the file stays the size of the corpus. A full build's writer
processes (``indexer/writers.py``) each read and add rows through a ``Store`` of their own, a
transaction per few hundred rows (every row is a whole analysis), and the build then ``prune``s.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from indexer.analysis import Analysis, Term, analyze_batch, analyze_each

CACHE_FOLDER = "cache"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# The code that turns Kiwi's tokens into terms: an edit to any of it (a stop word, a domain
# word) without an ANALYZER_VERSION bump must still not read old analyses back.
_ANALYSER_SOURCES = ("analysis.py", "normalize.py", "hangul.py")


@lru_cache(maxsize=1)
def _source_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in _ANALYSER_SOURCES:
        digest.update((Path(__file__).with_name(name)).read_bytes())
    return digest.hexdigest()[:12]


def cache_file(index_root: Path, version: str) -> Path:
    import kiwipiepy

    name = f"{version}-kiwi{kiwipiepy.__version__}-{_source_fingerprint()}"
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in name)
    return Path(index_root) / CACHE_FOLDER / f"analysis-{safe}.sqlite"


def _remove_other_versions(path: Path) -> None:
    """Caches of other analysers are never read again."""
    for other in path.parent.glob("analysis-*.sqlite"):
        if other != path:
            _discard(other)


def _encode(analysis: Analysis) -> str:
    return json.dumps(
        [[[t.text, t.tag, t.start, t.end, int(t.known)] for t in part] for part in analysis],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _decode(value: str) -> Analysis:
    terms, extra = json.loads(value)
    return (
        tuple(Term(text, tag, int(start), int(end), bool(known)) for text, tag, start, end, known in terms),
        tuple(Term(text, tag, int(start), int(end), bool(known)) for text, tag, start, end, known in extra),
    )


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE IF NOT EXISTS analysis (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
    return db


LOOKUP_LIMIT = 500  # fewer keys than this are looked up one by one; more, the whole table is read


def _read(path: Path, keys: set[str]) -> dict[str, Analysis]:
    """The cached analyses of ``keys``; a damaged row is skipped, a damaged file raises sqlite3.DatabaseError."""
    found: dict[str, Analysis] = {}
    if not path.exists() or not keys:
        return found
    db = _connect(path)
    try:
        if len(keys) < LOOKUP_LIMIT:  # an incremental build: a few texts of a large cache
            rows = ((k, v) for k in keys for (v,) in db.execute("SELECT value FROM analysis WHERE key = ?", (k,)))
        else:
            rows = ((k, v) for k, v in db.execute("SELECT key, value FROM analysis") if k in keys)
        for key, value in rows:
            try:
                found[key] = _decode(value)
            except (ValueError, TypeError):
                continue
    finally:
        db.close()
    return found


def _write(path: Path, keep: set[str] | None, new: dict[str, Analysis]) -> None:
    """Add ``new``; drop every row not in ``keep`` (None: drop nothing)."""
    db = _connect(path)
    try:
        db.execute("BEGIN IMMEDIATE")
        stale = [] if keep is None else [(k,) for (k,) in db.execute("SELECT key FROM analysis") if k not in keep]
        db.executemany("DELETE FROM analysis WHERE key = ?", stale)
        db.executemany("INSERT OR REPLACE INTO analysis VALUES (?, ?)", [(k, _encode(a)) for k, a in new.items()])
        db.execute("COMMIT")
        if keep is not None and len(stale) > 1000 and len(stale) > len(keep):
            db.execute("VACUUM")
    finally:
        db.close()


def _discard(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        except OSError:
            pass  # not removable (a folder, a read-only disk): the write below fails quietly too


def iter_cached(texts: Iterable[str], index_root: Path, version: str) -> Iterator[tuple[str, Analysis]]:
    """The cached analyses of ``texts``, one (text, analysis) at a time; never writes.

    For readers of a finished build (the static export): ``analyse_cached`` would make the file
    hold only the texts it was given, dropping the build's own; and one at a time, a reader of a
    20,000-article build never holds every analysis. Stops early on a damaged file (the caller
    analyses the rest)."""
    by_key = {text_key(text): text for text in dict.fromkeys(texts) if text and text.strip()}
    path = cache_file(index_root, version)
    if not by_key or not path.exists():
        return
    try:
        db = _connect(path)
    except sqlite3.Error:
        return
    try:
        for key, value in db.execute("SELECT key, value FROM analysis"):
            if key in by_key:
                try:
                    analysis = _decode(value)
                except (ValueError, TypeError):
                    continue
                yield by_key[key], analysis
    except sqlite3.Error:
        return
    finally:
        db.close()


def analyse_cached(
    texts: Iterable[str],
    index_root: Path,
    version: str,
    progress: Callable[[int, int], None] | None = None,
    prune: bool = True,
) -> tuple[dict[str, Analysis], int]:
    """Every text's analysis (text -> analysis), Kiwi's batch call only for texts not cached.

    Returns the analyses and how many texts went to Kiwi (``progress(done, total)`` counts
    those). The cache file is then made to hold exactly these texts (``prune``), or these texts
    are added to it (an incremental build sees only the changed articles' texts).
    """
    wanted = [t for t in dict.fromkeys(texts) if t and t.strip()]
    keys = {text: text_key(text) for text in wanted}
    path = cache_file(index_root, version)
    try:
        cached = _read(path, set(keys.values()))
    except sqlite3.DatabaseError:
        _discard(path)  # damaged: rebuilt from scratch below
        cached = {}
    todo = [t for t in wanted if keys[t] not in cached]
    fresh = analyze_batch(todo, progress)
    result = {t: cached[keys[t]] if keys[t] in cached else fresh[t] for t in wanted}
    if not todo and not prune:
        return result, 0  # nothing to add
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            _write(path, set(keys.values()) if prune else None, {keys[t]: fresh[t] for t in todo})
        except sqlite3.DatabaseError:
            _discard(path)
            _write(path, set(keys.values()), {keys[t]: result[t] for t in wanted})
        _remove_other_versions(path)
    except (OSError, sqlite3.Error):
        pass  # a read-only or full disk costs the next build time, never this build
    return result, len(todo)


def cached_keys(path: Path) -> set[str]:
    """The keys the cache file holds; a damaged file is removed (its texts are analysed again)."""
    if not path.exists():
        return set()
    try:
        db = _connect(path)
        try:
            return {key for (key,) in db.execute("SELECT key FROM analysis")}
        finally:
            db.close()
    except sqlite3.DatabaseError:
        _discard(path)
        return set()


def prune(path: Path, keep: set[str]) -> None:
    """After a full build: only the corpus's texts stay, and other analysers' files go."""
    try:
        _write(path, keep, {})
        _remove_other_versions(path)
    except (OSError, sqlite3.Error):
        pass  # a read-only or full disk costs the next build time, never this build


class Store:
    """One process's use of the cache during a full build: reads what ``known`` says it holds,
    has Kiwi analyse the rest one text at a time (``analyze_each``: safe in a forked process)
    and adds those, a transaction per ``FLUSH_ROWS``. Never raises for the cache's sake: a
    damaged row or file is a miss, a locked or read-only file means rows not saved."""

    FLUSH_ROWS = 200
    BUSY_MS = 60_000  # another writer process's transaction: a moment

    def __init__(self, path: Path, known: set[str]):
        self.path, self.known = path, known
        self.pending: dict[str, str] = {}
        self.analysed = 0
        self.db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = _connect(path)
            self.db.execute(f"PRAGMA busy_timeout = {self.BUSY_MS}")
        except (OSError, sqlite3.Error):
            self.db = None

    def analyses(self, texts: list[str]) -> dict[str, Analysis]:
        """Every text's analysis (texts distinct and non-blank)."""
        keys = {text: text_key(text) for text in texts}
        found = self._read([k for k in keys.values() if k in self.known])
        todo = [t for t in texts if keys[t] not in found]
        fresh = analyze_each(todo)
        self.analysed += len(todo)
        for text, analysis in fresh.items():
            self.pending[keys[text]] = _encode(analysis)
        if len(self.pending) >= self.FLUSH_ROWS:
            self.flush()
        return {t: found[keys[t]] if keys[t] in found else fresh[t] for t in texts}

    def _read(self, keys: list[str]) -> dict[str, Analysis]:
        found: dict[str, Analysis] = {}
        if self.db is None:
            return found
        try:
            for i in range(0, len(keys), LOOKUP_LIMIT):
                chunk = keys[i : i + LOOKUP_LIMIT]
                marks = ",".join("?" * len(chunk))
                for key, value in self.db.execute(f"SELECT key, value FROM analysis WHERE key IN ({marks})", chunk):
                    try:
                        found[key] = _decode(value)
                    except (ValueError, TypeError):
                        continue
        except sqlite3.Error:
            pass
        return found

    def flush(self) -> None:
        rows, self.pending = list(self.pending.items()), {}
        if self.db is None or not rows:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO analysis VALUES (?, ?)", rows)
            self.db.execute("COMMIT")
        except sqlite3.Error:
            self.close()  # not saved: the next build analyses these texts again

    def close(self) -> None:
        if self.db is None:
            return
        if self.pending:
            self.flush()  # on failure it closes the connection itself
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            self.db = None
