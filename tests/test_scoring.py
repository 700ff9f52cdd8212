"""The precomputed score table ranks exactly as the live Whoosh search (same scores, same order)."""

from __future__ import annotations

import pytest

from indexer import live_path
from indexer.scoring import open_table

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
