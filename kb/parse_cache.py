"""Articles remembered by file content: an unchanged file is neither parsed nor rendered again.

Loading 20,000 articles (YAML front matter, Markdown, sanitizing) took most of a minute, for a
build that changes one. The key is sha256 of the path as shown and the file's bytes, so any edit,
rename or move is a miss; a file with problems is never remembered (it is parsed, and reported,
every time). Two levels: this process's last loads (the watcher and the server keep them), and an
optional SQLite file (``kb index`` passes ``<index root>/cache/articles.sqlite``) holding plain
JSON rows, never pickle. The cache only saves time: an unreadable file is removed and rebuilt.

File states: reading and hashing 20,000 files took seconds on every load for one changed file.
Like git's index, the cache remembers each file's (size, mtime, ctime, inode) with the key its
bytes had; a file whose state is unchanged is not read again. A state recorded less than
``RACY_NS`` after the file's last change is not trusted (a second write within the file
system's timestamp granularity could keep the same state): such a file is read and hashed, and
its key decides, as without states.

A load that parsed many files (``kb index`` from nothing) writes the file from a process of
its own, beside the build (``BESIDE_MIN``); anything in this process that opens the file next
waits for it first.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path

from kb.articles import Article, article_from_record, article_record

MEMORY_ENTRIES = 30_000
VERSION = 1  # bump when Article's fields or rendering change
_memory: OrderedDict[str, Article] = OrderedDict()
_lock = threading.Lock()
RACY_NS = 2_000_000_000  # a state recorded this soon after the file changed is not trusted
State = tuple[int, int, int, int, str, int]  # size, mtime_ns, ctime_ns, inode, key, recorded at (ns)
_states: dict[str, State] = {}  # display path -> its file's last state seen by this process
# From this many new articles a save is written by a forked process: at 20,000 (a build from
# nothing) the rows' JSON and SQLite's inserts took ~2 s on one core between the parsing and the
# index writers, the other core idle. The file is only a cache, so nothing waits for it.
BESIDE_MIN = 2000
_saving: multiprocessing.Process | None = None  # this process's save being written beside it


def _signature(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


def key(display: str, data: bytes) -> str:
    return hashlib.sha256(f"{VERSION}\0{display}\0".encode("utf-8", "surrogatepass") + data).hexdigest()


def _record(article: Article) -> str:
    fields = {**article_record(article), "lines": article.lines, "item_lines": article.item_lines}
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def _article(record: str) -> Article:
    fields = json.loads(record)
    article = article_from_record(fields)
    article.lines, article.item_lines = fields["lines"], fields["item_lines"]
    return article


class ParseCache:
    """One load's lookups and additions; ``save`` writes the additions to the file, if any."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self._new: dict[str, Article] = {}
        self._used: set[str] = set()
        self._file_states: dict[str, State] | None = None
        self._new_states: dict[str, State] = {}

    # ------------------------------------------------------------------ file states
    def unchanged(self, display: str, stat: os.stat_result) -> str | None:
        """The key of the file at ``display`` if its state is the one recorded with that key, long
        enough after its last change to be trusted; None means: read and hash it.

        This process's own state of a file first (the newest it knows; another process's newer one
        only costs a read): the file's states are read (20,000 rows, ~0.1 s of every watcher save)
        only when a path is not among them, once per load."""
        found = _states.get(display)
        if found is None:
            if self._file_states is None:
                self._file_states = self._read_states()
            found = self._file_states.get(display)
        if found is None or found[:4] != _signature(stat):
            return None
        if max(stat.st_mtime_ns, stat.st_ctime_ns) > found[5] - RACY_NS:
            return None
        return found[4]

    def record(self, display: str, stat: os.stat_result, cache_key: str) -> None:
        """``cache_key`` is what the file's bytes hash to, read after ``stat`` was taken."""
        state = (*_signature(stat), cache_key, time.time_ns())
        with _lock:
            _states[display] = state
        self._new_states[display] = state

    def _read_states(self) -> dict[str, State]:
        with _lock:
            states = dict(_states)
        if self.path is None or not self.path.exists():
            return states
        try:
            db = self._connect()
            try:
                stored = {row[0]: tuple(row[1:]) for row in db.execute("SELECT * FROM file")}
            finally:
                db.close()
        except sqlite3.DatabaseError:
            return states
        return {**stored, **states}  # this process's own are newer

    def get(self, cache_key: str) -> Article | None:
        self._used.add(cache_key)
        with _lock:
            found = _memory.get(cache_key)
            if found is not None:
                _memory.move_to_end(cache_key)
                return found
        return None

    def get_many(self, keys: list[str]) -> dict[str, Article]:
        """Memory first, then the file for the rest (one query)."""
        found = {k: a for k in keys if (a := self.get(k)) is not None}
        missing = [k for k in keys if k not in found]
        if missing and self.path is not None and self.path.exists():
            try:
                found.update(self._read(missing))
            except sqlite3.DatabaseError:
                self._discard()
            for k in missing:
                if k in found:
                    self._remember(k, found[k])
        return found

    def put(self, cache_key: str, article: Article) -> None:
        self._new[cache_key] = article
        self._remember(cache_key, article)

    @staticmethod
    def _remember(cache_key: str, article: Article) -> None:
        with _lock:
            _memory[cache_key] = article
            while len(_memory) > MEMORY_ENTRIES:
                _memory.popitem(last=False)

    def _connect(self) -> sqlite3.Connection:
        wait_for_save()
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("CREATE TABLE IF NOT EXISTS article (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
        db.execute(
            "CREATE TABLE IF NOT EXISTS file (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
            " ctime_ns INTEGER, inode INTEGER, key TEXT, recorded_ns INTEGER) WITHOUT ROWID"
        )
        return db

    def _read(self, keys: list[str]) -> dict[str, Article]:
        db = self._connect()
        try:
            wanted = set(keys)
            if len(keys) < 500:
                rows = [(k, v) for k in keys for (v,) in db.execute("SELECT value FROM article WHERE key = ?", (k,))]
            else:
                rows = [(k, v) for k, v in db.execute("SELECT key, value FROM article") if k in wanted]
            found = {}
            for k, v in rows:
                try:
                    found[k] = _article(v)
                except (ValueError, TypeError, KeyError):
                    continue  # a damaged row is a miss
            return found
        finally:
            db.close()

    def save(self) -> None:
        """Add this load's new articles; drop rows of files no longer there when they outnumber the rest.

        Many new articles: written by a forked process (``BESIDE_MIN``), where forking is safe (no
        other thread in this process, so not inside a running server)."""
        global _saving
        if self.path is None or not (self._new or self._new_states):
            return
        if (
            len(self._new) >= BESIDE_MIN
            and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods()
        ):
            wait_for_save()
            process = multiprocessing.get_context("fork").Process(target=self._save_beside)
            process.start()
            _saving = process  # only here: the forked process has no save of its own to wait for
            return
        self._write()

    def _save_beside(self) -> None:
        from indexer.writers import forked_worker

        forked_worker()  # it dies with a killed build, and leaves the build's objects alone
        self._write()

    def _write(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._connect()
            try:
                db.execute("BEGIN IMMEDIATE")
                db.executemany(
                    "INSERT OR REPLACE INTO article VALUES (?, ?)", [(k, _record(a)) for k, a in self._new.items()]
                )
                db.executemany(
                    "INSERT OR REPLACE INTO file VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(path, *state) for path, state in self._new_states.items()],
                )
                (count,) = db.execute("SELECT count(*) FROM article").fetchone()
                if count > 2 * max(len(self._used), 1):
                    stale = [(k,) for (k,) in db.execute("SELECT key FROM article") if k not in self._used]
                    db.executemany("DELETE FROM article WHERE key = ?", stale)
                    db.execute("DELETE FROM file WHERE key NOT IN (SELECT key FROM article)")
                db.execute("COMMIT")
            finally:
                db.close()
        except sqlite3.OperationalError:
            pass  # locked by another process's save (kb index beside kb serve --watch): next time
        except sqlite3.DatabaseError:
            self._discard()
        except OSError:
            pass  # a read-only or full disk costs the next load time, never this one

    def _discard(self) -> None:
        wait_for_save()
        if self.path is not None:
            for suffix in ("", "-journal"):
                try:
                    self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
                except OSError:
                    pass


def wait_for_save() -> None:
    """Until a save written beside this process (``ParseCache.save``) is done: this process's
    next read or write of the file sees it, and never meets its lock."""
    global _saving
    if _saving is not None:
        _saving.join()
        _saving = None
