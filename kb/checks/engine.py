"""A search engine over exactly the corpus being checked, for the checks that need ranking.

The live index is reused when it was built from these very articles (same content hash);
otherwise a throwaway index is built in a temporary folder, so ``kb check`` never touches
the index a server is using. That throwaway build starts from the live build (a temporary index
root whose ``current`` is the live build, beside it on the same disk for hard links): an editor
who changed one article of 20,000 waited minutes for a build from nothing; the incremental build
adds only what changed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from indexer import DamagedBuild, IndexNotFound, SearchEngine, read_meta
from indexer.artifact import live_path
from kb.corpus import Corpus
from kb.indexing import build, corpus_hash


@contextlib.contextmanager
def engine_for(corpus: Corpus, index_dir: Path | None = None) -> Iterator[object]:
    digest = corpus_hash(corpus)
    if index_dir is not None:
        try:
            live = read_meta(index_dir).get("content_hash")
        except (IndexNotFound, DamagedBuild, ValueError, OSError):
            live = None
        try:
            engine = SearchEngine(index_dir) if live == digest else None  # verifies its checksums
        except (DamagedBuild, OSError):
            engine = None
        if engine is not None:
            try:
                yield engine
            finally:
                engine.close()
            return
    with contextlib.ExitStack() as stack:
        engine = _throwaway_engine(corpus, index_dir, stack)
        try:
            yield engine
        finally:
            engine.close()


def _throwaway_engine(corpus: Corpus, index_dir: Path | None, stack: contextlib.ExitStack) -> SearchEngine:
    """An engine over a throwaway build of ``corpus``, its folder kept until ``stack`` closes.

    The incremental build reads the live build without holding its lock: a watcher or ``kb index``
    beside it keeps only two builds, so two saves during the check can remove the build it links
    from. Then the check builds again from nothing instead of stopping with a traceback."""
    if index_dir is not None:
        with contextlib.ExitStack() as attempt:
            temp = attempt.enter_context(_throwaway_root(index_dir))
            try:
                build(corpus, temp)
                engine = SearchEngine(temp)
            except (OSError, DamagedBuild, IndexNotFound):
                pass  # the build it started from was removed under it
            else:
                stack.push(attempt.pop_all())
                return engine
    temp = stack.enter_context(_throwaway_root(None))
    build(corpus, temp)
    return SearchEngine(temp)


@contextlib.contextmanager
def _throwaway_root(index_dir: Path | None) -> Iterator[Path]:
    """A temporary index root; its ``current`` is the live build of ``index_dir`` when there is one
    (read only: the incremental build links its segments into a new folder of the temporary root)."""
    try:
        live = live_path(index_dir) if index_dir is not None else None
    except (IndexNotFound, OSError):
        live = None
    parent = Path(index_dir).parent if live is not None else None
    if parent is not None:
        _remove_abandoned(parent)
    try:
        temp = tempfile.TemporaryDirectory(prefix=f".kb-check-{os.getpid()}-", dir=parent)
    except OSError:  # a read-only folder beside the index: a build from nothing in /tmp
        temp, live = tempfile.TemporaryDirectory(prefix="kb-check-"), None
    with temp as folder:
        root = Path(folder)
        if live is not None:
            (root / "builds").mkdir()
            (root / "current").symlink_to(live)
        yield root


def _remove_abandoned(parent: Path) -> None:
    """Remove throwaway roots left beside the index by a ``kb check`` that was killed: each is named
    after the process that made it, and one whose process is gone is nobody's (they cost hundreds
    of MB at 20,000 articles)."""
    for folder in parent.glob(".kb-check-*-*"):
        pid = folder.name.removeprefix(".kb-check-").split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
