"""Incremental builds: the live build's segments reused, only changed articles written, and the
same documents, stored fields, tables and rankings as a full build of the same articles."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from indexer import EVERYONE, PUBLIC, SearchEngine, live_path, verify_build
from indexer.build import DIGESTS_FILE
from kb.corpus import load_corpus
from kb.indexing import build
from tests.conftest import REPO


def dev_queries() -> list[str]:
    lines = (REPO / "bench" / "queries" / "dev.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line and not line.startswith("#")]


def snapshot_of(index: Path) -> dict:
    """Everything a server sees of a build, by article id (document numbers may differ)."""
    engine = SearchEngine(index)
    try:
        searcher = engine._searcher()
        live = sorted(row for row in engine.documents if row[0])
        stored = {}
        for doc_id, _, _ in live:
            fields = searcher.stored_fields(searcher.document_number(id=doc_id))
            stored[doc_id] = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=repr)
        rankings = {}
        for query in dev_queries():
            for audiences in (PUBLIC, EVERYONE):
                response = engine.search(query, limit=10, audiences=audiences)
                rankings[(query, audiences)] = [(h.id, h.score) for h in response.hits], response.total
        path = engine.path
        tables = {
            name: (path / "tables" / name).read_text(encoding="utf-8")
            for name in ("vocabulary.json", "suggestions.json", "weights.json", "common.json", DIGESTS_FILE)
        }
        scores = engine.scores
        rows = {
            kind: {
                t: sorted(zip([scores.ids[d] for d in r.docs], r.weights.tolist(), strict=True))
                for t, r in rows.items()
            }
            for kind, rows in (("terms", scores.terms), ("grams", scores.grams), ("common", scores.common))
        }
        return {
            "live": live,
            "stored": stored,
            "rankings": rankings,
            "tables": tables,
            "rows": rows,
            "skipped": scores.skipped,
            "app": {p.name: p.read_text(encoding="utf-8") for p in sorted((path / "app").glob("articles*.json"))},
        }
    finally:
        engine.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def unreferenced_public_articles(articles: Path) -> list[Path]:
    """Articles no other article links to: they may go away or turn internal without a broken link."""
    corpus = load_corpus(articles)
    linked = {target for a in corpus.articles for target in a.related}
    return [Path(a.path) for a in corpus.articles if a.is_public and a.id not in linked]


@pytest.fixture
def articles(tmp_path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(REPO / "articles", folder)
    return folder


def test_incremental_builds_equal_full_builds(articles, tmp_path, monkeypatch):
    import indexer.common

    # keep common-string counts even for the sample (a large corpus does): builds update them
    monkeypatch.setattr(indexer.common, "MIN_COUNTED", 10)
    incremental, full = tmp_path / "inc", tmp_path / "full"
    build(articles, incremental)
    some = sorted(articles.rglob("*.md"))
    hidden, deleted = unreferenced_public_articles(articles)[:2]

    def an_edit():
        edit(some[3], "\n\n", "\n\n카드 재발급과 분실 신고는 앱에서 바로 할 수 있습니다.\n\n")

    def the_same_edited_again():  # the small segment's only document deleted: the segment is dropped
        edit(some[3], "카드 재발급과 분실 신고는", "카드 재발급과 분실 신고는 언제든")

    def an_addition():
        (some[0].parent / "new-article.md").write_text(
            "---\nid: new-article\ntitle: 해외 결제 차단 서비스는 어떻게 신청하나요?\ncategory: "
            + some[0].parent.name
            + "\nquestions:\n  - 해외결제 막고 싶어요\ntags: [해외, 차단]\n---\n"
            "해외 결제 차단은 앱의 카드 관리에서 신청합니다.\n\n## 해제\n언제든 해제할 수 있습니다.\n",
            encoding="utf-8",
        )

    def a_deletion():
        deleted.unlink()

    def made_internal():
        if "audience: public" in hidden.read_text(encoding="utf-8"):
            edit(hidden, "audience: public", "audience: internal")
        else:
            edit(hidden, "\n---\n", "\naudience: internal\n---\n")

    def made_public_again():
        edit(hidden, "audience: internal", "audience: public")

    for step in (an_edit, the_same_edited_again, an_addition, a_deletion, made_internal, made_public_again):
        step()
        info = build(articles, incremental)
        assert info.incremental and info.changed is not None, step.__name__
        forced = build(articles, full, force=True)
        assert not forced.incremental
        assert snapshot_of(incremental) == snapshot_of(full), step.__name__
        verify_build(live_path(incremental))


def test_an_incremental_build_links_the_segments_and_writes_only_the_changed_articles(articles, tmp_path):
    index = tmp_path / "ix"
    first = build(articles, index)
    old = Path(first.path)
    big = next(old.glob("*.seg"))
    edit(sorted(articles.rglob("*.md"))[2], "\n\n", "\n\n한 문장을 고쳤습니다.\n\n")
    info = build(articles, index)
    new = Path(info.path)
    assert info.incremental and info.changed == 1 and info.removed == 1 and info.analysed == 1
    assert os.stat(new / big.name).st_ino == os.stat(big).st_ino  # shared, not copied
    assert len(list(new.glob("*.seg"))) == 2
    # the older build is untouched and still verifies byte for byte
    assert verify_build(old) and verify_build(new)
    # a third build merges the small segment again: never more than two segments
    edit(sorted(articles.rglob("*.md"))[4], "\n\n", "\n\n또 한 문장을 고쳤습니다.\n\n")
    third = build(articles, index)
    assert third.incremental and len(list(Path(third.path).glob("*.seg"))) == 2
    assert verify_build(Path(third.path))
    segments = {p.stem for p in Path(third.path).glob("*.seg")}
    assert {p.stem for p in (Path(third.path) / "segments").iterdir()} == segments  # no merged leftovers


def test_force_and_another_engine_build_from_nothing(articles, tmp_path):
    index = tmp_path / "ix"
    build(articles, index)
    edit(sorted(articles.rglob("*.md"))[2], "\n\n", "\n\n한 문장을 고쳤습니다.\n\n")
    assert not build(articles, index, force=True).incremental
    meta_path = live_path(index) / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, "engine": "older"}), encoding="utf-8")  # as made by other code
    edit(sorted(articles.rglob("*.md"))[2], "한 문장을", "두 문장을")
    assert not build(articles, index).incremental


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import indexer.build as steps
    from kb.indexing import build

    articles, index, point = sys.argv[1], sys.argv[2], sys.argv[3]
    original = getattr(steps, point)

    def die(*args, **kwargs):
        if point == "derive_tables":
            original(*args, **kwargs)  # the Whoosh commit is done: die after it
        os.kill(os.getpid(), signal.SIGKILL)

    setattr(steps, point, die)
    build(Path(articles), Path(index))
    """
)


@pytest.mark.parametrize("point", ["update_index", "derive_tables", "write_meta", "_switch"])
def test_a_killed_incremental_build_damages_neither_the_live_nor_the_previous_build(articles, tmp_path, point):
    index = tmp_path / "ix"
    first = Path(build(articles, index).path)
    edit(sorted(articles.rglob("*.md"))[2], "\n\n", "\n\n한 문장을 고쳤습니다.\n\n")
    live = Path(build(articles, index).path)
    edit(sorted(articles.rglob("*.md"))[6], "\n\n", "\n\n다른 문장을 고쳤습니다.\n\n")
    result = subprocess.run(
        [sys.executable, "-c", KILLER, str(articles), str(index), point], cwd=REPO, capture_output=True, timeout=300
    )
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    assert live_path(index) == live
    assert verify_build(live) and verify_build(first)  # every shared file byte for byte as recorded
    after = build(articles, index)
    assert after.incremental and verify_build(Path(after.path))
    assert not list((index / "builds").glob("*.tmp"))


def test_a_joined_corpus_takes_its_runs_from_its_segments(articles, tmp_path):
    """The runs of an incremental build's statistics (several segments, deletions) as its
    segments know them equal the runs found by comparing every row."""
    import dataclasses

    from indexer.postings import read_corpus

    index = tmp_path / "ix"
    build(articles, index)
    edit(sorted(articles.rglob("*.md"))[2], "\n\n", "\n\n새 문장을 더했습니다.\n\n")
    corpus = read_corpus(Path(build(articles, index).path))
    assert corpus.run_starts is not None
    mine, reference = corpus.groups, dataclasses.replace(corpus, run_starts=None).groups
    for name in ("start", "size", "term", "doc", "kind"):
        assert getattr(mine, name).tolist() == getattr(reference, name).tolist(), name


def test_tables_from_the_statistics_equal_the_tables_read_off_the_index(articles, tmp_path):
    from whoosh import index as whoosh_index

    from indexer import tables
    from kb.indexing import to_index_doc

    info = build(articles, tmp_path / "ix")
    docs = [to_index_doc(a) for a in load_corpus(articles).articles]
    ix = whoosh_index.open_dir(info.path)
    with ix.reader() as reader:
        expected = tables.derive_from_index(reader, docs)
    ix.close()
    got = tables.load(Path(info.path))
    assert got.documents == expected.documents
    assert got.counts == expected.counts
    assert list(got.vocabulary["all"].items()) == list(expected.vocabulary["all"].items())
    assert list(got.vocabulary["public"].items()) == list(expected.vocabulary["public"].items())
    assert got.weights.rows() == expected.weights.rows()
    assert list(got.weights.head_frequency) == list(expected.weights.head_frequency)
    assert got.suggester.rows() == expected.suggester.rows()
    assert got.common == expected.common and "카드" in got.common
    for kind in ("terms", "grams", "common"):
        mine, reference = getattr(got.scores, kind), getattr(expected.scores, kind)
        assert set(mine) == set(reference)
        for term in reference:
            assert mine[term].docs.tolist() == reference[term].docs.tolist()
            assert mine[term].weights.tolist() == reference[term].weights.tolist()
    assert got.scores.skipped == expected.scores.skipped


def test_a_build_in_several_writer_processes_equals_one_in_one(articles, tmp_path, monkeypatch):
    import indexer.writers as writers

    one = build(articles, tmp_path / "one")
    monkeypatch.setattr(writers, "PARALLEL_MIN_DOCUMENTS", 10)
    monkeypatch.setattr(writers.threading, "active_count", lambda: 1)  # whatever else pytest runs
    two = build(articles, tmp_path / "two")
    assert len(list(Path(one.path).glob("*.seg"))) == 1
    assert len(list(Path(two.path).glob("*.seg"))) == 2
    assert snapshot_of(tmp_path / "one") == snapshot_of(tmp_path / "two")
    # an update keeps both big segments and adds a small one
    edit(sorted(articles.rglob("*.md"))[2], "\n\n", "\n\n한 문장을 고쳤습니다.\n\n")
    after = build(articles, tmp_path / "two")
    assert after.incremental and len(list(Path(after.path).glob("*.seg"))) == 3
    assert snapshot_of(tmp_path / "two") == snapshot_of(
        build(articles, tmp_path / "one", force=True) and tmp_path / "one"
    )


def test_kiwi_does_not_load_when_every_text_is_in_the_analysis_cache(articles, tmp_path):
    index = tmp_path / "ix"
    build(articles, index)
    target = sorted(articles.rglob("*.md"))[2]
    text = target.read_text(encoding="utf-8")
    if "\nupdated:" in text:  # only the date changes: no text to analyse
        text = re.sub(r"\nupdated:[^\n]*", "\nupdated: 2020-01-02", text, count=1)
    else:
        text = text.replace("\n---\n", "\nupdated: 2020-01-02\n---\n", 1)
    target.write_text(text, encoding="utf-8")
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from indexer.analysis import get_kiwi
        from kb.indexing import build
        info = build(Path(sys.argv[1]), Path(sys.argv[2]))
        print(info.incremental, info.changed, info.analysed, get_kiwi.cache_info().currsize)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(articles), str(index)], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "1", "0", "0"]  # one article rewritten, no text to Kiwi, Kiwi never made


def test_a_server_switching_to_an_incremental_build_reads_only_its_new_files(articles, tmp_path, monkeypatch):
    from indexer import artifact
    from kb.snapshot import LiveBuild

    index = tmp_path / "ix"
    first = Path(build(articles, index).path)
    big = next(first.glob("*.seg")).name
    live = LiveBuild(index)
    edit(sorted(articles.rglob("*.md"))[2], "\n\n", "\n\n고친 문장입니다.\n\n")
    new = Path(build(articles, index).path)
    monkeypatch.setattr(artifact, "_VERIFIED", {})  # a server in another process: it never saw the build's bytes
    hashed: list[str] = []
    original = artifact.file_sha256
    monkeypatch.setattr(artifact, "file_sha256", lambda path: hashed.append(path.name) or original(path))
    with live.snapshot() as snapshot:
        assert snapshot.path == new
    assert hashed and big not in hashed and "meta.json" not in hashed
    assert len([name for name in hashed if name.startswith("articles-") and name != "articles-index.json"]) == 1
    # a linked file truncated under the server is still found (sizes are always checked)
    with open(new / big, "r+b") as f:
        f.truncate(100)
    with pytest.raises(artifact.DamagedBuild):
        artifact.verify_build(new, trusted=artifact.identities(first, json.loads((first / "meta.json").read_text())))
    live.close()


def test_a_server_in_the_building_process_reads_nothing_again_but_a_file_changed_since(articles, tmp_path, monkeypatch):
    """``kb serve --watch``: the build recorded the checksums of the bytes it wrote, so the switch
    hashes no file; a file whose bytes changed after the build (same size) is still found."""
    from indexer import artifact
    from kb.snapshot import LiveBuild

    index = tmp_path / "ix"
    build(articles, index)
    live = LiveBuild(index)
    edit(sorted(articles.rglob("*.md"))[2], "\n\n", "\n\n고친 문장입니다.\n\n")
    new = Path(build(articles, index).path)
    hashed: list[str] = []
    original = artifact.file_sha256
    monkeypatch.setattr(artifact, "file_sha256", lambda path: hashed.append(path.name) or original(path))
    with live.snapshot() as snapshot:
        assert snapshot.path == new
    assert hashed == []
    documents = new / "tables" / "documents.json"
    data = documents.read_bytes()
    documents.write_bytes(data.replace(b"lost", b"LOST", 1))
    with pytest.raises(artifact.DamagedBuild, match="documents.json does not match"):
        artifact.verify_build(new)
    live.close()


def test_an_edit_rewrites_one_shard_of_the_articles_and_links_the_others(articles, tmp_path):
    from kb.published import shard_name

    index = tmp_path / "ix"
    first = Path(build(articles, index).path)
    target = sorted(articles.rglob("*.md"))[2]
    edit(target, "\n\n", "\n\n고친 문장입니다.\n\n")
    new = Path(build(articles, index).path)
    changed = shard_name(load_corpus(articles).articles[2].id)
    shards = sorted(p.name for p in (new / "app").glob("articles-*.json") if p.name != "articles-index.json")
    assert len(shards) > 10 and f"{changed}.json" in shards
    for name in shards:
        same = (first / "app" / name).stat().st_ino == (new / "app" / name).stat().st_ino
        assert same == (name != f"{changed}.json"), name


def test_a_switch_parses_only_the_changed_articles_and_reuses_the_rest(articles, tmp_path):
    from kb.snapshot import LiveBuild

    index = tmp_path / "ix"
    build(articles, index)
    live = LiveBuild(index)
    with live.snapshot() as before:
        old = {a.id: a for a in before.articles}
    target = sorted(articles.rglob("*.md"))[2]
    edit(target, "\n\n", "\n\n새로 더한 문장입니다.\n\n")
    build(articles, index)
    with live.snapshot() as after:
        changed = next(a for a in after.articles if a.path == str(target))
        assert "새로 더한 문장입니다." in changed.text and changed is not old[changed.id]
        assert all(a is old[a.id] for a in after.articles if a.id != changed.id)
        assert [a.id for a in after.articles] == list(old)
    # a fresh server reads the same articles from the file
    fresh = LiveBuild(index)
    with fresh.snapshot() as other, live.snapshot() as after:
        assert [(a.id, a.html, a.text) for a in other.articles] == [(a.id, a.html, a.text) for a in after.articles]
    fresh.close()
    live.close()


def test_a_switch_keeps_what_it_made_of_unchanged_files_and_remakes_the_rest(articles, tmp_path):
    """A body edit leaves suggestions.json as it was: the new snapshot takes over the suggester (its
    suffix arrays made once); a title edit changes it, and the suggestions follow."""
    from kb.snapshot import LiveBuild

    index = tmp_path / "ix"
    build(articles, index)
    live = LiveBuild(index)
    with live.snapshot() as before:
        suggester = before.engine.suggester
    target = sorted(articles.rglob("*.md"))[2]
    edit(target, "\n\n", "\n\n본문에만 더한 문장입니다.\n\n")
    build(articles, index)
    with live.snapshot() as after:
        assert after is not before and after.engine.suggester is suggester
        hits = after.search("본문에만 더한 문장", limit=3, audiences=EVERYONE).hits
        assert hits and Path(after.get(hits[0].id).path) == target
    title = next(line for line in target.read_text(encoding="utf-8").splitlines() if line.startswith("title:"))
    edit(target, title, "title: 퀘퀘퀘 새 제목입니다")
    build(articles, index)
    with live.snapshot() as renamed:
        assert renamed.engine.suggester is not suggester
        assert [s.title for s in renamed.suggest("퀘퀘퀘", audiences=EVERYONE)] == ["퀘퀘퀘 새 제목입니다"]
    fresh = LiveBuild(index)
    with fresh.snapshot() as other, live.snapshot() as kept:
        assert other.engine.suggester.rows() == kept.engine.suggester.rows()
        assert other.engine._spellers["all"].vocabulary == kept.engine._spellers["all"].vocabulary
    fresh.close()
    live.close()


def same_tables(one, other) -> None:
    """Two servers' tables hold the same values (and dictionaries in the same order)."""
    assert one.documents == other.documents
    assert [list(one.vocabulary[a].items()) for a in ("all", "public")] == [
        list(other.vocabulary[a].items()) for a in ("all", "public")
    ]
    assert one.counts == other.counts and one.common == other.common
    assert list(one.weights.rows()["head_frequency"].items()) == list(other.weights.rows()["head_frequency"].items())
    assert one.weights.documents == other.weights.documents
    mine, theirs = one.scores, other.scores
    assert (mine.documents, mine.ids, mine.skipped) == (theirs.documents, theirs.ids, theirs.skipped)
    assert (mine.order is None) == (theirs.order is None)
    if mine.order is not None:
        assert mine.order.dtype == theirs.order.dtype and (mine.order == theirs.order).all()
    for kind in ("terms", "grams", "common"):
        a, b = getattr(mine, kind), getattr(theirs, kind)
        assert a.vocabulary == b.vocabulary, kind
        for name in ("indptr", "docs", "weights"):
            x, y = getattr(a, name), getattr(b, name)
            assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), (kind, name)


def test_the_building_process_server_takes_the_derived_tables_and_a_restarted_one_reads_the_same(
    articles, tmp_path, monkeypatch
):
    """``kb serve --watch``: the server opens the new build with the tables its build derived, not
    reading back the files just written; a server started later reads those files and has the
    same tables, bit for bit, and answers every dev query the same."""
    from indexer import scoring, tables
    from kb.snapshot import LiveBuild

    index = tmp_path / "ix"
    build(articles, index)
    live = LiveBuild(index)
    handed, read = [], []

    def before_switch(folder, derived):
        handed.append(derived)
        read.clear()
        live.prepare(folder, derived)
        handed.append(list(read))

    original_read, original_load = tables._read, scoring.ScoreTable.load
    monkeypatch.setattr(tables, "_read", lambda path: read.append(path.name) or original_read(path))
    monkeypatch.setattr(scoring.ScoreTable, "load", lambda path: read.append(Path(path).name) or original_load(path))
    for step, (old, new) in enumerate((("\n\n", "\n\n본문에 더한 문장입니다.\n\n"), ("title:", "title: 새 제목"))):
        edit(sorted(articles.rglob("*.md"))[2], old, new)
        build(articles, index, before_switch=before_switch)
        derived, opened_with = handed[-2:]
        assert opened_with == ([] if step == 0 else ["suggestions.json"])  # a title edit changes the suggestions
        fresh = LiveBuild(index)  # a server started now: reads every table file
        with live.snapshot() as mine, fresh.snapshot() as theirs:
            assert mine.path == theirs.path and mine.engine.scores is derived.scores
            assert {"documents.json", "vocabulary.json", "scores.npz"} <= set(read)
            same_tables(tables.load(mine.path, derived=derived), tables.load(theirs.path))
            assert mine.engine.suggester.rows() == theirs.engine.suggester.rows()
            for query in dev_queries():
                for audiences in (PUBLIC, EVERYONE):
                    ours = mine.search(query, limit=10, audiences=audiences)
                    assert [(h.id, h.score) for h in ours.hits] == [
                        (h.id, h.score) for h in theirs.search(query, limit=10, audiences=audiences).hits
                    ], query
        fresh.close()
    live.close()


def test_the_score_table_on_two_threads_is_bitwise_the_one_on_one(articles, tmp_path, monkeypatch):
    """The float and counting passes run in parts on two threads (``indexer.postings.on_threads``):
    every weight, document and frequency is bitwise what one thread computes."""
    from indexer import postings, tables
    from indexer.postings import read_corpus
    from indexer.scoring import table_from_postings

    build(articles, tmp_path / "ix")
    edit(sorted(articles.rglob("*.md"))[2], "\n\n", "\n\n고친 문장입니다.\n\n")
    folder = Path(build(articles, tmp_path / "ix").path)  # two segments, one document deleted

    def table():
        corpus = read_corpus(folder)
        head = tables._head_weights(corpus, corpus.frequencies()).head_frequency
        return corpus.frequencies(), table_from_postings(corpus), list(head.items())

    frequencies, one, head = table()
    monkeypatch.setattr(postings, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(postings, "THREAD_PART", 1000)  # many parts
    threaded, two, threaded_head = table()
    assert head == threaded_head
    assert len(read_corpus(folder).tf) > 10 * postings.THREAD_PART
    assert frequencies.tobytes() == threaded.tobytes()
    for kind in ("terms", "grams", "common"):
        a, b = getattr(one, kind), getattr(two, kind)
        assert a.vocabulary == b.vocabulary
        assert all(getattr(a, n).tobytes() == getattr(b, n).tobytes() for n in ("indptr", "docs", "weights")), kind
    assert one.skipped == two.skipped


def test_the_articles_index_is_what_json_writes_of_its_rows_after_an_edit_too(articles, tmp_path):
    """app/articles-index.json is joined from each shard's rows kept between builds: byte for byte
    ``json.dumps`` of the rows, pointing at each record in its shard, before and after an edit
    that moves the records after it."""
    from kb.published import ARTICLES_INDEX, attachments

    target = sorted(articles.rglob("*.md"))[2]
    for step in range(2):
        corpus = load_corpus(articles)
        files = attachments(corpus)
        index = files[ARTICLES_INDEX]
        rows = json.loads(index)
        assert index == json.dumps(rows, ensure_ascii=False) and index.sha256 is not None
        assert [row[0] for row in rows] == [a.id for a in corpus.articles]
        for article_id, digest, shard, start, end in rows:
            record = files[shard].encode("utf-8")[start:end]
            assert json.loads(record)["id"] == article_id
            assert hashlib.sha256(record).hexdigest() == digest
        edit(target, "\n\n", "\n\n이 문장이 뒤의 기록들을 밉니다.\n\n" * (step + 1))
