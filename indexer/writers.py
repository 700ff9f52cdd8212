"""A full build's index writers: each process analyses a consecutive share of the articles and
writes it as one Whoosh segment with its statistics, a batch of articles at a time.

Why (issue 16): analysing the whole corpus first and writing it after left a core idle in each
phase (Kiwi's batch call ran on two threads while one Python thread turned their tokens into
terms; the writer processes started only after the last text) and held every article's analysis
in memory at once (3.5 GB at 20,000 articles). Here a writer takes ``BATCH`` articles, gets their
texts' analyses from the analysis cache or from Kiwi, adds the articles to its segment and
forgets the analyses: both cores analyse and write until the end, and memory holds one batch.

Kiwi is loaded once, before the fork: the writers share its model (~500 MB) copy-on-write and
call it one text at a time (the batch call's worker threads do not survive a fork). A writer
adds the analyses it made to the cache itself; the build then prunes the cache to the corpus.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import queue
import signal
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.index import TOC, clean_files

from indexer import analysis_cache
from indexer.analysis import Analysis, pinned, reusing_terms, unknown_word_id
from indexer.common import CommonCounts
from indexer.direct_writer import DirectWriter
from indexer.postings import FIELDS, SegmentPostings, sidecar_path
from indexer.schema import IndexDoc, to_fields
from indexer.tables import count_common

Progress = Callable[[int, int], None]

PARALLEL_MIN_DOCUMENTS = 2000  # below this, starting writer processes costs more than it saves
MAX_WRITERS = 2
BATCH = 50  # articles analysed, then written, at a time by a writer process
# Shares of a writer's time, so that the progress bar's estimate covers the whole build: adding
# the articles (analysis included) counts one per article, the segment's commit (the direct
# writer's postings written) and the build's tables after it these. Measured with the direct
# writer and the count beside the writers: commit ~2.3 s after ~47 s of articles at 5,000; tables
# and app files ~3 s after ~145 s at 20,000.
COMMIT_SHARE = 0.05
TABLES_SHARE = 0.02


def doc_texts(doc: IndexDoc) -> tuple[str, ...]:
    """The texts of ``doc`` a build analyses: the values the writer analyses (questions and tags
    joined, one field value each), and each question and tag alone (the static export reads
    those from the cache)."""
    return (doc.title, doc.body, "\n".join(doc.questions), "\n".join(doc.tags), *doc.questions, *doc.tags)


def writer_processes(documents: int) -> int:
    """Processes for a full build: one per core for a large corpus, only where forking is safe (no
    other Python thread that could hold a lock at the fork: not inside a running server)."""
    if documents < PARALLEL_MIN_DOCUMENTS or threading.active_count() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(MAX_WRITERS, os.cpu_count() or 1))


def add_documents(
    writer,
    docs: Sequence[IndexDoc],
    digests: Mapping[str, str],
    progress: Progress | None,
    analyses_of: Callable[[Sequence[IndexDoc]], Mapping[str, Analysis]] | None = None,
) -> SegmentPostings:
    """Add ``docs`` to ``writer``; their statistics as the writer tokenizes them (once: ``reusing_terms``).

    ``writer``: a ``DirectWriter`` (``direct_writer``: a full build) is given each field's terms,
    Whoosh's own writer (an incremental build) the documents. ``analyses_of(batch)``: the
    analyses of a batch's texts, served while it is written (None: the caller pinned every
    text's analysis already)."""
    collector = SegmentPostings.Collector()
    schema = writer.schema
    direct = isinstance(writer, DirectWriter)

    def tokens(fieldname: str, value: str) -> list[str]:
        return schema[fieldname].analyzer.texts(value)

    step = BATCH if analyses_of else max(1, len(docs))
    with reusing_terms() as memo:
        for start in range(0, len(docs), step):
            batch = docs[start : start + step]
            with pinned(analyses_of(batch) if analyses_of else {}):
                for done, doc in enumerate(batch, start + 1):
                    fields = to_fields(doc)
                    if direct:
                        collector.add_counts(fields, digests[doc.id], writer.add_fields(fields, tokens))
                    else:
                        collector.add(fields, digests[doc.id], tokens)
                        writer.add_document(**fields)
                    memo.clear()
                    if progress:
                        progress(done, len(docs))
    return collector.result()


def full_build_writer(ix, **kwargs) -> DirectWriter:
    """The writer of a full build's segment: fed the terms the build already made of each field."""
    return DirectWriter(ix, FIELDS, **kwargs)


def write_in_processes(
    ix,
    docs: Sequence[IndexDoc],
    digests: Mapping[str, str],
    folder: Path,
    cache: Path,
    progress: Progress | None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[int, int]:
    """Analyse and write ``docs`` in one process per core, a segment each; returns (texts sent to
    Kiwi, distinct texts). Progress counts articles, then each segment's commit and the tables
    after it as ``COMMIT_SHARE`` and ``TABLES_SHARE`` of the articles.

    ``meanwhile``: work for this process once the first writer is done. The writers seldom end
    together (2-4 s apart at 20,000), and a core is free until the last one does."""
    writers = writer_processes(len(docs))
    wanted = {analysis_cache.text_key(t) for doc in docs for t in doc_texts(doc) if t and t.strip()}
    known = analysis_cache.cached_keys(cache)
    if wanted - known:  # loaded here, before the fork: the writers share the model
        unknown_word_id()
    context = multiprocessing.get_context("fork")
    bounds = [len(docs) * i // writers for i in range(writers + 1)]
    done = context.Array("i", writers)
    results = context.Queue()
    children = [
        context.Process(
            target=_write_share,
            args=(str(folder), docs[bounds[i] : bounds[i + 1]], digests, i, done, results, cache, known),
        )
        for i in range(writers)
    ]
    for child in children:
        child.start()
    total = round(len(docs) * (1 + COMMIT_SHARE + TABLES_SHARE))
    reports: dict[int, tuple] = {}
    try:
        while len(reports) < writers:
            try:
                number, segment, analysed = results.get(timeout=0.2)
                reports[number] = (segment, analysed)
                if meanwhile is not None:
                    meanwhile()
                    meanwhile = None
            except queue.Empty:
                if any(c.exitcode not in (None, 0) for c in children):
                    raise RuntimeError("an index writer process failed") from None
            if progress:
                progress(sum(done[:]), total)
        for child in children:
            child.join()
    finally:
        for child in children:
            if child.is_alive():
                child.kill()
                child.join()
    segments = [reports[i][0] for i in range(writers)]
    toc_generation = ix.latest_generation() + 1
    TOC(ix.schema, segments, toc_generation).write(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, toc_generation, segments)
    analysis_cache.prune(cache, wanted)
    # texts not in the cache (each writer reports what it sent to Kiwi, but a text of both shares
    # went to Kiwi twice)
    return len(wanted - known), len(wanted)


class BackgroundCount:
    """The common-string count of a full build, made in a process of its own while the writers run.

    Why: counting every article's strings from nothing (``tables.count_common``) took ~13 s on
    one core at 20,000 articles after the writers, with the other core idle (the rest of the
    tables: ~3 s). It needs only the articles' texts, so it starts with the writers and shares the
    cores with them (at a lower priority it would only start when they end, and the tables would
    wait for it). The counts come back through a file in the build folder (removed once read)."""

    def __init__(self, docs: Sequence[IndexDoc], folder: Path):
        self.path = Path(folder) / "common-counts.partial.npz"
        self.process = multiprocessing.get_context("fork").Process(target=_count_common, args=(docs, str(self.path)))
        self.process.start()

    def result(self) -> CommonCounts | None:
        """The counts (None for a corpus too small to keep them), once the process is done."""
        self.process.join()
        try:
            if self.process.exitcode != 0:
                raise RuntimeError(f"the common-string count failed (exit code {self.process.exitcode})")
            return CommonCounts.load(self.path) if self.path.exists() else None
        finally:
            self.path.unlink(missing_ok=True)

    def stop(self) -> None:
        """A failed build: the count is not needed."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.path.unlink(missing_ok=True)


def _count_common(docs: Sequence[IndexDoc], path: str) -> None:
    forked_worker()
    counts = count_common(docs)
    if counts is not None:
        counts.save(path + ".tmp")
        os.rename(path + ".tmp", path)


def finished(progress: Progress | None, documents: int) -> None:
    """The tables are written: the bar of ``write_in_processes`` is full."""
    if progress:
        total = round(documents * (1 + COMMIT_SHARE + TABLES_SHARE))
        progress(total, total)


def forked_worker() -> None:
    """The start of a process a full build forks: it dies with the build, and its garbage
    collector leaves alone what it inherited. Why the second: the build's 20,000 articles and
    documents are never garbage here, yet each full collection walked all of them (~0.15 s,
    about two per 1,000 articles a writer adds at 20,000: ~3 s of each writer) and wrote to
    every object it walked, copying the parent's pages into the writer."""
    _die_with_parent()
    gc.freeze()


def _die_with_parent() -> None:
    """A writer left alone by a killed build would spend minutes writing for nobody. A build
    killed before this ran (right after the fork) sends no signal: then this process is
    already someone else's child and stops here."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(1)


def _write_share(folder: str, docs, digests, number: int, done, results, cache: Path, known: set[str]) -> None:
    """A writer process: analyse and add ``docs`` a batch at a time, commit one segment and save its
    statistics, report (number, segment, texts sent to Kiwi) on ``results``."""
    forked_worker()
    ix = whoosh_index.open_dir(folder)
    # Each writer spills its posting runs to its own temporary folder (Whoosh names it after the
    # index: the first writer to finish would remove the other's runs).
    shared = ix.storage.temp_storage
    ix.storage.temp_storage = lambda name=None: shared(f"writer{number}.tmp")
    writer = full_build_writer(ix, _lk=False)
    store = analysis_cache.Store(cache, known)
    texts = Counter(t for doc in docs for t in dict.fromkeys(doc_texts(doc)) if t and t.strip())
    repeated: dict[str, Analysis] = {}  # texts of several articles (tags, titles): analysed once

    def analyses_of(batch: Sequence[IndexDoc]) -> dict[str, Analysis]:
        wanted = dict.fromkeys(t for doc in batch for t in doc_texts(doc) if t and t.strip())
        found = store.analyses([t for t in wanted if t not in repeated])
        repeated.update((t, a) for t, a in found.items() if texts[t] > 1)
        return {t: repeated[t] if t in repeated else found[t] for t in wanted}

    def told(count: int, _total: int) -> None:
        done[number] = count

    postings = add_documents(writer, docs, digests, told, analyses_of)
    store.close()
    commit_units = COMMIT_SHARE * len(docs)
    _count_commit(writer, postings, lambda share: told(len(docs) + round(commit_units * share), 0))
    segment = writer._finalize_segment()
    writer._finish()
    postings.save(sidecar_path(Path(folder), segment.segment_id()))
    results.put((number, segment, store.analysed))


def _count_commit(writer, postings: SegmentPostings, told: Callable[[float], None]) -> None:
    """Report the share of the segment's terms Whoosh has written while it commits (per term, not
    per posting: a posting is too small a thing to count in Python)."""
    per_field = postings.field.astype(np.int64) * max(1, len(postings.vocabulary)) + postings.term
    terms = len(np.unique(per_field)) + len(set(postings.ids)) + 2 * len(set(postings.categories))
    finish_term = writer.fieldwriter.finish_term
    written = 0

    def counted(*args, **kwargs):
        nonlocal written
        written += 1
        if written % 2000 == 0:
            told(min(1.0, written / max(1, terms)))
        return finish_term(*args, **kwargs)

    writer.fieldwriter.finish_term = counted
