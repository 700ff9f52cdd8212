"""A Whoosh segment writer fed each field's terms directly: a full build's writers use it.

Why (issue 16): besides Kiwi, a writer's time went to Whoosh's ``add_document`` and commit:
every field tokenized again through its Format (a token object per token, a dict of positions
per document), every posting put in a pool as a tuple, the pool sorted (runs spilled to disk
past 128 MB and merged), and every posting's field length read back from the length column
while the terms were written. The build already has every field's terms (the same texts it
counts for its statistics, ``indexer/postings.py``), so here each document's postings are kept
as rows of its fields' columns as documents arrive, sorted by term at the commit (stably: each
term's documents stay in order), and handed to the codec's field writer term by term, terms in
byte order as the pool would have sorted them, each posting with the field length Whoosh would
have read back. The segment is byte for byte the one
``add_document`` and ``commit`` write (tests/test_direct_writer.py).

Only full builds use it: an incremental build deletes and merges, which Whoosh's own writer does.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from whoosh import formats
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

Texts = Callable[[str, str], Sequence[str]]  # (field name, value) -> the terms its analyzer makes, in order


class DirectWriter(SegmentWriter):
    """``SegmentWriter`` with ``add_fields`` instead of ``add_document``; ``commit`` as usual."""

    def __init__(self, ix, direct: Sequence[str], **kwargs):
        """``direct``: the fields whose terms ``add_fields`` is given (positions-format text
        fields); any other indexed field is tokenized by Whoosh's field object as usual."""
        for name, field in ix.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r}: vectors and spelling are not written by DirectWriter")
        for name in direct:
            if type(ix.schema[name].format) is not formats.Positions:
                raise ValueError(f"field {name!r}: only a Positions format can be fed terms")
        super().__init__(ix, **kwargs)
        self.direct = frozenset(direct)
        # any other indexed field: name -> term bytes -> (document numbers, weights, encoded values)
        self._postings: dict[str, dict[bytes, tuple[array, array, list[bytes]]]] = {}
        self._lengths: dict[str, dict[int, int]] = {}  # field name -> document -> tokens (scorable fields)
        self._columns: dict[str, _Columns] = {}  # the fields ``add_fields`` is given terms of

    def add_document(self, **fields):
        raise NotImplementedError("DirectWriter is fed with add_fields")

    def add_reader(self, reader):
        raise NotImplementedError("DirectWriter writes only what add_fields gave it")

    def add_fields(self, fields: Mapping[str, object], texts: Texts) -> dict[str, dict[str, int]]:
        """Add one document, as ``add_document(**fields)`` would; returns, per field in ``direct``
        that has a value, term -> frequency (what the build's statistics count)."""
        self._check_state()
        perdoc = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        if len(names) != len(fields):
            raise ValueError("DirectWriter takes no boosts or custom stored values")
        self._check_fields(schema, names)
        counts: dict[str, dict[str, int]] = {}
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    if name in self.direct:
                        counts[name] = frequencies = self._add_terms(name, field, texts(name, value), docnum)
                        length = sum(frequencies.values())
                    else:
                        length = self._add_indexed(name, field, value, docnum)
                    if not field.scorable:
                        length = 0
                    elif length:
                        self._lengths.setdefault(name, {})[docnum] = length
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except ValueError:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1
        return counts

    def _add_terms(self, name: str, field, terms: Sequence[str], docnum: int) -> dict[str, int]:
        """What ``Positions.word_values`` makes of a token stream: per term its positions, kept
        as one posting per term in the field's columns (``_Columns``)."""
        positions: dict[str, list[int]] = {}
        for i, term in enumerate(terms):
            found = positions.get(term)
            if found is None:
                positions[term] = [i]
            else:
                found.append(i)
        columns = self._columns.get(name)
        if columns is None:
            columns = self._columns[name] = _Columns(field.format)
        return columns.add(positions, docnum)

    def _add_indexed(self, name: str, field, value, docnum: int) -> int:
        """Any other indexed field (ids, categories): Whoosh's own ``field.index``."""
        postings = self._postings.setdefault(name, {})
        length = 0
        for btext, frequency, weight, encoded in field.index(value):
            length += frequency
            found = postings.get(btext)
            if found is None:
                found = postings[btext] = (array("I"), array("d"), [])
            found[0].append(docnum)
            found[1].append(weight)
            found[2].append(encoded)
        return length

    def _flush_segment(self):
        """Instead of sorting a pool: every field's terms in byte order, postings as they came."""
        self.perdocwriter.close()
        writer = self.fieldwriter
        quantized: dict[int, int] = {}
        for name in sorted(set(self._postings) | set(self._columns)):
            columns, found = self._columns.pop(name, None), self._postings.pop(name, None)
            if not (columns.ids if columns else found):
                continue  # Whoosh numbers only the fields that have terms
            terms = columns.terms() if columns else ((btext, *postings) for btext, postings in sorted(found.items()))
            # per document, the field length the length column gives back (0: none)
            stored_of = [0] * self.docnum
            for docnum, length in self._lengths.get(name, {}).items():
                found = quantized.get(length)
                if found is None:
                    found = quantized[length] = _as_read_back(length) or 0
                stored_of[docnum] = found
            writer.start_field(name, self.schema[name])
            blocks = _Blocks.of(writer)
            for btext, docs, weights, values in terms:
                stored = list(map(stored_of.__getitem__, docs))
                # copies: one encoded position serves many postings, and pickling a block writes
                # an object seen twice as a reference (Whoosh's postings never share one)
                values = [value[:1] + value[1:] for value in values]
                writer.start_term(btext)
                if blocks:
                    blocks.add(docs, weights, values, stored)
                else:
                    for posting in zip(docs, weights, values, [s or None for s in stored], strict=True):
                        writer.add(*posting)
                writer.finish_term()  # looked up per term: the build's progress counter wraps it
            writer.finish_field()
        writer.close()


class _Columns:
    """One field's postings as columns, one row per (term, document), in the order documents
    came: a term's id, the document, its weight, its encoded positions. Why: a writer adds
    ~600 postings per article, and three appends to three arrays per term and posting (and
    a dict lookup for each) were the largest part of its Python besides Kiwi; here a document's
    postings go in with a few list-wide calls. ``terms`` sorts the rows by term (stably: each
    term's documents stay in order) when the segment is written."""

    def __init__(self, format):
        self.encode = format.encode
        self.boost = format.field_boost
        self.ids: dict[str, int] = {}  # term -> its id (a vocabulary, not a corpus)
        self.term = array("i")
        self.doc = array("I")
        self.count = array("I")
        self.values: list[bytes] = []
        self.single: dict[int, bytes] = {}  # position -> a lone position, encoded

    def add(self, positions: dict[str, list[int]], docnum: int) -> dict[str, int]:
        """Add one document's ``positions`` (term -> its positions); returns term -> frequency."""
        ids = self.ids
        setdefault = ids.setdefault
        self.term.extend([setdefault(term, len(ids)) for term in positions])
        counts = [len(where) for where in positions.values()]
        self.count.extend(counts)
        self.doc.extend([docnum] * len(counts))
        single, encode = self.single, self.encode
        values = []
        for where in positions.values():
            if len(where) == 1:
                value = single.get(where[0])
                if value is None:
                    value = single[where[0]] = encode(where)
            else:
                value = encode(where)
            values.append(value)
        self.values += values
        return dict(zip(positions, counts, strict=True))

    def terms(self):
        """(term bytes, documents, weights, encoded positions) per term, in byte order."""
        term = np.frombuffer(self.term, dtype=np.int32)
        order = np.argsort(term, kind="stable")
        ends = np.cumsum(np.bincount(term, minlength=len(self.ids))).tolist()
        doc = np.frombuffer(self.doc, dtype=np.uint32)[order]
        weight = np.frombuffer(self.count, dtype=np.uint32)[order].astype(np.float64) * self.boost
        values: list[bytes] = []
        for start in range(0, len(order), _CHUNK):  # in chunks: no list of every row's number
            values += map(self.values.__getitem__, order[start : start + _CHUNK].tolist())
        self.values = self.term = self.doc = self.count = None
        # term bytes in byte order (UTF-8 keeps code point order, the bytes are what Whoosh sorts)
        for btext, i in sorted((text.encode("utf-8"), i) for text, i in self.ids.items()):
            start, end = ends[i - 1] if i else 0, ends[i]
            docs, weights = array("I"), array("d")
            docs.frombytes(doc[start:end].tobytes())
            weights.frombytes(weight[start:end].tobytes())
            yield btext, docs, weights, values[start:end]


_CHUNK = 1 << 16


class _Blocks:
    """A term's postings put into Whoosh 3's postings writer a block at a time: the state its
    ``add_posting`` builds posting by posting (ids, weights, values, min/max length and weight),
    set at once, and the full blocks written as ``add_posting`` writes them (when the next
    posting comes; the last by ``finish_term``). Used only with the writer class it was written
    against; anything else gets the postings one by one."""

    def __init__(self, postings):
        self.postings = postings

    @classmethod
    def of(cls, fieldwriter) -> _Blocks | None:
        from whoosh.codec.whoosh3 import W3PostingsWriter

        postings = getattr(fieldwriter, "_postwriter", None)
        if type(postings) is not W3PostingsWriter or postings._byteids:
            return None
        return cls(postings)

    def add(self, docs: array, weights: array, values: list[bytes], lengths: list[int | None]) -> None:
        w = self.postings
        limit = w._blocklimit
        for start in range(0, len(docs), limit):
            if start:
                w._write_block()
            end = start + limit
            w._ids = docs[start:end]
            w._weights = array("f", weights[start:end])
            w._values = [value for value in values[start:end] if value]
            present = [length for length in lengths[start:end] if length]
            w._minlength = min(present) if present else None
            w._maxlength = max(present) if present else 0
            heaviest = max(weights[start:end])  # add_posting compares the weights as given, not as stored
            w._maxweight = heaviest if heaviest > 0 else 0


def _as_read_back(length: int) -> int | None:
    """The field length the length column gives back (a byte: long lengths are approximate)."""
    byte = length_to_byte(length) if length else 0
    return byte_to_length(byte) if byte else None
