"""A full build's segment written from the terms it already has (indexer/direct_writer.py) is
byte for byte the segment Whoosh's add_document and commit write of the same documents."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.direct_writer import DirectWriter
from indexer.postings import FIELDS
from indexer.schema import IndexDoc, make_schema, to_fields
from indexer.writers import add_documents, full_build_writer
from kb.corpus import load_corpus
from kb.indexing import to_index_doc
from tests.conftest import REPO

AWKWARD = [
    IndexDoc(id="empty", title="", category="misc", body=""),
    IndexDoc(
        id="awkward",
        title="ＡＢＣ 카드 😀 結制 ㅋㅋ",
        category="misc",
        # NFD Hangul, full-width, jamo, Hanja, emoji, a word many times (one posting, many positions)
        body="결제 결제 결제\n\u1100\u1161\u1102\u1161 카드 카드값 ＡＴＭ 10,000원 😀😀 漢字 결제를 결제했어요",
        questions=["결재 취소 어떻게 해요", "카드값 결제일"],
        tags=["결제", "카드 결제", "선결제"],
        audience="internal",
    ),
]


def sample_docs(copies: int) -> list[IndexDoc]:
    """The sample articles ``copies`` times (ids made unique: terms with more postings than a
    postings block holds), then the awkward ones."""
    docs = [to_index_doc(a) for a in load_corpus(REPO / "articles").articles]
    out = [dataclasses.replace(d, id=f"{d.id}-{i}") for i in range(copies) for d in docs]
    return out + AWKWARD


def segment_files(folder: Path) -> dict[str, bytes]:
    """Every file inside the folder's one segment (compound file), by name without the segment's
    (random) id, and the segment's document count, deletions and field lengths."""
    ix = whoosh_index.open_dir(str(folder))
    (segment,) = ix._segments()
    storage = segment.open_compound_file(ix.storage)
    files = {name.replace(segment.segment_id(), ""): storage.open_file(name).read() for name in storage.list()}
    files["_meta"] = repr((segment.doc_count_all(), segment.deleted_count(), sorted(segment._fieldlengths.items())))
    storage.close()
    ix.close()
    return files


def write(folder: Path, docs: list[IndexDoc], direct: bool):
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema())
    writer = full_build_writer(ix) if direct else ix.writer()
    postings = add_documents(writer, docs, {d.id: d.id for d in docs}, None)
    writer.commit()
    ix.close()
    return postings


@pytest.mark.parametrize("blocks", [True, False], ids=["a block at a time", "a posting at a time"])
def test_the_direct_segment_is_the_segment_add_document_writes(tmp_path, monkeypatch, blocks):
    import indexer.direct_writer

    made = []
    of = indexer.direct_writer._Blocks.of
    monkeypatch.setattr(
        indexer.direct_writer._Blocks, "of", staticmethod(lambda w: made.append(of(w)) or made[-1] if blocks else None)
    )
    docs = sample_docs(3)
    reference = write(tmp_path / "whoosh", docs, direct=False)
    direct = write(tmp_path / "direct", docs, direct=True)
    expected, got = segment_files(tmp_path / "whoosh"), segment_files(tmp_path / "direct")
    assert set(got) == set(expected) and {".pst", ".trm", "._stored.col", "._body_len.col", "_meta"} < set(got)
    for name in expected:
        assert got[name] == expected[name], name
    assert all(made) and len(made) == len(FIELDS) + 3 if blocks else not made  # + id, category, audience
    # and the statistics the build keeps beside the segment are the same
    a, b = reference.canonical(), direct.canonical()
    assert a.ids == b.ids and a.vocabulary == b.vocabulary
    for array in ("field", "term", "doc", "tf", "lengths"):
        assert getattr(a, array).tolist() == getattr(b, array).tolist(), array


def test_a_field_empty_in_every_document_is_left_out_as_whoosh_leaves_it(tmp_path):
    """Whoosh numbers the fields that have terms in the order it writes them: one without any
    (no article has questions) takes no number, or every later field's terms would differ."""
    docs = [dataclasses.replace(d, questions=[]) for d in sample_docs(1)]
    write(tmp_path / "whoosh", docs, direct=False)
    write(tmp_path / "direct", docs, direct=True)
    expected, got = segment_files(tmp_path / "whoosh"), segment_files(tmp_path / "direct")
    assert set(got) == set(expected)
    for name in expected:
        assert got[name] == expected[name], name


def test_a_term_in_many_documents_spans_several_postings_blocks(tmp_path):
    """The comparison above covers multi-block posting lists (Whoosh's block holds 128)."""
    write(tmp_path / "direct", sample_docs(3), direct=True)
    ix = whoosh_index.open_dir(str(tmp_path / "direct"))
    with ix.reader() as reader:
        assert max(reader.doc_frequency("body_ng", t) for t in reader.field_terms("body_ng")) > 128
        assert reader.doc_frequency("body", "결제") > 0
        positions = reader.postings("body", "결제")
        positions.skip_to(reader.doc_count_all() - 1)
        assert positions.id() == reader.doc_count_all() - 1 and len(positions.value_as("positions")) >= 4
    ix.close()


def test_the_direct_writer_refuses_what_it_would_not_write_as_whoosh_does(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    writer = DirectWriter(ix, FIELDS)
    with pytest.raises(NotImplementedError):
        writer.add_document(id="x")
    with pytest.raises(ValueError, match="boosts"):
        writer.add_fields({**to_fields(AWKWARD[0]), "_boost": 2.0}, lambda name, value: [])
    with pytest.raises(ValueError, match="Positions"):
        DirectWriter(ix, ["id"])
    writer.cancel()
    ix.close()
