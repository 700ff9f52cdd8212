"""A full build's writer processes (indexer/writers.py): each analyses and writes its share at once."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import indexer.writers as writers
from indexer import analysis_cache, live_path, verify_build
from indexer.analysis import analyze_batch
from indexer.build import ANALYZER_VERSION
from kb.corpus import load_corpus
from kb.indexing import build, to_index_doc
from tests.conftest import REPO


@pytest.fixture
def articles(tmp_path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(REPO / "articles", folder)
    return folder


@pytest.fixture
def parallel(monkeypatch):
    """The sample corpus written as a large one is: two writer processes."""
    monkeypatch.setattr(writers, "PARALLEL_MIN_DOCUMENTS", 10)
    monkeypatch.setattr(writers.threading, "active_count", lambda: 1)  # whatever else pytest runs


def test_writers_save_what_kiwi_made_and_the_next_build_reads_it(articles, tmp_path, parallel):
    index = tmp_path / "ix"
    cold = build(articles, index)
    assert "analyse and index" in cold.steps and len(list(Path(cold.path).glob("*.seg"))) == 2
    assert cold.analysed == cold.texts > 100
    assert len(analysis_cache.cached_keys(analysis_cache.cache_file(index, ANALYZER_VERSION))) == cold.texts
    warm = build(articles, index, force=True)
    assert warm.analysed == 0 and warm.texts == cold.texts
    # what a writer process saved (Kiwi inherited over the fork, one text at a time) is what
    # Kiwi's batch call makes in this process
    docs = [to_index_doc(a) for a in load_corpus(articles).articles]
    texts = [docs[0].title, docs[0].body, docs[-1].title, docs[-1].body]
    saved = dict(analysis_cache.iter_cached(texts, index, ANALYZER_VERSION))
    assert saved == analyze_batch(texts)


def test_the_common_strings_are_counted_beside_the_writers(articles, tmp_path, parallel, monkeypatch):
    import indexer.common
    import indexer.tables
    from indexer.common import CommonCounts

    monkeypatch.setattr(indexer.common, "MIN_COUNTED", 10)  # counts kept for the sample, as for a large corpus

    def not_here(docs):
        raise AssertionError("counted in the build's own process")

    monkeypatch.setattr(indexer.tables, "count_common", not_here)  # the count process has its own reference
    info = build(articles, tmp_path / "ix")
    folder = Path(info.path)
    assert not list(folder.rglob("*.partial.npz*"))
    docs = [to_index_doc(a) for a in load_corpus(articles).articles]
    expected = writers.count_common(docs)
    got = CommonCounts.load(folder / "tables" / "common-counts.npz")
    assert got.strings == expected.strings and "카드" in got.strings and got.ids == expected.ids
    assert got.counts.tolist() == expected.counts.tolist() and got.holds.tolist() == expected.holds.tolist()
    assert json.loads((folder / "tables" / "common.json").read_text(encoding="utf-8")) == expected.common()


def test_a_failed_count_fails_the_build_and_leaves_the_live_one(articles, tmp_path, parallel, monkeypatch):
    index = tmp_path / "ix"
    live = Path(build(articles, index).path)

    def crash(docs):
        os._exit(3)

    monkeypatch.setattr(writers, "count_common", crash)
    with pytest.raises(RuntimeError, match="common-string count failed"):
        build(articles, index, force=True)
    assert live_path(index) == live and verify_build(live) and not list((index / "builds").glob("*.tmp"))


COUNT_KILLER = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    import indexer.writers as writers

    writers.count_common = lambda docs: time.sleep(60)  # a count that outlives its build
    counting = writers.BackgroundCount([], Path(sys.argv[1]))
    print(counting.process.pid, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_the_count_process_dies_with_a_killed_build(tmp_path):
    assert not outlives_its_killed_build([sys.executable, "-c", COUNT_KILLER, str(tmp_path)])


def test_suggestions_are_made_while_the_last_writer_finishes(articles, tmp_path, parallel, monkeypatch):
    """A full build makes the suggestion rows in its own process once a writer is done (the other
    still writing), not in the table step after both; the same rows as a build in one process."""
    import indexer.tables

    calls: list[tuple[int, int]] = []
    original = indexer.tables.suggestion_chunks

    def recording(docs):
        calls.append((len(docs), os.getpid()))
        return original(docs)

    monkeypatch.setattr(indexer.tables, "suggestion_chunks", recording)
    two = Path(build(articles, tmp_path / "two").path)
    documents = len(load_corpus(articles).articles)
    assert calls == [(documents, os.getpid()), (0, os.getpid())]  # all made beside, none left for the tables
    monkeypatch.setattr(writers, "PARALLEL_MIN_DOCUMENTS", 10_000)
    one = Path(build(articles, tmp_path / "one").path)
    for name in ("suggestions.json", "suggestions-index.json"):
        assert (two / "tables" / name).read_bytes() == (one / "tables" / name).read_bytes()


def test_progress_moves_forward_to_a_full_bar(articles, tmp_path, parallel):
    seen: list[tuple[int, int]] = []
    build(articles, tmp_path / "ix", progress=lambda done, total: seen.append((done, total)))
    totals = {total for _, total in seen}
    assert len(totals) == 1 and totals.pop() > 76  # the articles, the commits and the tables
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == seen[-1][1] and done[0] < done[-1]


KILLER = textwrap.dedent(
    """
    import multiprocessing, os, signal, sys
    from pathlib import Path
    import indexer.writers as writers
    from kb.indexing import build

    writers.PARALLEL_MIN_DOCUMENTS = 10

    def die(done, total):
        children = multiprocessing.active_children()
        if children:
            print(" ".join(str(c.pid) for c in children), flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    build(Path(sys.argv[1]), Path(sys.argv[2]), force=True, progress=die)
    """
)


def test_a_killed_parallel_build_leaves_the_live_build_and_no_writer_behind(articles, tmp_path):
    index = tmp_path / "ix"
    live = Path(build(articles, index).path)
    result = subprocess.run(
        [sys.executable, "-c", KILLER, str(articles), str(index)], cwd=REPO, capture_output=True, timeout=300
    )
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    pids = [int(p) for p in result.stdout.split()]
    assert len(pids) in (2, 3)  # the writers, and the common-string count unless it was done already
    deadline = time.monotonic() + 30
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(pid) for pid in pids)  # the writers died with the build
    assert live_path(index) == live and verify_build(live)
    after = build(articles, index, force=True)
    assert verify_build(Path(after.path)) and not list((index / "builds").glob("*.tmp"))


def test_a_forked_worker_leaves_what_it_inherited_to_the_build(tmp_path):
    """A writer's collections never walk the build's articles and documents (gc.freeze): they
    are not garbage there, and walking them copied the parent's pages into every writer."""
    inherited = [[n] for n in range(3)]  # containers the build made before the fork
    context = multiprocessing.get_context("fork")
    seen = context.Queue()

    def worker():
        tracked = any(o is inherited for o in gc.get_objects())
        writers.forked_worker()
        seen.put((tracked, any(o is inherited for o in gc.get_objects()), gc.get_freeze_count()))

    child = context.Process(target=worker)
    child.start()
    before, after, frozen = seen.get(timeout=60)
    child.join(timeout=60)
    assert child.exitcode == 0
    assert before and not after and frozen > 0
    assert any(o is inherited for o in gc.get_objects())  # the build's own process collects as usual


def _running(pid: int) -> bool:
    """Alive and not a zombie (a dead child nobody has reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def outlives_its_killed_build(command: list[str]) -> bool:
    """Run ``command``: a build that prints the pid of a process it forked, then kills itself.
    Whether that process is still running 20 s later (then it is killed, not left behind)."""
    build = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE)
    with build.stdout:  # not read to its end: an orphaned child would hold it open
        pid = int(build.stdout.readline())
        assert build.wait(timeout=60) == -signal.SIGKILL
        deadline = time.monotonic() + 20
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        alive = _running(pid)
        if alive:
            os.kill(pid, signal.SIGKILL)
    return alive
