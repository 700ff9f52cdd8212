"""Index builds switch atomically; a failed build leaves the live index serving."""

import pytest

from indexer import IndexDoc, build_index, read_meta
from indexer.search import SearchEngine
from kb.articles import CorpusError
from kb.indexing import build


def doc(i, title="카드 분실 신고"):
    return IndexDoc(id=f"a-{i}", title=title, category="c", body=f"본문 {i}")


def test_build_records_hash_and_time(tmp_path):
    info = build_index([doc(1), doc(2)], tmp_path / "ix")
    meta = read_meta(tmp_path / "ix")
    assert meta["documents"] == 2
    assert meta["content_hash"] == info.content_hash and len(info.content_hash) == 64
    assert meta["built_at"]


def test_unchanged_corpus_is_not_rebuilt(tmp_path):
    first = build_index([doc(1)], tmp_path / "ix")
    again = build_index([doc(1)], tmp_path / "ix")
    assert again.skipped and again.path == first.path
    forced = build_index([doc(1)], tmp_path / "ix", force=True)
    assert not forced.skipped


def test_an_engine_serves_one_fixed_build(tmp_path):
    build_index([doc(1, "포인트 조회")], tmp_path / "ix")
    engine = SearchEngine(tmp_path / "ix")
    assert [h.id for h in engine.search("포인트").hits] == ["a-1"]
    build_index([doc(2, "포인트 현금화")], tmp_path / "ix")
    assert [h.id for h in engine.search("포인트").hits] == ["a-1"]  # never reopens itself
    assert [h.id for h in SearchEngine(tmp_path / "ix").search("포인트").hits] == ["a-2"]
    engine.close()


def test_the_live_build_swaps_snapshots_and_closes_the_old_one_when_released(settings):
    from kb.snapshot import LiveBuild

    live = LiveBuild(settings.index_dir)
    held = live.acquire()
    assert held.get("pay-new") is None
    (settings.articles_dir / "payments" / "pay-new.md").write_text(
        "---\nid: pay-new\ntitle: 새로 생긴 간편결제 등록\ncategory: payments\n---\n간편결제는 앱에서 등록해요.\n",
        encoding="utf-8",
    )
    build(settings.articles_dir, settings.index_dir)
    fresh = live.acquire()
    assert fresh is not held and fresh.get("pay-new") is not None
    assert [h.id for h in fresh.search("간편결제", limit=5, audiences=("public",)).hits][:1] == ["pay-new"]
    # the request that still holds the old snapshot finishes on it, consistently
    assert held.get("pay-new") is None and held.search("분실", limit=5, audiences=("public",)).hits
    assert not held.engine.closed
    live.release(held)
    assert held.engine.closed  # closed with every thread's searcher once nobody holds it
    assert not fresh.engine.closed
    live.release(fresh)
    assert live.acquire() is fresh


def test_failed_build_leaves_the_live_index(tmp_path):
    build_index([doc(1)], tmp_path / "ix")
    before = read_meta(tmp_path / "ix")

    class Boom(IndexDoc):
        @property
        def head(self):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        build_index([doc(2), Boom(id="b", title="t", category="c", body="b")], tmp_path / "ix")
    assert read_meta(tmp_path / "ix") == before
    assert not list((tmp_path / "ix" / "builds").glob("*.tmp"))
    assert [h.id for h in SearchEngine(tmp_path / "ix").search("분실").hits] == ["a-1"]


def test_broken_article_never_touches_the_index(settings):
    before = read_meta(settings.index_dir)
    (settings.articles_dir / "payments" / "bad.md").write_text("---\nid: Bad\n---\n", encoding="utf-8")
    with pytest.raises(CorpusError):
        build(settings.articles_dir, settings.index_dir)
    assert read_meta(settings.index_dir) == before


def test_old_builds_are_pruned(tmp_path):
    for i in range(4):
        build_index([doc(i)], tmp_path / "ix")
    assert len([p for p in (tmp_path / "ix" / "builds").iterdir()]) == 2
