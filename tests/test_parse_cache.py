"""The parse cache: unchanged files are not parsed again; any change of bytes or path is."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap

import kb.articles
import kb.parse_many
from kb import parse_cache
from kb.corpus import load_corpus
from tests.conftest import REPO
from tests.test_writers import outlives_its_killed_build


def test_unchanged_files_come_from_the_cache_and_edited_ones_are_parsed(tmp_path, monkeypatch):
    articles = tmp_path / "articles"
    shutil.copytree(REPO / "articles", articles)
    cache = tmp_path / "cache" / "articles.sqlite"
    parsed = []
    original = kb.parse_many.parse_article  # load_corpus parses through kb/parse_many.py

    def counting(path, display, data=None):
        parsed.append(display)
        return original(path, display, data)

    monkeypatch.setattr(kb.parse_many, "parse_article", counting)
    monkeypatch.setattr(parse_cache, "_memory", parse_cache.OrderedDict())
    first = load_corpus(articles, cache_file=cache)
    assert len(parsed) == len(first.articles) and cache.exists()

    parsed.clear()
    monkeypatch.setattr(parse_cache, "_memory", parse_cache.OrderedDict())  # a fresh process: the file only
    again = load_corpus(articles, cache_file=cache)
    assert parsed == []
    for a, b in zip(first.articles, again.articles, strict=True):
        assert (a.id, a.title, a.body, a.html, a.text, a.short_answer, a.updated, a.lines, a.item_lines) == (
            b.id,
            b.title,
            b.body,
            b.html,
            b.text,
            b.short_answer,
            b.updated,
            b.lines,
            b.item_lines,
        )

    target = sorted(articles.rglob("*.md"))[3]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("\n\n", "\n\n새로 쓴 문장입니다.\n\n", 1), encoding="utf-8")
    parsed.clear()
    edited = load_corpus(articles)  # this process remembers the rest
    assert parsed == [str(target)]
    assert "새로 쓴 문장입니다." in next(a for a in edited.articles if a.path == str(target)).text


def test_a_broken_file_is_reported_every_time(tmp_path):
    articles = tmp_path / "articles"
    shutil.copytree(REPO / "articles", articles)
    target = sorted(articles.rglob("*.md"))[0]
    target.write_text("---\nid: Bad Id\n---\n", encoding="utf-8")
    cache = tmp_path / "articles.sqlite"
    for _ in range(2):
        try:
            load_corpus(articles, cache_file=cache)
        except kb.articles.CorpusError as error:
            assert any(p.path == str(target) for p in error.problems)
        else:
            raise AssertionError("the broken file was not reported")


def test_files_whose_state_is_unchanged_are_not_read_again(tmp_path, monkeypatch):
    """Like git's index: (size, mtime, ctime, inode) as recorded with the key means the same bytes;
    any change of state, or a state too fresh to trust, means reading and hashing the file."""
    import os

    articles = tmp_path / "articles"
    shutil.copytree(REPO / "articles", articles)
    cache = tmp_path / "cache" / "articles.sqlite"
    hashed: list[str] = []
    original = parse_cache.key
    monkeypatch.setattr(parse_cache, "key", lambda display, data: hashed.append(display) or original(display, data))

    def fresh_process() -> None:
        monkeypatch.setattr(parse_cache, "_memory", parse_cache.OrderedDict())
        monkeypatch.setattr(parse_cache, "_states", {})
        hashed.clear()

    first = load_corpus(articles, cache_file=cache)
    assert len(hashed) == len(first.articles)
    fresh_process()
    load_corpus(articles, cache_file=cache)
    assert len(hashed) == len(first.articles)  # just written: too fresh to trust, read again

    monkeypatch.setattr(parse_cache, "RACY_NS", 0)  # as if the files were written long ago
    fresh_process()
    load_corpus(articles, cache_file=cache)
    fresh_process()
    again = load_corpus(articles, cache_file=cache)
    assert hashed == []  # a fresh process read no file
    assert [a.text for a in again.articles] == [a.text for a in first.articles]

    # same size, same mtime put back: the ctime still tells (git's index checks it too)
    target = sorted(articles.rglob("*.md"))[3]
    stat = target.stat()
    text = target.read_text(encoding="utf-8")
    changed = text.replace("다", "까", 1)
    assert len(changed.encode()) == len(text.encode()) and changed != text
    target.write_text(changed, encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    fresh_process()
    edited = load_corpus(articles, cache_file=cache)
    assert hashed == [str(target)]
    assert (
        next(a for a in edited.articles if a.path == str(target)).body
        != next(a for a in first.articles if a.path == str(target)).body
    )

    # a known state whose article left the cache: the file is read, not trusted blindly
    fresh_process()
    db = parse_cache.sqlite3.connect(cache)
    db.execute("DELETE FROM article")
    db.commit()
    db.close()
    reread = load_corpus(articles, cache_file=cache)
    assert len(hashed) == len(first.articles) and [a.id for a in reread.articles] == [a.id for a in first.articles]


def test_a_large_save_is_written_beside_and_read_back(tmp_path, monkeypatch):
    """Many new articles (a build from nothing): another process writes them, and this process's
    next load waits for it and reads them from the file."""
    articles = tmp_path / "articles"
    shutil.copytree(REPO / "articles", articles)
    cache = tmp_path / "cache" / "articles.sqlite"
    writers = tmp_path / "writers"
    original = parse_cache._record

    def recording(article):
        with open(writers, "a") as out:
            out.write(f"{os.getpid()}\n")
        return original(article)

    monkeypatch.setattr(parse_cache, "BESIDE_MIN", 2)
    monkeypatch.setattr(parse_cache.threading, "active_count", lambda: 1)  # whatever else pytest runs
    monkeypatch.setattr(parse_cache, "_record", recording)
    monkeypatch.setattr(parse_cache, "_memory", parse_cache.OrderedDict())
    first = load_corpus(articles, cache_file=cache)
    parse_cache.wait_for_save()
    assert set(writers.read_text().split()) - {str(os.getpid())}  # written by another process
    monkeypatch.setattr(parse_cache, "_memory", parse_cache.OrderedDict())  # a fresh process: the file only
    monkeypatch.setattr(parse_cache, "_states", {})
    parsed = []
    monkeypatch.setattr(kb.parse_many, "parse_article", lambda *a: parsed.append(a) or kb.articles.parse_article(*a))
    again = load_corpus(articles, cache_file=cache)
    assert parsed == [] and [a.html for a in again.articles] == [a.html for a in first.articles]


SAVE_KILLER = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    from kb import parse_cache
    from kb.corpus import load_corpus

    parse_cache.BESIDE_MIN = 2
    parse_cache._record = lambda article: time.sleep(60)  # a save that outlives its build
    load_corpus(Path(sys.argv[1]), cache_file=Path(sys.argv[2]))
    print(parse_cache._saving.pid, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_save_beside_dies_with_a_killed_build(tmp_path):
    cache = tmp_path / "cache" / "articles.sqlite"
    assert not outlives_its_killed_build([sys.executable, "-c", SAVE_KILLER, str(REPO / "articles"), str(cache)])
