"""Precomputed scores: term -> (documents, field-weighted BM25F weight), read off a Whoosh build.

Why: Whoosh scores a query by walking postings in Python, one matcher per (field, term) and a
call per posting; at 20,000 articles that is most of a query's time. Each (field, term,
document) score depends only on the build, so the sum over fields for one term is computed once:

    weight(term, doc) = sum over fields f of  FIELD_WEIGHTS[f] * bm25(idf_f(term), tf, |doc|_f, avg_f)

with Whoosh's own idf (``log(N / (df + 1)) + 1``, N and df counting deleted documents as Whoosh
does), its byte-quantized field lengths and B/K1, and without the (field, term) pairs the live
search skips as too common (``search._without_common_terms``). A query's score is then a
weighted sum of a few rows (``ScoreTable.rank``): array additions, the design bm25s uses.
Whoosh stays the index of record (stored fields, snippets); the table is derived from it.

Layout: one CSR per kind (``terms``: Kiwi terms over title/questions/tags/body; ``grams``:
syllable n-grams over head_ng/body_ng; ``common``: Kiwi terms' scores in the fields where they
are too common, which still count inside a synonym phrase). Each is a read-only mapping
term -> ``Row(docs, weights)`` over three numpy arrays, saved and loaded as one ``.npz``.

API::

    table = open_table(build_folder)                    # read off the Whoosh index
    table = open_table(build_folder, audiences=("public",))   # rows of public articles only
    table.save(path); table = ScoreTable.load(path)     # the build writes it, servers load it
    table.rank(plan, allowed=docnums, limit=200)        # [(docnum, score)], best first
    table.terms["분실"].docs, table.terms["분실"].weights   # the static export's shards
    table.ids[docnum]                                   # article id of a document number
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.query import FIELD_WEIGHTS, NGRAM_WEIGHTS, QueryPlan, weighted_terms

B, K1 = 0.75, 1.2  # as in search.SearchEngine (BM25F(B=0.75, K1=1.2))
COMMON_TERM_SHARE = 0.3
COMMON_TERM_MIN_DOCS = 50
FORMAT = 1


def common_limit(documents: int) -> float:
    """Document frequency above which a (field, term) is too common to score at top level."""
    return max(COMMON_TERM_MIN_DOCS, documents * COMMON_TERM_SHARE)


@dataclass
class Row:
    """One term's postings: ascending document numbers and their summed field-weighted scores."""

    docs: np.ndarray  # int32
    weights: np.ndarray  # float64


class Rows(Mapping[str, Row]):
    """A read-only mapping term -> Row over one CSR (no Python object per posting)."""

    def __init__(self, vocabulary: Sequence[str], indptr: np.ndarray, docs: np.ndarray, weights: np.ndarray):
        self.vocabulary = list(vocabulary)
        self.index = {term: i for i, term in enumerate(self.vocabulary)}
        self.indptr, self.docs, self.weights = indptr, docs, weights

    @classmethod
    def combine(cls, vocabulary: Sequence[str], term_ids: np.ndarray, docs: np.ndarray, weights: np.ndarray) -> Rows:
        """Rows from unordered (term id, doc, weight) triples; duplicates (several fields) are summed."""
        width = int(docs.max(initial=0)) + 1
        unique, inverse = np.unique(term_ids.astype(np.int64) * width + docs, return_inverse=True)
        summed = np.bincount(inverse, weights=weights, minlength=len(unique))
        rows, cols = unique // width, (unique % width).astype(np.int32)
        used, counts = np.unique(rows, return_counts=True)  # terms with at least one posting, in order
        indptr = np.zeros(len(used) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return cls([vocabulary[i] for i in used], indptr, cols, summed)

    def __getitem__(self, term: str) -> Row:
        i = self.index[term]
        start, end = self.indptr[i], self.indptr[i + 1]
        return Row(self.docs[start:end], self.weights[start:end])

    def get(self, term: str, default=None):
        return self[term] if term in self.index else default

    def __contains__(self, term) -> bool:
        return term in self.index

    def __iter__(self) -> Iterator[str]:
        return iter(self.vocabulary)

    def __len__(self) -> int:
        return len(self.vocabulary)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_indptr": self.indptr, f"{prefix}_docs": self.docs, f"{prefix}_weights": self.weights}


def _empty_rows() -> Rows:
    return Rows([], np.zeros(1, np.int64), np.empty(0, np.int32), np.empty(0))


@dataclass
class ScoreTable:
    terms: Mapping[str, Row]  # Kiwi terms over title/questions/tags/body
    grams: Mapping[str, Row]  # syllable n-grams over head_ng/body_ng
    documents: int  # document numbers run from 0 to documents - 1
    ids: list[str] = field(default_factory=list)  # document number -> article id
    skipped: set[tuple[str, str]] = field(default_factory=set)  # (field, term) too common to score
    # The skipped fields' scores of Kiwi terms: the live search drops common terms only from the
    # top-level OR, so inside a synonym phrase (And) they still count.
    common: Mapping[str, Row] = field(default_factory=dict)
    # Document number -> its place in the corpus as given to the build: equal scores rank in that
    # order, so an incremental build (changed articles appended to a new segment) ranks ties as a
    # full build of the same articles does. None: document number order.
    order: np.ndarray | None = None

    def row(self, kind: str, term: str) -> Row | None:
        return (self.terms if kind == "t" else self.grams).get(term)

    def scores(self, plan: QueryPlan) -> np.ndarray:
        """Every document's score for ``plan``: the same sum Whoosh computes for ``to_whoosh(plan)``.

        As in the live search, if only common terms match (1566-1000: in most bodies, no title),
        they are scored after all rather than finding nothing.
        """
        total = self._scores(plan, with_common=False)
        if not total.any() and self.skipped:
            total = self._scores(plan, with_common=True)
        return total

    def _scores(self, plan: QueryPlan, with_common: bool) -> np.ndarray:
        total = np.zeros(self.documents)
        for terms, weight in weighted_terms(plan):
            if len(terms) == 1:
                for row in (self.terms.get(terms[0]), self.common.get(terms[0]) if with_common else None):
                    if row is not None:
                        total[row.docs] += weight * row.weights
                continue
            part = np.zeros(self.documents)
            present = np.ones(self.documents, dtype=bool)
            for term in terms:
                hit = np.zeros(self.documents, dtype=bool)
                for row in (self.terms.get(term), self.common.get(term)):
                    if row is not None:
                        hit[row.docs] = True
                        part[row.docs] += (weight / len(terms)) * row.weights
                present &= hit  # a phrase counts only where all its terms occur
            total += np.where(present, part, 0.0)
        for gram in plan.ngrams:
            row = self.grams.get(gram)
            if row is not None:
                total[row.docs] += row.weights
        return total

    def rank(self, plan: QueryPlan, allowed: Iterable[int] | None = None, limit: int = 200) -> list[tuple[int, float]]:
        """The best ``limit`` (document number, score) pairs, ties by document number as in Whoosh.

        ``allowed``: document numbers to consider, or a boolean array over them (see ``mask``).
        """
        scores = self.scores(plan)
        if allowed is not None:
            scores[~self.mask(allowed)] = 0.0
        matched = np.flatnonzero(scores > 0)
        if len(matched) > limit:  # partial selection: sort only what can make the cut
            values = scores[matched]
            threshold = np.partition(values, len(values) - limit)[len(values) - limit]
            matched = matched[values >= threshold]
        tiebreak = matched if self.order is None else self.order[matched]
        order = matched[np.lexsort((tiebreak, -scores[matched]))][:limit]
        return [(int(n), float(scores[n])) for n in order]

    def mask(self, allowed: Iterable[int] | np.ndarray) -> np.ndarray:
        """A boolean array over document numbers, True for ``allowed``."""
        if isinstance(allowed, np.ndarray) and allowed.dtype == bool:
            return allowed
        out = np.zeros(self.documents, dtype=bool)
        out[np.fromiter(allowed, dtype=np.int64)] = True
        return out

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike) -> None:
        """Write the table to ``path`` (one uncompressed .npz: loading is a few reads)."""
        arrays: dict[str, np.ndarray] = {}
        for name in ("terms", "grams", "common"):
            rows = getattr(self, name)
            rows = rows if isinstance(rows, Rows) else _empty_rows()
            arrays.update(rows.arrays(name))
            arrays[f"{name}_vocabulary"] = np.array(json.dumps(rows.vocabulary, ensure_ascii=False))
        meta = {
            "format": FORMAT,
            "B": B,
            "K1": K1,
            "field_weights": FIELD_WEIGHTS,
            "ngram_weights": NGRAM_WEIGHTS,
            "documents": self.documents,
            "ids": self.ids,
            "skipped": sorted(self.skipped),
        }
        arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
        if self.order is not None:
            arrays["order"] = self.order
        with open(path, "wb") as out:
            np.savez(out, **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike) -> ScoreTable:
        """The table saved at ``path``; ValueError if it was computed with other weights or parameters."""
        with np.load(path) as arrays:
            meta = json.loads(str(arrays["meta"]))
            expected = (FORMAT, B, K1, FIELD_WEIGHTS, NGRAM_WEIGHTS)
            if (meta["format"], meta["B"], meta["K1"], meta["field_weights"], meta["ngram_weights"]) != expected:
                raise ValueError(f"{path}: score table computed with other weights; rebuild the index")
            rows = {
                name: Rows(
                    json.loads(str(arrays[f"{name}_vocabulary"])),
                    arrays[f"{name}_indptr"],
                    arrays[f"{name}_docs"],
                    arrays[f"{name}_weights"],
                )
                for name in ("terms", "grams", "common")
            }
            order = arrays["order"] if "order" in arrays.files else None
        return cls(
            rows["terms"],
            rows["grams"],
            meta["documents"],
            meta["ids"],
            {tuple(pair) for pair in meta["skipped"]},
            rows["common"],
            order,
        )


def build_table(reader, documents: Sequence[int] | None = None) -> ScoreTable:
    """Read the table off an open Whoosh reader (``searcher.reader()``).

    ``documents``: keep only these document numbers in the rows (e.g. public articles); the
    statistics (idf, average lengths) stay those of the whole build, as the live search sees them.
    """
    count = reader.doc_count_all()
    keep = np.zeros(count, dtype=bool)
    leaves = reader.leaf_readers()
    for leaf, offset in leaves:
        for n in range(leaf.doc_count_all()):
            keep[offset + n] = not leaf.is_deleted(n)
    if documents is not None:
        wanted = np.zeros(count, dtype=bool)
        wanted[np.fromiter(documents, dtype=np.int64)] = True
        keep &= wanted
    limit = common_limit(reader.doc_count())
    ids = [""] * count
    for n, stored in reader.iter_docs():
        ids[n] = stored.get("id", "")
    skipped: set[tuple[str, str]] = set()
    kinds: dict[str, Rows] = {}
    for kind, weights in (("terms", FIELD_WEIGHTS), ("grams", NGRAM_WEIGHTS)):
        vocabulary: dict[str, int] = {}
        parts: dict[bool, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {False: [], True: []}
        for fieldname, boost in weights.items():
            postings = _field_postings(reader, leaves, fieldname, keep)
            average = (reader.field_length(fieldname) / count if count else 0) or 1
            lengths = _field_lengths(leaves, fieldname, count)
            for term, df, docs, tf in postings:
                too_common = df > limit
                if too_common:
                    skipped.add((fieldname, term))
                    if kind == "grams":  # n-grams never appear in a phrase: nothing to keep
                        continue
                if not len(docs):
                    continue
                idf = math.log(count / (df + 1)) + 1
                scores = boost * idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths[docs] / average)))
                term_id = vocabulary.setdefault(term, len(vocabulary))
                parts[too_common].append((np.full(len(docs), term_id, dtype=np.int64), docs, scores))
        words = list(vocabulary)
        for common, chunks in parts.items():
            if not chunks:
                kinds[f"{kind}{'_common' if common else ''}"] = _empty_rows()
                continue
            term_ids, docs, scores = (np.concatenate(c) for c in zip(*chunks, strict=True))
            kinds[f"{kind}{'_common' if common else ''}"] = Rows.combine(words, term_ids, docs, scores)
    return ScoreTable(kinds["terms"], kinds["grams"], count, ids, skipped, kinds["terms_common"])


def table_from_fields(rows: Sequence[Mapping[str, str]], schema, ids: Sequence[str]) -> ScoreTable:
    """The table ``build_table`` reads off a fresh index, computed from the field values the writer
    was given instead (document number = position in ``rows``, as in a newly written index).

    Each value is tokenized by the schema's own analyzer, so term frequencies and field lengths
    are the writer's; lengths are quantized to a byte as Whoosh stores them. Reading the index
    back means unpickling and decompressing every posting block: minutes at 20,000 articles,
    where this takes seconds (tests/test_scoring.py checks both give the same table).
    """
    count = len(rows)
    limit = common_limit(count)
    skipped: set[tuple[str, str]] = set()
    kinds: dict[str, Rows] = {}
    for kind, weights in (("terms", FIELD_WEIGHTS), ("grams", NGRAM_WEIGHTS)):
        vocabulary: dict[str, int] = {}
        parts: dict[bool, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {False: [], True: []}
        for fieldname, boost in weights.items():
            analyzer = schema[fieldname].analyzer
            term_ids: list[int] = []
            docs: list[int] = []
            tfs: list[int] = []
            lengths = np.zeros(count)
            for n, fields in enumerate(rows):
                value = fields.get(fieldname)
                if not value:
                    continue
                counts = Counter(token.text for token in analyzer(value, mode="index"))
                lengths[n] = sum(counts.values())
                for term, tf in counts.items():
                    term_ids.append(vocabulary.setdefault(term, len(vocabulary)))
                    docs.append(n)
                    tfs.append(tf)
            ids_array = np.asarray(term_ids, dtype=np.int64)
            docs_array = np.asarray(docs, dtype=np.int64)
            tf_array = np.asarray(tfs, dtype=np.float64)
            df = np.bincount(ids_array, minlength=len(vocabulary))
            average = (lengths.sum() / count if count else 0) or 1
            stored = _quantized(lengths)
            idf = np.log(count / (df + 1.0)) + 1
            scores = (
                boost
                * idf[ids_array]
                * ((tf_array * (K1 + 1)) / (tf_array + K1 * ((1 - B) + B * stored[docs_array] / average)))
            )
            common = df[ids_array] > limit
            words = list(vocabulary)
            skipped.update((fieldname, words[t]) for t in np.flatnonzero(df > limit))
            parts[False].append((ids_array[~common], docs_array[~common], scores[~common]))
            if kind == "terms":  # n-grams never appear in a phrase: their common pairs are dropped
                parts[True].append((ids_array[common], docs_array[common], scores[common]))
        kinds.update(_combined(kind, parts, list(vocabulary)))
    return ScoreTable(kinds["terms"], kinds["grams"], count, list(ids), skipped, kinds["terms_common"])


def table_from_postings(corpus, order: np.ndarray | None = None, documents: np.ndarray | None = None) -> ScoreTable:
    """The table of a build from its segments' statistics (``indexer.postings.Corpus``).

    Counts only live documents (N, document frequencies, average lengths): the numbers a full
    build of the same articles computes, however many segments and deletions an incremental build
    left (Whoosh's own scorer counts deleted documents). ``documents``: a bool mask; keep only
    these documents' postings (the statistics stay the whole build's).

    Why no sort: the statistics are kept in the score rows' order (``Corpus.groups``: runs of one
    (kind, term, document), fields ascending), so every weight is computed in one vectorised pass
    and summed per run field by field: the same additions in the same order as
    ``table_from_fields`` (0 + title + questions + tags + body), so the weights are bitwise those
    of a full build.
    """
    from indexer.postings import FIELDS, on_threads

    live = corpus.live
    count = int(live.sum())
    limit = common_limit(count)
    keep = live if documents is None else live & documents
    words = corpus.vocabulary
    frequencies = corpus.frequencies()
    too_common = frequencies > limit  # (field, term)
    skipped = {(FIELDS[f], words[t]) for f, t in zip(*np.nonzero(too_common), strict=True)}
    weights = _posting_weights(corpus, frequencies, count)
    groups = corpus.groups
    common = np.empty(len(corpus.tf), dtype=bool)  # per row: its (field, term) is too common

    def mark(part: slice) -> None:
        common[part] = too_common[corpus.field[part], corpus.term[part]]

    on_threads(len(common), mark)
    plain, pooled = _run_sums(groups, weights, common)
    kept = keep[groups.doc]
    chosen = {
        "terms": (plain[1] & kept & ~groups.kind, plain[0]),
        "terms_common": (pooled[1] & kept & ~groups.kind, pooled[0]),
        "grams": (plain[1] & kept & groups.kind, plain[0]),
    }
    with ThreadPoolExecutor(2, thread_name_prefix="kb-rows") as pool:  # numpy's sorts let go of the lock
        made = {kind: pool.submit(_rows, words, groups, *picked) for kind, picked in chosen.items()}
        kinds = {kind: future.result() for kind, future in made.items()}
    return ScoreTable(
        kinds["terms"], kinds["grams"], corpus.documents, list(corpus.ids), skipped, kinds["terms_common"], order
    )


def _posting_weights(corpus, frequencies: np.ndarray, count: int) -> np.ndarray:
    """Each row's field-weighted BM25F score, by the same expression ``table_from_fields`` uses
    (its factors per (field, term) and per (field, document) computed once, then gathered)."""
    from indexer.postings import FIELDS, on_threads

    boosts = {**FIELD_WEIGHTS, **NGRAM_WEIGHTS}
    boost = np.array([[boosts[f]] for f in FIELDS], dtype=np.float64)
    norm = np.empty((len(FIELDS), corpus.documents))
    for f in range(len(FIELDS)):
        lengths = np.where(corpus.live, corpus.lengths[f], 0).astype(np.float64)
        average = (lengths.sum() / count if count else 0) or 1
        norm[f] = K1 * ((1 - B) + B * _quantized(lengths) / average)
    boosted_idf = boost * (np.log(count / (frequencies + 1.0)) + 1)  # (field, term)
    weights = np.empty(len(corpus.tf))

    def weigh(part: slice) -> None:
        f, t, d = corpus.field[part], corpus.term[part], corpus.doc[part]
        tf = corpus.tf[part].astype(np.float64)
        weights[part] = boosted_idf[f, t] * ((tf * (K1 + 1)) / (tf + norm[f, d]))

    on_threads(len(weights), weigh)  # each row as on one thread: bitwise the same weights
    return weights


def _run_sums(groups, weights: np.ndarray, common: np.ndarray) -> tuple[tuple, tuple]:
    """Per run, the sums of its rows' weights, of the rows not too common (``plain``) and of the
    too common ones (``pooled``), each with whether the run has any such row.

    Added in field order from 0.0, as ``np.bincount`` adds them in a full build; adding 0.0 for a
    row of the other class changes nothing, so the sums are bitwise a full build's."""
    from indexer.postings import on_threads

    plain, pooled = np.empty(len(groups)), np.empty(len(groups))
    has_plain, has_pooled = np.empty(len(groups), bool), np.empty(len(groups), bool)

    def first_rows(part: slice) -> None:
        rows = groups.start[part]
        w, c = weights[rows], common[rows]
        plain[part], pooled[part] = np.where(c, 0.0, w), np.where(c, w, 0.0)
        has_plain[part], has_pooled[part] = ~c, c

    on_threads(len(groups), first_rows)
    for runs, rows in groups.later_rows():
        w, c = weights[rows], common[rows]
        plain[runs] += np.where(c, 0.0, w)
        pooled[runs] += np.where(c, w, 0.0)
        has_plain[runs] |= ~c
        has_pooled[runs] |= c
    return (plain, has_plain), (pooled, has_pooled)


def _rows(words: Sequence[str], groups, chosen: np.ndarray, summed: np.ndarray) -> Rows:
    """The CSR of the ``chosen`` runs: term by term (vocabulary order), documents ascending.

    Runs are sorted by term within each segment and segments follow each other, so a stable
    sort by term only merges a few sorted stretches (no sort of the rows themselves)."""
    picked = np.flatnonzero(chosen)
    terms = groups.term[picked]
    order = np.argsort(terms, kind="stable")
    counts = np.bincount(terms, minlength=len(words))
    used = np.flatnonzero(counts)
    indptr = np.zeros(len(used) + 1, dtype=np.int64)
    np.cumsum(counts[used], out=indptr[1:])
    docs = groups.doc[picked][order].astype(np.int32)
    return Rows([words[i] for i in used], indptr, docs, summed[picked][order])


def _combined(kind: str, parts: dict[bool, list], words: Sequence[str]) -> dict[str, Rows]:
    """One kind's (term ids, documents, scores) chunks as rows: ``kind`` and ``kind_common``."""
    rows = {}
    for common, chunks in parts.items():
        name = f"{kind}{'_common' if common else ''}"
        if not chunks:
            rows[name] = _empty_rows()
            continue
        term_ids_all, docs_all, scores_all = (np.concatenate(c) for c in zip(*chunks, strict=True))
        rows[name] = Rows.combine(words, term_ids_all, docs_all.astype(np.int32), scores_all)
    return rows


def _quantized(lengths: np.ndarray) -> np.ndarray:
    """Field lengths as Whoosh stores them (one byte each) and reads them back."""
    from whoosh.util.numeric import byte_to_length, length_to_byte

    values, inverse = np.unique(lengths.astype(np.int64), return_inverse=True)
    decoded = np.array([byte_to_length(length_to_byte(int(v))) if v else 0 for v in values], dtype=np.float64)
    return decoded[inverse]


def _field_lengths(leaves, fieldname: str, count: int) -> np.ndarray:
    """Whoosh's (byte-quantized) length of ``fieldname`` per document number."""
    lengths = np.zeros(count)
    for leaf, offset in leaves:
        for n in range(leaf.doc_count_all()):
            lengths[offset + n] = leaf.doc_field_length(n, fieldname, 1)
    return lengths


def _field_postings(reader, leaves, fieldname: str, keep: np.ndarray):
    """(term, Whoosh doc frequency, kept document numbers, term frequencies) for every term of a field.

    Each segment's term dictionary is walked in order (one pass, no lookup per term); a term in
    several segments (after an incremental update) has its postings and frequencies summed.
    """
    merged: dict[str, list] = {}
    for leaf, offset in leaves:
        for term, df, ids, tf in _leaf_postings(leaf, fieldname):
            entry = merged.setdefault(term, [0, [], []])
            entry[0] += df
            entry[1].append(ids + offset)
            entry[2].append(tf)
    for term, (df, id_parts, tf_parts) in merged.items():
        docs = np.concatenate(id_parts) if len(id_parts) > 1 else id_parts[0]
        tf = np.concatenate(tf_parts) if len(tf_parts) > 1 else tf_parts[0]
        wanted = keep[docs]
        yield term, df, docs[wanted], tf[wanted]


def _leaf_postings(leaf, fieldname: str):
    terms = getattr(leaf, "_terms", None)
    if terms is None or not hasattr(terms, "items_from") or not hasattr(terms, "_postfile"):
        for term in leaf.field_terms(fieldname):  # any other reader: the public, slower path
            yield term, leaf.doc_frequency(fieldname, term), *_raw_postings(leaf.postings(fieldname, term))
        return
    field = leaf.schema[fieldname]
    for (name, tbytes), info in terms.items_from(fieldname, b""):
        if name != fieldname:
            return
        matcher = terms._codec.postings_reader(terms._postfile, info, field.format, term=(fieldname, tbytes))
        yield field.from_bytes(tbytes), info.doc_frequency(), *_raw_postings(matcher)


def _raw_postings(matcher) -> tuple[np.ndarray, np.ndarray]:
    """All (document number, weight) of a leaf matcher, deleted documents included.

    Whoosh's W3 matcher decodes whole blocks into arrays; taking them block by block is much
    faster than a call per posting. Other matchers take the public, per-posting path.
    """
    # A FilterMatcher hides deletions and may have stepped past deleted postings of the first
    # block; rereading that block is harmless, the caller masks deleted documents.
    matcher = getattr(matcher, "child", matcher)
    id_parts, tf_parts = [], []
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            id_parts.append(np.asarray(matcher._ids, dtype=np.int64))
            tf_parts.append(np.asarray(matcher._weights, dtype=np.float64))
            matcher._next_block()
    else:
        ids, tf = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            tf.append(matcher.weight())
            matcher.next()
        id_parts.append(np.asarray(ids, dtype=np.int64))
        tf_parts.append(np.asarray(tf, dtype=np.float64))
    if not id_parts:  # every posting was a deleted document
        return np.empty(0, np.int64), np.empty(0)
    return np.concatenate(id_parts), np.concatenate(tf_parts)


def open_table(
    index_path, audiences: Sequence[str] | None = None, documents: Sequence[int] | None = None
) -> ScoreTable:
    """The table of the build in ``index_path`` (a build folder, e.g. ``build.live_path(root)``).

    ``audiences``: keep only those articles' postings (the static export passes ("public",));
    ``documents``: keep only these document numbers. From the segments' statistics when the build
    has them (fast, and counting only live documents as the build's own table does), else read
    off the Whoosh index.
    """
    from whoosh import index as whoosh_index

    from indexer.postings import read_corpus

    corpus = read_corpus(index_path)
    if corpus is not None:
        mask = corpus.live.copy()
        if audiences is not None:
            mask &= np.fromiter((a in audiences for a in corpus.audiences), bool, corpus.documents)
        if documents is not None:
            wanted = np.zeros(corpus.documents, dtype=bool)
            wanted[np.fromiter(documents, dtype=np.int64)] = True
            mask &= wanted
        saved = Path(index_path) / "tables" / "scores.npz"
        order = ScoreTable.load(saved).order if saved.exists() else None
        return table_from_postings(corpus, order, mask)

    ix = whoosh_index.open_dir(str(index_path))
    with ix.reader() as reader:
        if audiences is not None:
            chosen = {n for n, stored in reader.iter_docs() if stored.get("audience") in audiences}
            documents = sorted(chosen if documents is None else chosen & set(documents))
        return build_table(reader, documents)
