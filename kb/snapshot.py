"""What the application serves from: a snapshot of exactly one build, and the one watcher of ``current``.

A ``Snapshot`` is one build opened: its search engine, its articles as rendered, its
categories. Pages, results and suggestions of a request all come from the same snapshot,
so they cannot disagree, and nothing is read from ``articles/``. ``LiveBuild`` hands out
the snapshot of the live build, swaps in a new one when ``kb index`` switches ``current``
(the old one is closed when the last request holding it lets go), and falls back to the
newest build that verifies when the live one is damaged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer import (
    PUBLIC,
    Audiences,
    DamagedBuild,
    IndexNotFound,
    SearchEngine,
    SearchResponse,
    Suggestion,
    analyze,
    identities,
    live_path,
    newest_good_build,
    read_attachment,
    verify_build,
)
from kb.articles import Article
from kb.corpus import Category
from kb.published import CATEGORIES, categories_from_records, read_articles

log = logging.getLogger("kb")

# Until analytics has traffic, the home page shows these (the questions every card company gets most).
DEFAULT_POPULAR = (
    "lost-report",
    "pay-declined",
    "cc-phone-hours",
    "pts-cash-out",
    "cancel-purchase",
    "inst-change",
    "ben-annual-fee",
    "cancel-refund-timing",
)


def warm_up() -> None:
    """Load Kiwi and its model now (a few seconds per process, whatever the corpus size)."""
    analyze("카드 분실 신고")


class Snapshot:
    """One verified build, opened: read-only, shared by every request that holds it."""

    def __init__(self, build: Path, meta: dict, previous: Snapshot | None = None, derived=None, spellers: bool = True):
        """``previous``: the snapshot this one replaces; its unchanged articles are reused.
        ``derived``: the build's tables as derived in this process (``SearchEngine``).
        ``spellers``: spell the vocabularies out now (else the caller does, or the first typo)."""
        self.path, self.meta = build, meta
        self.engine = SearchEngine(
            build,
            verified=True,
            previous=previous.engine if previous else None,
            unchanged=_same_files(meta, previous),
            derived=derived,
        )
        try:
            self.engine.suggester.prepare()  # while the old build still answers, not on a customer's keystroke
            if spellers:
                self.engine.prepare_spellers()
            self.articles: list[Article]
            self.articles, self._records = read_articles(
                build, previous._records if previous else None, keep_text=False
            )
            self.categories: dict[str, Category] = categories_from_records(read_attachment(build, CATEGORIES))
        except BaseException:
            self.engine.close()
            raise
        self._by_id = {a.id: a for a in self.articles}
        self._holders = 0

    @classmethod
    def open(cls, build: Path, previous: Snapshot | None = None, derived=None, spellers: bool = True) -> Snapshot:
        """Verify ``build`` against its checksums, then open it; DamagedBuild if it does not verify.

        ``previous``: the snapshot being replaced; files the new build shares with it by hard link
        (an incremental build) are not read again (indexer.artifact.verify_build's ``trusted``)."""
        trusted = identities(previous.path, previous.meta) if previous is not None else None
        return cls(build, verify_build(build, trusted=trusted), previous, derived, spellers)

    @property
    def name(self) -> str:
        return self.path.name

    def get(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def visible(self, article_id: str, audiences: Audiences) -> Article | None:
        """The article if ``audiences`` may see it (an internal one looks like a missing one to customers)."""
        found = self._by_id.get(article_id)
        return found if found is not None and found.audience in audiences else None

    def in_category(self, key: str, audiences: Audiences = PUBLIC) -> list[Article]:
        return sorted(
            (a for a in self.articles if a.category == key and a.audience in audiences), key=lambda a: a.title
        )

    def related(self, article: Article, audiences: Audiences = PUBLIC) -> list[Article]:
        return [r for r in (self.visible(i, audiences) for i in article.related) if r is not None]

    def search(
        self, text: str, *, limit: int, audiences: Audiences, category: str | None = None, autocorrect: bool = True
    ) -> SearchResponse:
        return self.engine.search(text, limit=limit, category=category, audiences=audiences, autocorrect=autocorrect)

    def suggest(self, text: str, *, limit: int = 8, audiences: Audiences = PUBLIC) -> list[Suggestion]:
        return self.engine.suggest(text, limit=limit, audiences=audiences)

    def popular(self, ids: Iterable[str] = (), limit: int = 8) -> list[Article]:
        """Public articles by ``ids`` (most opened first), topped up with the usual questions."""
        ids = list(ids)
        ids += [i for i in DEFAULT_POPULAR if i not in ids]
        return [a for a in (self.visible(i, PUBLIC) for i in ids) if a is not None][:limit]

    def close(self) -> None:
        self.engine.close()


def _same_files(meta: dict, previous: Snapshot | None) -> set[str]:
    """The files this build has with the same checksum as the build ``previous`` serves."""
    if previous is None:
        return set()
    mine, theirs = meta.get("files", {}), previous.meta.get("files", {})
    return {name for name, entry in mine.items() if theirs.get(name, {}).get("sha256") == entry.get("sha256")}


class LiveBuild:
    """The one watcher of the live build, shared by all threads of a process."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()  # guards the current snapshot and the holder counts
        self._opening = threading.Lock()  # one thread opens a new build; the others keep serving
        self.problem: str | None = None  # why a fallback build is served instead of the live one
        self._seen = live_path(self.index_dir)  # IndexNotFound when nothing was ever built
        self._snapshot = self._open_or_fall_back(self._seen)
        self._prepared: Snapshot | None = None  # opened before its build went live (``prepare``)

    def _open_or_fall_back(self, build: Path) -> Snapshot:
        try:
            return Snapshot.open(build)
        except (DamagedBuild, OSError, ValueError, KeyError) as error:
            found = newest_good_build(self.index_dir, skip=build)
            if found is None:
                raise DamagedBuild(f"{error}; no other build verifies: run `kb index --force`") from None
            self.problem = self._damaged(error, found[0])
            return Snapshot(*found)

    @staticmethod
    def _damaged(error: Exception, serving: Path) -> str:
        log.error("damaged build: %s; serving the last good build %s (run `kb index` to rebuild)", error, serving.name)
        return f"{error}; serving {serving.name}"

    def acquire(self) -> Snapshot:
        """The snapshot to answer one request with; hand it back with ``release``."""
        self._follow_current()
        with self._lock:
            snapshot = self._snapshot
            snapshot._holders += 1
            return snapshot

    def release(self, snapshot: Snapshot) -> None:
        with self._lock:
            snapshot._holders -= 1
            retired = snapshot._holders == 0 and snapshot is not self._snapshot
        if retired:
            snapshot.close()

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        snapshot = self.acquire()
        try:
            yield snapshot
        finally:
            self.release(snapshot)

    def prepare(self, build: Path, derived=None) -> None:
        """Open ``build`` now, before ``current`` points at it (``indexer.build_index``'s
        ``before_switch``): the watcher's thread pays for the open, and the first request after the
        switch swaps the snapshot in at once (a request that came first opened it itself, ~0.1-0.8 s
        at 20,000 articles, while the watcher's garbage collector was unfrozen). A build that does
        not open raises here, and is not switched in. ``derived``: the tables the build derived
        (``indexer.build_index`` hands them over), taken instead of read back from its files."""
        with self._opening:
            build = Path(build).resolve()  # as live_path names it
            # the spellers after the switch (``Watcher._warm``): the save is live ~0.1 s sooner
            fresh = Snapshot.open(build, previous=self._snapshot, derived=derived, spellers=False)
            if self._prepared is not None:
                self._prepared.close()
            self._prepared = fresh

    def _follow_current(self) -> None:
        """Swap in the build ``current`` points at, if it changed (a readlink per request)."""
        try:
            target = live_path(self.index_dir)
        except IndexNotFound:
            return  # someone removed the link: keep serving what we have
        if target == self._seen or not self._opening.acquire(blocking=False):
            return
        try:
            if target == self._seen:
                return
            self._seen = target  # tried once per build, not on every request
            prepared, self._prepared = self._prepared, None
            if prepared is not None and prepared.path == target:
                self._replace(prepared, problem=None)
                return
            if prepared is not None:
                prepared.close()  # another build went live instead
            try:
                fresh = Snapshot.open(target, previous=self._snapshot)
            except (DamagedBuild, OSError, ValueError, KeyError) as error:
                self.problem = self._damaged(error, self._snapshot.path)
                return
            self._replace(fresh, problem=None)
        finally:
            self._opening.release()

    def recover(self, snapshot: Snapshot) -> Snapshot | None:
        """After ``snapshot`` failed: if its build no longer verifies (a file was truncated or
        removed under the running server), serve the newest good build and return it, held
        for the caller. None when the build is intact: the failure is a bug, not damage."""
        try:
            verify_build(snapshot.path)
            return None
        except DamagedBuild as error:
            damage = error
        with self._opening:
            if self._snapshot is snapshot:
                found = newest_good_build(self.index_dir, skip=snapshot.path)
                if found is None:
                    log.error("damaged build: %s; no other build verifies: run `kb index --force`", damage)
                    return None
                self._replace(Snapshot(*found), problem=self._damaged(damage, found[0]))
        return self.acquire()

    def _replace(self, fresh: Snapshot, problem: str | None) -> None:
        with self._lock:
            old, self._snapshot = self._snapshot, fresh
            self.problem = problem
            idle = old._holders == 0
        if idle:
            old.close()

    def status(self) -> dict:
        """For /healthz: which build answers, and whether it is a fallback."""
        self._follow_current()
        snapshot = self._snapshot
        return {
            "ok": True,
            "build": snapshot.name,
            "documents": len(snapshot.articles),
            "content_hash": snapshot.meta.get("content_hash"),
            "built_at": snapshot.meta.get("built_at"),
            "fallback": self.problem is not None,
            "problem": self.problem,
        }

    def close(self) -> None:
        with self._lock:
            snapshot, prepared, self._prepared = self._snapshot, self._prepared, None
        snapshot.close()
        if prepared is not None:
            prepared.close()
