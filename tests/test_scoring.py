"""The precomputed score table ranks exactly as the live Whoosh search (same scores, same order)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.scoring import BM25F

from indexer import IndexDoc, live_path
from indexer.schema import make_schema, to_fields
from indexer.scoring import K1, B, ScoreTable, open_table
from kb.evaluate import read_queries
from tests.conftest import REPO

QUERIES = [
    "카드 잃어버렸어요",
    "카드분실신고",
    "결재 취소",
    "zkem qnstlf",
    "카드승인거절떠요",
    "포인트 현금으로",
    "연회비",
]


@pytest.fixture(scope="module")
def table(real_index):
    return open_table(live_path(real_index))


@pytest.mark.parametrize("query", QUERIES)
def test_table_scores_equal_whoosh_scores(real_engine, table, query):
    ids = {n: doc[0] for n, doc in enumerate(real_engine.documents)}
    live = real_engine.search(query, limit=10)
    ranked = table.rank(real_engine.plan(query), real_engine.allowed(("public",)))
    assert live.hits, query
    mine = [(ids[n], round(score, 4)) for n, score in ranked[: len(live.hits)]]
    assert mine == [(h.id, h.score) for h in live.hits]


def test_rows_hold_only_the_requested_documents(real_index, real_engine):
    public = sorted(real_engine.allowed(("public",)))
    table = open_table(live_path(real_index), audiences=("public",))
    internal = set(range(len(real_engine.documents))) - set(public)
    assert internal
    for row in [*table.terms.values(), *table.grams.values()]:
        assert not internal & set(row.docs.tolist())


def whoosh_top(searcher, plan, limit, allowed=None):
    from indexer.query import to_whoosh
    from indexer.search import _without_common_terms

    q = to_whoosh(plan)
    if q is None:
        return []
    results = searcher.search(_without_common_terms(q, searcher), limit=limit, filter=allowed)
    return [(results.docnum(i), results.score(i)) for i in range(results.scored_length())]


def assert_same_ranking(expected, got, query):
    """Same scores rank by rank; same documents except where Whoosh itself has a tie."""
    assert len(got) == len(expected), query
    for rank, ((n_exp, s_exp), (n_got, s_got)) in enumerate(zip(expected, got, strict=True)):
        assert math.isclose(s_got, s_exp, rel_tol=1e-9), (query, rank, s_exp, s_got)
        tied = [n for n, s in expected if math.isclose(s, s_exp, rel_tol=1e-9)]
        assert n_got == n_exp or n_got in tied, (query, rank)


@pytest.fixture(scope="module")
def whoosh_searcher(real_index):
    ix = whoosh_index.open_dir(str(live_path(real_index)))
    searcher = ix.searcher(weighting=BM25F(B=B, K1=K1))
    yield searcher
    searcher.close()


@pytest.mark.parametrize("name", ["dev.tsv", "holdout.tsv"])
def test_same_ranking_as_whoosh_on_every_labelled_query(real_engine, table, whoosh_searcher, name):
    compared = 0
    for query in read_queries(REPO / "bench" / "queries" / name):
        plan = real_engine.plan(query.query)
        expected = whoosh_top(whoosh_searcher, plan, 200)
        assert_same_ranking(expected, table.rank(plan, limit=200), query.query)
        compared += bool(expected)
    assert compared > 30


def test_saved_table_ranks_like_the_original(tmp_path, table, real_engine):
    table.save(tmp_path / "scores.npz")
    loaded = ScoreTable.load(tmp_path / "scores.npz")
    for text in ["결재 취소하고 싶어요", "분실 신고", "포인트 현금으로 바꾸다"]:
        plan = real_engine.plan(text)
        assert np.array_equal(loaded.scores(plan), table.scores(plan))
    assert loaded.ids == table.ids and loaded.skipped == table.skipped
    assert set(loaded.terms) == set(table.terms) and len(loaded.common) == len(table.common)


def doc(i: int, body: str) -> IndexDoc:
    return IndexDoc(id=f"d{i}", title=f"카드 분실 신고 {i}", category="payments", body=body, questions=["분실했어요"])


def test_deleted_documents_and_segments_score_as_in_whoosh(tmp_path, real_engine):
    """After an update (delete + add, a second segment) Whoosh still counts the deleted
    document in N and df: the table scores with the same statistics and never returns it."""
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    with ix.writer() as writer:
        for i in range(12):
            writer.add_document(**to_fields(doc(i, "분실 신고는 앱에서 합니다. " * (i % 4 + 1) + "결제 취소")))
    writer = ix.writer()
    writer.update_document(**to_fields(doc(3, "재발급은 영업점에서 합니다. 분실 카드는 정지됩니다.")))
    writer.add_document(**to_fields(doc(40, "포인트 현금화와 분실 보상")))
    writer.commit(merge=False)
    with ix.reader() as reader:
        assert len(reader.leaf_readers()) == 2 and reader.has_deletions()
    table = open_table(tmp_path)
    assert table.documents == 14 and "d3" in table.ids
    with ix.searcher(weighting=BM25F(B=B, K1=K1)) as searcher:
        for text in ["분실 신고", "재발급 영업점", "결제 취소 포인트"]:
            plan = real_engine.plan(text)
            expected = whoosh_top(searcher, plan, 20)
            assert expected, text
            assert_same_ranking(expected, table.rank(plan, limit=20), text)


def test_a_query_of_only_common_terms_still_finds_documents(table, real_engine):
    # 1566-1000 (the phone number) is in most bodies and in no title: dropping the common
    # (field, term) pairs leaves nothing that matches, so they are scored after all.
    plan = real_engine.plan("1566-1000")
    assert any(term == "1566-1000" for (field, term) in table.skipped)
    ranked = table.rank(plan, limit=10)
    assert ranked and all(score > 0 for _, score in ranked)


def test_rank_takes_a_mask_or_document_numbers(table, real_engine):
    plan = real_engine.plan("카드 분실")
    some = [n for n, _ in table.rank(plan, limit=20)][::2]
    assert table.rank(plan, allowed=some) == table.rank(plan, allowed=table.mask(some))
    assert {n for n, _ in table.rank(plan, allowed=some)} == set(some)


def test_table_from_the_field_values_equals_the_table_read_off_the_index(real_index, table):
    """The build computes the table from what it gave the writer (seconds), not by reading every
    posting back (minutes at 20,000 articles): both must be the same table."""
    from indexer.schema import to_fields
    from indexer.scoring import table_from_fields
    from kb.corpus import load_corpus
    from kb.indexing import to_index_doc

    docs = [to_index_doc(a) for a in load_corpus(REPO / "articles").articles]
    ix = whoosh_index.open_dir(str(live_path(real_index)))
    with ix.reader() as reader:
        schema = reader.schema
        assert [reader.stored_fields(n)["id"] for n in range(reader.doc_count_all())] == [d.id for d in docs]
    fresh = table_from_fields([to_fields(d) for d in docs], schema, [d.id for d in docs])
    assert fresh.ids == table.ids and fresh.skipped == table.skipped and fresh.documents == table.documents
    for name in ("terms", "grams", "common"):
        mine, theirs = getattr(fresh, name), getattr(table, name)
        assert set(mine) == set(theirs), name
        for term in theirs:
            assert np.array_equal(mine[term].docs, theirs[term].docs), (name, term)
            assert np.allclose(mine[term].weights, theirs[term].weights, rtol=1e-12, atol=0), (name, term)
