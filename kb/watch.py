"""``kb serve --watch``: a saved article, categories.yml or synonyms.yml goes live in seconds.

watchfiles (inotify/FSEvents through Rust's notify, not a polling loop of ours) reports changes;
each batch is checked like ``kb check`` (without the slow ranking checks) and, when nothing is
an error, built through the same path as ``kb index`` (``kb.indexing.build``: a new build beside
the live one, then an atomic switch). The server's snapshot follows ``current``; the watcher opens
the new snapshot itself before the switch (``LiveBuild.prepare``), so no customer request waits
for it. While a build runs, and whenever
a file is broken, the previous build keeps serving: the problems are printed as
``path:line: message`` and shown on the editor pages until the file is fixed.

Why a save goes live in about two seconds at 20,000 articles (docs/benchmarks.md, fourth pass):
the corpus is loaded through the parse cache's file states (unchanged files are neither read nor
parsed: ``kb/parse_cache.py``), the cross-article checks look only at the articles that differ
from the live build (their digests are remembered per Article: ``kb.indexing.index_doc``), from
indexes and findings kept between saves (``kb/checks``), and the build is incremental (one shard
of the articles written, the rest linked; the tables derived again in numpy: most of what is left).
A save looks only at the files its events name (``load_corpus``'s ``before``: listing and
stat-ing all 20,000 files took ~0.3 s of every save), so whatever the events missed (a folder
moved whole, a lost event) is found by the sweep: a load that looks at every file's state, once
the folder has been quiet for ``SWEEP_IDLE_MS`` after a save (or before a save, when saves kept
coming for ``SWEEP_AT_MOST`` seconds); what it finds goes live then.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.articles import CorpusError
from kb.checks import Finding, load_terms, problems_as_findings, run_checks
from kb.config import Settings
from kb.corpus import Corpus, load_corpus

log = logging.getLogger("kb.watch")
WATCHED_SUFFIXES = (".md", ".yml", ".yaml")
DEBOUNCE_MS = 400  # a batch of saves (an editor's "save all") becomes one rebuild
STEP_MS = 50  # ... yielded this soon after the last change
SWEEP_IDLE_MS = 1000  # quiet for this long after a save: every file looked at (``Watcher.sweep``)
SWEEP_AT_MOST = 10.0  # seconds of saves looked at by their events alone, then a save looks at all


def watched(change, path: str) -> bool:
    """Articles, the two YAML files and folders; not editor swap files, backups or hidden folders.

    Folders because a folder moved in, out or renamed is named alone, without the articles in it
    (``load_corpus`` then walks the whole folder). A path that is gone cannot say whether it was a
    folder, so every path that is not a file now is let through: one that held no article changes
    nothing."""
    name = Path(path).name
    if name.startswith((".", "#", "~")) or "/." in path:
        return False
    return name.endswith(WATCHED_SUFFIXES) or not os.path.isfile(path)


class Watcher:
    """Watches one articles folder and rebuilds its index; ``status()`` is what the editor pages show."""

    def __init__(self, settings: Settings, live=None, echo: Callable[[str], None] = print):
        self.settings = settings
        self.live = live  # the server's LiveBuild: warmed after each switch
        self.echo = echo
        self.findings: list[Finding] = []  # errors that stop the last save from going live
        self.warnings = 0
        self.last_ok: str | None = None
        self.seconds: float | None = None
        self.started: float | None = None  # time.perf_counter() when the last rebuild began
        self.finished = 0  # rebuilds that have returned (``seconds`` is the last one that went live)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._ready = False  # the live build's statistics loaded for the next save
        self._last: Corpus | None = None  # what the last load found (its ``files``: the next one's ``before``)
        self._unswept: float | None = None  # time.monotonic() of the first load since the last sweep
        # that looked only at the files events named (None: none did)

    def status(self) -> dict:
        return {
            "findings": list(self.findings),
            "warnings": self.warnings,
            "last_ok": self.last_ok,
            "seconds": self.seconds,
            "started": self.started,
            "finished": self.finished,
            "running": self._thread is not None and self._thread.is_alive(),
        }

    def rebuild(self, changed: Collection[str] | None = None) -> bool:
        """Check the folder and, if nothing is an error, build and switch; returns whether it went live.

        ``changed``: the paths the watcher's events named since the last load; only those are
        looked at (``sweep`` looks at the rest later). None: every file.

        The checks run beside the build, in a thread of their own, and the build waits for their
        verdict just before its switch (``before_switch``): the table step is numpy, which lets go
        of the interpreter's lock, so on two cores the checks cost a save little. A build the checks
        refuse is removed without ever being live."""
        with self._lock, older_objects_frozen():  # one rebuild at a time, even if changes arrive meanwhile
            try:
                return self._rebuild(changed)
            finally:
                self.finished += 1

    def sweep(self) -> bool:
        """Look at every file after saves that looked only at what their events named: a change no
        event named goes live now (rebuilt). Returns whether one was found."""
        with self._lock:
            if self._unswept is None:
                return False
            last = self._last
            try:
                corpus = self._load_corpus(None, ())
            except CorpusError:
                corpus = None
            missed = corpus is None or last is None or _found(corpus) != _found(last)
        if missed:
            self.echo("이벤트 없이 바뀐 파일을 찾았습니다: 다시 반영합니다.")
            self.rebuild()
        return missed

    def _rebuild(self, changed: Collection[str] | None) -> bool:
        """``rebuild`` with the lock held and the older objects frozen."""
        from kb.indexing import build

        started = self.started = time.perf_counter()
        corpus, problems = self._load(changed)
        if corpus is None:
            return self._refuse(problems)
        checks = _Beside(self._check, corpus)

        def verdict(folder: Path, derived) -> None:
            if any(f.is_error for f in checks.result()):
                raise _Refused
            if self.live is not None:
                self.live.prepare(folder, derived)

        try:
            info = build(corpus, self.settings.index_dir, before_switch=verdict)
        except _Refused:
            return self._refuse(checks.result())
        except Exception as error:  # a full disk, a lock: keep watching, keep serving the old build
            checks.result(wait_only=True)
            log.exception("build failed")
            self.findings = [Finding(str(self.settings.index_dir), 0, f"색인을 만들지 못했습니다: {error}")]
            self.echo(str(self.findings[0]))
            return False
        findings = checks.result()
        if any(f.is_error for f in findings):  # nothing changed, so nothing was switched: report them
            return self._refuse(findings)
        self._warm()
        if info.skipped and not self._ready:
            self._ready = _load_build_statistics(self.settings.index_dir)
        self.findings, self.warnings = [], len(findings)
        self.seconds = time.perf_counter() - started
        self.last_ok = time.strftime("%H:%M:%S")
        what = "변경 없음" if info.skipped else f"문서 {info.documents}개 반영"
        self.echo(f"{what} ({self.seconds:.1f}초, 경고 {self.warnings}건)")
        return True

    def _refuse(self, findings: list[Finding]) -> bool:
        errors = [f for f in findings if f.is_error]
        self.findings = errors
        for finding in errors:
            self.echo(str(finding))
        self.echo(f"반영하지 않음: 오류 {len(errors)}건. 고객에게는 마지막으로 반영된 버전이 보입니다.")
        return False

    def _load(self, changed: Collection[str] | None = None) -> tuple[Corpus | None, list[Finding]]:
        """The folder as ``kb check`` loads it (problems as findings), with the checks' terms ready
        (Kiwi, when a text is new, runs here and not beside the build)."""
        now = time.monotonic()
        overdue = self._unswept is not None and now - self._unswept >= SWEEP_AT_MOST
        quick = self._last is not None and changed is not None and not overdue
        try:
            corpus = self._load_corpus(self._last.files if quick else None, changed or ())
        except CorpusError as error:
            return None, problems_as_findings(error)
        if quick and self._unswept is None:
            self._unswept = now
        load_terms(corpus, self.settings.index_dir)
        return corpus, []

    def _load_corpus(self, before, changed: Collection[str]) -> Corpus:
        """``load_corpus``, remembering what it found for the next load (nothing after a failed one)."""
        settings = self.settings
        self._last = None
        corpus = load_corpus(
            settings.articles_dir,
            settings.max_article_bytes,
            cache_file=settings.index_dir / "cache" / "articles.sqlite",
            before=before,
            changed=changed,
        )
        if before is None:
            self._unswept = None
        self._last = corpus
        return corpus

    def _check(self, corpus: Corpus) -> list[Finding]:
        """``kb check`` without the ranking checks (``check_folder``), comparing only the articles
        that differ from the live build with the others."""
        return run_checks(corpus, changed=changed_since_live(corpus, self.settings.index_dir))

    def _warm(self) -> None:
        """Open the new build now, in this thread, so the next customer request finds it ready, and
        spell its vocabulary out for typo corrections (left out of the open: the save is live first)."""
        if self.live is not None:
            with self.live.snapshot() as snapshot:
                snapshot.engine.prepare_spellers()

    def run(self) -> None:
        from watchfiles import watch

        root = self.settings.articles_dir
        for changes in watch(
            root,
            watch_filter=watched,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=self._stop,
            raise_interrupt=False,
            rust_timeout=SWEEP_IDLE_MS,
            yield_on_timeout=True,  # an empty batch: quiet for that long
        ):
            try:
                if not changes:
                    self.sweep()
                    continue
                names = sorted({Path(path).name for _, path in changes})
                self.echo(f"바뀐 파일: {', '.join(names)}")
                self.rebuild(changed={path for _, path in changes})
            except Exception:  # never let one bad save stop the watching
                log.exception("rebuild after a change failed")

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="kb-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _Refused(Exception):
    """The checks found an error: the build they ran beside must not go live."""


class _Beside:
    """``function(*args, **kwargs)`` in a thread of its own; ``result()`` waits for it (and raises
    what it raised)."""

    def __init__(self, function, *args, **kwargs):
        self._outcome: tuple = ()
        self._thread = threading.Thread(
            target=self._run, args=(function, args, kwargs), name="kb-watch-checks", daemon=True
        )
        self._thread.start()

    def _run(self, function, args, kwargs) -> None:
        try:
            self._outcome = (function(*args, **kwargs), None)
        except BaseException as error:  # handed to the waiting thread
            self._outcome = (None, error)

    def result(self, wait_only: bool = False):
        self._thread.join()
        value, error = self._outcome
        if error is not None and not wait_only:
            raise error
        return value


def _found(corpus: Corpus) -> tuple:
    """What a load found, to compare two loads: every file and its key, the categories, the synonyms."""
    return list(corpus.files.items()), corpus.categories, corpus.synonyms


def _load_build_statistics(index_dir: Path) -> bool:
    """Read what the first incremental build needs of the live build (its segments' statistics,
    ~100 MB at 20,000 articles, and its digests and document table) when the watcher starts (the
    build skipped: nothing changed), so the first save does not pay for it (~1 s). Kept in the
    build's per-process caches (``indexer.postings``, ``indexer.build``)."""
    from indexer.artifact import IndexNotFound, live_path
    from indexer.build import read_digests
    from indexer.postings import read_corpus

    try:
        build = live_path(index_dir)
        corpus = read_corpus(build)
        if corpus is not None:
            corpus.groups  # noqa: B018 (each segment's runs, kept with its statistics)
        read_digests(build)
        return True
    except (IndexNotFound, OSError, ValueError):
        return False


@contextmanager
def older_objects_frozen() -> Iterator[None]:
    """Keep the garbage collector off what was in memory before the rebuild (the parse cache, the
    checks' terms, the live build) while it runs: every full collection walked all of it again,
    ~2.5 s of a save at 20,000 articles (2-3 of them per save; gc.callbacks, bench/watch.py's data).
    Unfrozen after, so cycles among those objects (a replaced snapshot) are still collected."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def changed_since_live(corpus: Corpus, index_dir: Path) -> set[str] | None:
    """Ids of the articles that differ from the live build (None, all of them, when there is no
    readable build): ``kb.checks.changed_since_build`` with digests remembered per Article."""
    from indexer.artifact import IndexNotFound, live_path
    from indexer.build import read_digests
    from kb.indexing import index_doc

    try:
        built = read_digests(live_path(index_dir))
    except (IndexNotFound, OSError, ValueError):
        return None
    return {a.id for a in corpus.articles if built.get(a.id) != index_doc(a)[1]}
