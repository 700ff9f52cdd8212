"""Per-segment term statistics, kept beside each Whoosh segment: what every table is derived from.

Why: BM25F weights depend on the whole corpus (N, document frequencies, average lengths), so one
changed article changes every weight of the score table, and reading the statistics back off the
Whoosh segments means unpickling every posting block (minutes at 20,000 articles). So each
segment gets a sidecar, written once when the segment is written and as immutable as it (the next
build hard-links both): per (field, term, document) the term frequency, per (field, document) the
length, and per document its id, category, audience and content digest. A build derives the score
table, vocabularies and query-term weights from the sidecars of its segments and the deletions in
Whoosh's TOC, vectorised in numpy, counting only live documents: the numbers a full build of the
same articles computes, whatever segments they sit in.

Layout: ``segments/<segment id>.npz`` in the build folder (uncompressed arrays, one JSON ``meta``).
A saved segment is canonical: its vocabulary in code point order and its rows sorted by (kind,
term, document, field), kind being Kiwi terms or n-grams. Why: every segment's rows are then
already in the score table's order (term rows, documents ascending), and so is the join of
several segments once their vocabularies are merged in order; deriving the tables again after an
edit is one vectorised pass over the rows, with no sort of millions of them
(``indexer/scoring.py``'s ``table_from_postings``).
"""

from __future__ import annotations

import json
import os
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import TypeVar

import numpy as np

from indexer.query import FIELD_WEIGHTS, NGRAM_WEIGHTS

T = TypeVar("T")

FIELDS = (*FIELD_WEIGHTS, *NGRAM_WEIGHTS)  # title, questions, tags, body, head_ng, body_ng
SEGMENTS = "segments"
FORMAT = 2  # 2: canonical order (format 1 is put in order when loaded)
KINDS = len(FIELD_WEIGHTS)  # fields before this index hold Kiwi terms, the rest n-grams


@dataclass
class SegmentPostings:
    """The statistics of one segment's documents, by local document number."""

    ids: list[str]
    categories: list[str]
    audiences: list[str]
    digests: list[str]
    vocabulary: list[str]  # local term id -> term (one vocabulary for every field)
    field: np.ndarray  # int8, index into FIELDS
    term: np.ndarray  # int32, local term id
    doc: np.ndarray  # int32, local document number
    tf: np.ndarray  # int32
    lengths: np.ndarray  # int32, shape (len(FIELDS), documents): tokens per field

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def run_starts(self) -> np.ndarray:
        """The first row of each run of one (kind, term, document): a joined corpus takes these of
        its segments (the big ones are the same objects save after save) instead of comparing all
        its rows again (``Corpus.groups``)."""
        return _run_starts(self.term, self.doc, self.field >= KINDS)

    @classmethod
    def empty(cls) -> SegmentPostings:
        nothing = np.empty(0, np.int32)
        return cls(
            [], [], [], [], [], nothing.astype(np.int8), nothing, nothing, nothing, np.zeros((len(FIELDS), 0), np.int32)
        )

    # ------------------------------------------------------------------ writing
    class Collector:
        """Collects one document at a time, as the index writer is given them."""

        def __init__(self):
            self.ids: list[str] = []
            self.categories: list[str] = []
            self.audiences: list[str] = []
            self.digests: list[str] = []
            self.words: dict[str, int] = {}
            # compact arrays, not lists: 20,000 articles make millions of postings
            self.field = array("b")
            self.term = array("i")
            self.doc = array("i")
            self.tf = array("i")
            self.lengths = array("i")

        def add(self, fields: Mapping[str, str], digest: str, tokens: Callable[[str, str], Sequence[str]]) -> None:
            """``tokens(fieldname, value)``: the terms the index writer makes of the value."""
            self.add_counts(
                fields, digest, {name: Counter(tokens(name, fields[name])) for name in FIELDS if fields.get(name)}
            )

        def add_counts(self, fields: Mapping[str, str], digest: str, counts: Mapping[str, Mapping[str, int]]) -> None:
            """``counts``: per field, term -> frequency in this document (a field left out holds none)."""
            n = len(self.ids)
            self.ids.append(fields["id"])
            self.categories.append(fields["category"])
            self.audiences.append(fields["audience"])
            self.digests.append(digest)
            words = self.words
            nothing: Mapping[str, int] = {}
            for f, name in enumerate(FIELDS):
                counts_of = counts.get(name, nothing)
                self.lengths.append(sum(counts_of.values()))
                self.term.extend(words.setdefault(word, len(words)) for word in counts_of)
                self.tf.extend(counts_of.values())
                self.field.extend([f] * len(counts_of))
                self.doc.extend([n] * len(counts_of))

        def result(self) -> SegmentPostings:
            lengths = np.frombuffer(self.lengths, dtype=np.int32).reshape(-1, len(FIELDS)).T.copy()
            return SegmentPostings(
                self.ids,
                self.categories,
                self.audiences,
                self.digests,
                list(self.words),
                np.frombuffer(self.field, dtype=np.int8).copy(),
                np.frombuffer(self.term, dtype=np.int32).copy(),
                np.frombuffer(self.doc, dtype=np.int32).copy(),
                np.frombuffer(self.tf, dtype=np.int32).copy(),
                lengths,
            )

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike) -> None:
        self = self.canonical()
        meta = {
            "format": FORMAT,
            "fields": list(FIELDS),
            "ids": self.ids,
            "categories": self.categories,
            "audiences": self.audiences,
            "digests": self.digests,
            "vocabulary": self.vocabulary,
        }
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            np.savez(
                out,
                meta=np.array(json.dumps(meta, ensure_ascii=False)),
                field=self.field,
                term=self.term,
                doc=self.doc,
                tf=self.tf,
                lengths=self.lengths,
            )

    @classmethod
    def load(cls, path: str | os.PathLike) -> SegmentPostings:
        with np.load(path) as arrays:
            meta = json.loads(str(arrays["meta"]))
            if meta["format"] not in (1, FORMAT) or meta["fields"] != list(FIELDS):
                raise ValueError(f"{path}: postings written by another version")
            loaded = cls(
                meta["ids"],
                meta["categories"],
                meta["audiences"],
                meta["digests"],
                meta["vocabulary"],
                arrays["field"],
                arrays["term"],
                arrays["doc"],
                arrays["tf"],
                arrays["lengths"],
            )
        return loaded if meta["format"] == FORMAT else loaded.canonical()

    def canonical(self) -> SegmentPostings:
        """The same statistics, vocabulary in code point order, rows by (kind, term, document, field)."""
        words = sorted(self.vocabulary)
        if words != self.vocabulary:
            index = {w: i for i, w in enumerate(words)}
            remap = np.fromiter((index[w] for w in self.vocabulary), np.int32, len(words))
            term = remap[self.term] if len(self.term) else self.term
        else:
            term = self.term
        field = self.field.astype(np.int64)
        key = (((field >= KINDS) * len(words) + term) * max(len(self.ids), 1) + self.doc) * len(FIELDS) + field
        if len(key) and np.all(key[1:] > key[:-1]):
            order = None  # already in order (a loaded segment)
        else:
            order = np.argsort(key)
        take = (lambda a: a) if order is None else (lambda a: a[order])
        return SegmentPostings(
            self.ids,
            self.categories,
            self.audiences,
            self.digests,
            words,
            take(self.field),
            take(term).astype(np.int32),
            take(self.doc),
            take(self.tf),
            self.lengths,
        )

    # ------------------------------------------------------------------ reshaping
    def take(self, docs: Sequence[int]) -> SegmentPostings:
        """These local documents, renumbered 0.. in the order given (what a merge copies)."""
        docs = np.asarray(docs, dtype=np.int64)
        renumber = np.full(len(self.ids), -1, dtype=np.int64)
        renumber[docs] = np.arange(len(docs))
        kept = renumber[self.doc] >= 0
        order = np.argsort(renumber[self.doc[kept]], kind="stable")
        return SegmentPostings(
            [self.ids[i] for i in docs],
            [self.categories[i] for i in docs],
            [self.audiences[i] for i in docs],
            [self.digests[i] for i in docs],
            self.vocabulary,
            self.field[kept][order],
            self.term[kept][order],
            renumber[self.doc[kept]][order].astype(np.int32),
            self.tf[kept][order],
            self.lengths[:, docs],
        )

    @staticmethod
    def concat(parts: Sequence[SegmentPostings]) -> SegmentPostings:
        """One segment's statistics from several, documents numbered in order of ``parts``.

        The vocabulary is the union in code point order: canonical parts stay in order part by
        part (a term's rows: the first part's documents, then the next part's)."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return SegmentPostings.empty()
        vocabularies = [p.vocabulary for p in parts]
        same = all(v == vocabularies[0] for v in vocabularies)
        words = vocabularies[0] if same else sorted(set().union(*vocabularies))
        index = {w: i for i, w in enumerate(words)}
        terms, docs, base = [], [], 0
        for part in parts:
            remap = np.fromiter((index[w] for w in part.vocabulary), np.int32, len(part.vocabulary))
            terms.append(remap[part.term] if len(part.term) else part.term)
            docs.append(part.doc + base)
            base += len(part)
        return SegmentPostings(
            [i for p in parts for i in p.ids],
            [c for p in parts for c in p.categories],
            [a for p in parts for a in p.audiences],
            [d for p in parts for d in p.digests],
            list(words),
            np.concatenate([p.field for p in parts]),
            np.concatenate(terms).astype(np.int32),
            np.concatenate(docs).astype(np.int32),
            np.concatenate([p.tf for p in parts]),
            np.concatenate([p.lengths for p in parts], axis=1),
        )


def sidecar_path(build: Path, segment_id: str) -> Path:
    return Path(build) / SEGMENTS / f"{segment_id}.npz"


@dataclass
class Corpus:
    """Every segment's statistics side by side, by (Whoosh) document number; deleted documents
    are there but not ``live``."""

    ids: list[str]
    categories: list[str]
    audiences: list[str]
    digests: list[str]
    live: np.ndarray  # bool per document number
    vocabulary: list[str]
    field: np.ndarray
    term: np.ndarray
    doc: np.ndarray
    tf: np.ndarray
    lengths: np.ndarray  # (len(FIELDS), documents)
    run_starts: np.ndarray | None = None  # of ``groups``, when the segments knew theirs

    @classmethod
    def join(cls, segments: Sequence[tuple[SegmentPostings, Sequence[int]]]) -> Corpus:
        """``segments``: each segment's statistics and its deleted local document numbers, in
        Whoosh's segment order (document numbers run on from one segment to the next)."""
        joined = SegmentPostings.concat([s for s, _ in segments])
        starts, rows = [], 0
        wide = sum(len(segment.term) for segment, _ in segments) >= 2**31
        for segment, _ in segments:  # a run never spans two segments: their documents differ
            starts.append((segment.run_starts.astype(np.int64) if wide else segment.run_starts) + rows)
            rows += len(segment.term)
        live = np.ones(len(joined), dtype=bool)
        base = 0
        for segment, deleted in segments:
            if len(deleted):
                live[base + np.asarray(list(deleted), dtype=np.int64)] = False
            base += len(segment)
        ids = [i if alive else "" for i, alive in zip(joined.ids, live, strict=True)]
        categories = [c if alive else "" for c, alive in zip(joined.categories, live, strict=True)]
        audiences = [a if alive else "" for a, alive in zip(joined.audiences, live, strict=True)]
        return cls(
            ids,
            categories,
            audiences,
            joined.digests,
            live,
            joined.vocabulary,
            joined.field,
            joined.term,
            joined.doc,
            joined.tf,
            joined.lengths,
            np.concatenate(starts) if starts else None,
        )

    @property
    def documents(self) -> int:
        return len(self.ids)

    @cached_property
    def term_rank(self) -> np.ndarray:
        """Each term id's place in code point order: the ids themselves, as the vocabulary is
        sorted (canonical sidecars), checked once per Corpus (it took ~0.04 s, three times a save)."""
        words = self.vocabulary
        if any(a >= b for a, b in pairwise(words)):  # never for sidecars of FORMAT 2; kept honest
            order = np.array(sorted(range(len(words)), key=words.__getitem__), dtype=np.int64)
            rank = np.empty_like(order)
            rank[order] = np.arange(len(order))
            return rank
        return np.arange(len(words))

    def frequencies(self, docs: np.ndarray | None = None) -> np.ndarray:
        """(field, term) -> live documents (among ``docs``, a bool mask, if given) holding the term.
        Of all live documents: counted once per Corpus (the tables and the scores both need them).
        Read-only."""
        if docs is None:
            return self._live_frequencies
        return self._count(self.live & docs)

    @cached_property
    def _live_frequencies(self) -> np.ndarray:
        return self._count(self.live)

    def _count(self, chosen: np.ndarray) -> np.ndarray:
        width = len(self.vocabulary)
        cells = len(FIELDS) * width

        def count(part: slice) -> np.ndarray:
            sel = chosen[self.doc[part]]
            key = self.field[part][sel].astype(np.int64) * width + self.term[part][sel]
            return np.bincount(key, minlength=cells)

        return sum(on_threads(len(self.doc), count), np.zeros(cells, dtype=np.int64)).reshape(len(FIELDS), width)

    @cached_property
    def groups(self) -> Groups:
        """The rows grouped by (kind, term, document): one posting of a score row each."""
        term, doc = self.term, self.doc
        if not len(term):
            nothing = np.empty(0, np.int64)
            return Groups(nothing, nothing, nothing.astype(np.int32), nothing.astype(np.int32), nothing.astype(bool))
        start = self.run_starts if self.run_starts is not None else _run_starts(term, doc, self.field >= KINDS)
        size = np.diff(np.append(start, len(term))).astype(np.int8)  # one row per field at most
        return Groups(start, size, term[start], doc[start], self.field[start] >= KINDS)


def _run_starts(term: np.ndarray, doc: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """First row of each run of rows with the same (kind, term, document)."""
    index = np.int32 if len(term) < 2**31 else np.int64  # 40 million rows at 100,000 articles: halves these
    if not len(term):
        return np.empty(0, index)
    new = np.ones(len(term), dtype=bool)
    new[1:] = (term[1:] != term[:-1]) | (doc[1:] != doc[:-1]) | (kind[1:] != kind[:-1])
    return np.flatnonzero(new).astype(index)


@dataclass
class Groups:
    """Runs of a corpus' rows with the same (kind, term, document), fields ascending inside a run.

    Rows are canonical per segment and segments follow each other, so a kind's runs are sorted by
    term within each segment, and by document within a term."""

    start: np.ndarray  # first row of each run
    size: np.ndarray  # rows in it (at most one per field)
    term: np.ndarray
    doc: np.ndarray
    kind: np.ndarray  # True for n-grams

    def __len__(self) -> int:
        return len(self.start)

    @cached_property
    def _later(self) -> list[tuple[np.ndarray, np.ndarray]]:
        later = []
        for j in range(1, int(self.size.max(initial=0))):
            runs = np.flatnonzero(self.size > j).astype(self.start.dtype)
            later.append((runs, self.start[runs] + j))
        return later

    def later_rows(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """For the 2nd, 3rd, ... row of the runs that have one: (those runs, that row of each)."""
        return self._later


CHUNK = 1 << 22  # rows handled at once by passes that make temporary arrays (bounds memory at 100,000 articles)


def _chunks(rows: int, size: int = CHUNK):
    return (slice(i, min(i + size, rows)) for i in range(0, max(rows, 1), size))


THREADS = min(4, os.cpu_count() or 1)  # this machine's cores; past 4 the passes wait on memory, not on cores
PARALLEL_ROWS = 1 << 20  # fewer rows than this are not worth a thread
THREAD_PART = 1 << 20  # rows per part on a thread: small temporaries (each thread keeps what it freed)


def on_threads(rows: int, work: Callable[[slice], T]) -> list[T]:
    """``work(part)`` for consecutive parts of ``rows`` (at most ``THREAD_PART`` each), on ``THREADS``
    threads, results in order. Why: numpy lets go of the interpreter's lock, so a save's float and
    counting passes over ~8 million rows use the second core; each element is computed as it is
    on one thread, so the results are bitwise the same."""
    if rows < PARALLEL_ROWS:
        return [work(part) for part in _chunks(rows)]
    size = min(THREAD_PART, -(-rows // THREADS))
    with ThreadPoolExecutor(THREADS, thread_name_prefix="kb-rows") as pool:
        return list(pool.map(work, _chunks(rows, size)))


def read_corpus(build: Path) -> Corpus | None:
    """The statistics of a build's live documents: its segments' sidecars and the deletions in its
    TOC. None for a build without sidecars (made before they existed)."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(build))
    try:
        segments = ix._segments()
        paths = [sidecar_path(build, s.segment_id()) for s in segments]
        if not all(p.exists() for p in paths):
            return None
        return Corpus.join([(load_segment(p), list(s.deleted_docs())) for s, p in zip(segments, paths, strict=True)])
    finally:
        ix.close()


_loaded: OrderedDict[tuple[int, int, int, int], SegmentPostings] = OrderedDict()  # file identity -> statistics
KEEP_LOADED = 4  # a full build's two big segments and a small one, and one spare


def load_segment(path: Path) -> SegmentPostings:
    """A segment's statistics, loaded once per process: the big segments are the same file (a hard
    link) in every build after a save, and reading 100 MB of them again cost a watcher a third of
    a second per save. Keyed by the file's identity; sidecars are never written again."""
    stat = path.stat()
    key = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    found = _loaded.get(key)
    if found is None:
        found = _loaded[key] = SegmentPostings.load(path)
        while len(_loaded) > KEEP_LOADED:
            _loaded.popitem(last=False)
    else:
        _loaded.move_to_end(key)
    return found
