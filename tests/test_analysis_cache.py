"""The persisted analysis cache: incremental builds equal full ones, damage is survived, versions miss."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import indexer.analysis_cache as analysis_cache
from indexer import SearchEngine, live_path
from indexer.analysis import Term, analyze_batch
from kb.evaluate import read_queries
from kb.indexing import build
from tests.conftest import REPO


@pytest.fixture
def kiwi_calls(monkeypatch) -> list[list[str]]:
    """The texts each build sent to Kiwi."""
    calls: list[list[str]] = []

    def counting(texts, progress=None):
        calls.append(list(texts))
        return analyze_batch(texts, progress)

    monkeypatch.setattr(analysis_cache, "analyze_batch", counting)
    return calls


def _ranking(index_dir: Path) -> list[list[tuple[str, float]]]:
    """Every dev-set query's hits and scores."""
    engine = SearchEngine(live_path(index_dir))
    try:
        queries = read_queries(REPO / "bench" / "queries" / "dev.tsv")
        return [[(h.id, round(h.score, 6)) for h in engine.search(q.query).hits] for q in queries]
    finally:
        engine.close()


def _stored_docs(index_dir: Path) -> list[dict]:
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(live_path(index_dir)))
    try:
        with ix.searcher() as searcher:
            return sorted((dict(fields) for fields in searcher.all_stored_fields()), key=lambda f: f["id"])
    finally:
        ix.close()


def test_incremental_build_equals_a_cold_full_build(tmp_path, kiwi_calls):
    articles = tmp_path / "articles"
    shutil.copytree(REPO / "articles", articles)
    warm = tmp_path / "warm"
    build(articles, warm)
    first = sum(len(c) for c in kiwi_calls)
    assert first > 100  # a cold cache analyses everything

    changed = next(iter(sorted((articles / "payments").glob("*.md"))))
    extra = "\n추가 안내: 결제일 변경은 앱에서도 가능합니다.\n"
    changed.write_text(changed.read_text(encoding="utf-8") + extra, encoding="utf-8")
    kiwi_calls.clear()
    build(articles, warm)
    assert 0 < sum(len(c) for c in kiwi_calls) <= 2  # only the changed body went to Kiwi

    kiwi_calls.clear()
    cold = tmp_path / "cold"
    build(articles, cold, force=True)
    assert sum(len(c) for c in kiwi_calls) >= first

    assert _stored_docs(warm) == _stored_docs(cold)
    ranking = _ranking(warm)
    assert sum(len(hits) for hits in ranking) > len(ranking)  # the comparison has something to compare
    assert ranking == _ranking(cold)


def test_damaged_cache_file_is_rebuilt_not_fatal(tmp_path, corpus, kiwi_calls):
    index_dir = tmp_path / "index"
    build(corpus, index_dir)
    files = list((index_dir / "cache").glob("analysis-*.sqlite"))
    assert len(files) == 1
    files[0].write_bytes(b"not a database at all\x00" * 100)
    kiwi_calls.clear()
    info = build(corpus, index_dir, force=True)
    assert info.documents > 0 and not info.skipped
    assert sum(len(c) for c in kiwi_calls) > 0  # everything analysed again
    kiwi_calls.clear()
    build(corpus, index_dir, force=True)
    assert sum(len(c) for c in kiwi_calls) == 0  # and the rebuilt cache serves the next build


def test_damaged_row_is_a_miss(tmp_path):
    import sqlite3

    texts = ["카드 분실 신고", "결제일 변경"]
    result, analysed = analysis_cache.analyse_cached(texts, tmp_path, "v1")
    assert analysed == 2
    path = analysis_cache.cache_file(tmp_path, "v1")
    db = sqlite3.connect(path)
    db.execute("UPDATE analysis SET value = '[[[' WHERE key = ?", (analysis_cache.text_key(texts[0]),))
    db.commit()
    db.close()
    again, analysed = analysis_cache.analyse_cached(texts, tmp_path, "v1")
    assert analysed == 1
    assert again == result


def test_cache_is_keyed_by_analyser_version_and_pruned(tmp_path):
    texts = ["신용카드 재발급 신청", "포인트 적립 😀 ＡＢＣ 決濟", "ㅋㅋ 한도 상향"]
    first, analysed = analysis_cache.analyse_cached(texts, tmp_path, "v1")
    assert analysed == 3
    assert all(isinstance(t, Term) for part in first[texts[0]] for t in part)
    assert analysis_cache.analyse_cached(texts, tmp_path, "v1") == (first, 0)
    _, analysed = analysis_cache.analyse_cached(texts, tmp_path, "v2")
    assert analysed == 3  # a new analyser reads none of the old analyses
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [analysis_cache.cache_file(tmp_path, "v2").name]
    _, analysed = analysis_cache.analyse_cached(texts, tmp_path, "v1")
    assert analysed == 3  # and the old analyser's file was removed

    analysis_cache.analyse_cached(texts[:1], tmp_path, "v1")  # the corpus lost two texts
    _, analysed = analysis_cache.analyse_cached(texts, tmp_path, "v1")
    assert analysed == 2  # they were pruned when the cache was saved


def test_progress_counts_analysis_then_writing_to_one_total(tmp_path, corpus, kiwi_calls):
    told: list[tuple[int, int]] = []
    info = build(corpus, tmp_path / "index", progress=lambda done, total: told.append((done, total)))
    analysed = sum(len(c) for c in kiwi_calls)
    assert analysed > 0
    assert {total for _, total in told} == {analysed + info.documents}
    assert [done for done, _ in told] == list(range(1, analysed + info.documents + 1))

    told.clear()
    info = build(corpus, tmp_path / "index", force=True, progress=lambda done, total: told.append((done, total)))
    assert told[-1] == (info.documents, info.documents)  # warm cache: only the writing is left


def test_time_left_uses_the_rate_since_the_first_item():
    from kb.build_progress import time_left

    assert time_left(1, 100, None, 5.0) == ""
    assert time_left(10, 100, (0.0, 10), 5.0) == ""  # no rate yet
    assert time_left(20, 100, (0.0, 10), 5.0) == "남은 시간 약 40초"  # 2 per second, 80 to go
    assert time_left(20, 1000, (0.0, 10), 5.0) == "남은 시간 약 8분 10초"
    assert time_left(100, 100, (0.0, 10), 5.0) == ""


def test_cache_path_taken_by_a_folder_is_not_fatal(tmp_path, corpus):
    index_dir = tmp_path / "index"
    path = analysis_cache.cache_file(index_dir, "kiwi-test")
    path.mkdir(parents=True)
    result, analysed = analysis_cache.analyse_cached(["카드 분실"], index_dir, "kiwi-test")
    assert analysed == 1 and result["카드 분실"][0]


def test_kb_index_says_how_much_came_from_the_cache(runner, corpus, tmp_path):
    from kb.cli import main

    index_dir = tmp_path / "index"
    first = runner.invoke(main, ["index", "--articles", str(corpus), "--index", str(index_dir)])
    assert first.exit_code == 0, first.output
    assert "(0 of " in first.output
    again = runner.invoke(main, ["index", "--articles", str(corpus), "--index", str(index_dir), "--force"])
    texts = int(again.output.split(" of ")[1].split(" texts")[0].replace(",", ""))
    assert f"({texts:,} of {texts:,} texts from the analysis cache)" in again.output


def test_an_edit_to_the_analysis_code_misses(tmp_path, monkeypatch):
    before = analysis_cache.cache_file(tmp_path, "v1")
    monkeypatch.setattr(analysis_cache, "_source_fingerprint", lambda: "edited")
    assert analysis_cache.cache_file(tmp_path, "v1") != before
