"""Faults a running site meets: killed builds, damaged files, broken articles. Search stays up."""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import sys
import textwrap

import pytest

from indexer import live_path, read_meta
from kb.articles import CorpusError
from kb.indexing import build
from tests.conftest import REPO

# A child process that builds the index and SIGKILLs itself at one step: nothing of the
# build's own cleanup runs, exactly as when the OOM killer or `kill -9` stops `kb index`.
KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import indexer.build as steps
    from kb.indexing import build

    articles, index, point, at = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    def progress(done, total):
        if point == "documents" and done == at:
            die()

    if point != "documents":
        setattr(steps, point, die)
    build(Path(articles), Path(index), force=True, progress=progress)
    """
)


def kill_build_at(settings, point: str, at: int = 0) -> None:
    result = subprocess.run(
        [sys.executable, "-c", KILLER, str(settings.articles_dir), str(settings.index_dir), point, str(at)],
        cwd=REPO,
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()


def staging_folders(settings):
    return sorted((settings.index_dir / "builds").glob("*.tmp"))


def ids(app_client, query):
    return [r["id"] for r in app_client.get(f"/api/search?q={query}").get_json()["results"]]


@pytest.mark.parametrize("point", ["analyse", "documents", "write_meta", "_switch"])
def test_a_killed_build_leaves_the_old_build_serving_and_the_next_build_succeeds(settings, client, point):
    before = read_meta(settings.index_dir)
    expected = ids(client, "카드 분실")
    at = random.Random(point).randint(1, 7)  # a random document of the seven
    kill_build_at(settings, point, at)
    if point in ("documents", "write_meta"):
        assert staging_folders(settings), "the kill should have left a half-written build behind"
    assert read_meta(settings.index_dir) == before
    assert ids(client, "카드 분실") == expected  # the running server did not notice
    from kb.web import create_app

    restarted = create_app(settings, TESTING=True).test_client()  # nor does a fresh worker
    assert ids(restarted, "카드 분실") == expected
    assert restarted.get("/healthz").get_json()["fallback"] is False

    info = build(settings.articles_dir, settings.index_dir, force=True)
    assert not info.skipped and live_path(settings.index_dir) != before["path"]
    assert not staging_folders(settings)
    assert ids(client, "카드 분실") == expected


def segment(build_dir):
    return next(build_dir.glob("*.seg"))


def test_a_truncated_segment_falls_back_to_the_last_good_build(settings, caplog):
    from kb.web import create_app

    first = live_path(settings.index_dir)
    build(settings.articles_dir, settings.index_dir, force=True)
    damaged = live_path(settings.index_dir)
    os.truncate(segment(damaged), segment(damaged).stat().st_size // 2)

    with caplog.at_level(logging.ERROR, logger="kb"):
        client = create_app(settings, TESTING=True).test_client()
    assert ids(client, "카드 분실")[0] == "lost-report"
    health = client.get("/healthz").get_json()
    assert health["ok"] and health["fallback"] and health["build"] == first.name
    assert segment(damaged).name in health["problem"]
    assert any(segment(damaged).name in r.getMessage() and first.name in r.getMessage() for r in caplog.records)

    info = build(settings.articles_dir, settings.index_dir)  # no --force: the damage is noticed
    assert not info.skipped and info.repaired and damaged.name in info.repaired
    builds = sorted(p.name for p in (settings.index_dir / "builds").iterdir())
    assert builds == [first.name, live_path(settings.index_dir).name]  # the damaged one is pruned, the good kept
    assert client.get("/healthz").get_json()["fallback"] is False  # the running server follows the repair
    assert ids(client, "카드 분실")[0] == "lost-report"


def test_a_segment_truncated_under_a_running_server(settings, client):
    first = live_path(settings.index_dir)
    build(settings.articles_dir, settings.index_dir, force=True)
    assert ids(client, "카드 분실")[0] == "lost-report"  # the second build is open and searched
    live = live_path(settings.index_dir)
    os.truncate(segment(live), 0)
    assert ids(client, "카드 분실")[0] == "lost-report"
    health = client.get("/healthz").get_json()
    assert health["fallback"] and health["build"] == first.name


def test_a_damaged_build_with_nothing_to_fall_back_to_says_what_to_run(settings, runner):
    from kb.cli import main

    os.truncate(segment(live_path(settings.index_dir)), 10)
    result = runner.invoke(main, ["search", "카드", "--index", str(settings.index_dir)])
    assert result.exit_code == 1 and "kb index --force" in result.output


def test_a_broken_article_and_a_restart_still_serve_the_last_good_build(settings):
    from kb.web import create_app

    (settings.articles_dir / "payments" / "broken.md").write_text("---\nid: Broken\ntitle: [\n---\n", "utf-8")
    with pytest.raises(CorpusError):
        build(settings.articles_dir, settings.index_dir)
    client = create_app(settings, TESTING=True).test_client()  # gunicorn respawning a worker
    assert ids(client, "카드 분실")[0] == "lost-report"
    assert client.get("/articles/lost-report").status_code == 200
    assert client.get("/healthz").get_json()["fallback"] is False


def test_kb_serve_with_a_broken_article_serves_the_last_good_build(settings, runner, monkeypatch):
    from flask import Flask

    from kb.cli import main

    served = []
    monkeypatch.setattr(Flask, "run", lambda app, **kw: served.append(app.extensions["kb"].status()))
    (settings.articles_dir / "payments" / "broken.md").write_text("---\nid: Broken\n---\n", "utf-8")
    args = ["serve", "--articles", str(settings.articles_dir), "--index", str(settings.index_dir)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "broken.md:2: id 'Broken' must be a lowercase ascii slug" in result.output
    assert "serving the last good build" in result.output
    assert served and served[0]["documents"] == 7


def test_kb_serve_without_an_index_says_what_to_run(settings, runner, tmp_path):
    from kb.cli import main

    result = runner.invoke(main, ["serve", "--no-build", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1 and "Run `kb index` first" in result.output


def test_searches_in_many_threads_never_fail_across_switches(settings):
    """Requests keep their snapshot while builds switch in; every replaced snapshot ends up closed."""
    import threading
    import time

    from kb.snapshot import LiveBuild

    live = LiveBuild(settings.index_dir)
    snapshots, errors, stop = {}, [], threading.Event()

    def requests():
        while not stop.is_set():
            try:
                with live.snapshot() as snapshot:
                    snapshots[snapshot.name] = snapshot
                    assert snapshot.search("카드 분실", limit=5, audiences=("public",)).hits[0].id == "lost-report"
                    assert snapshot.get("lost-report") is not None
            except Exception as error:  # collected and reported below
                errors.append(error)

    threads = [threading.Thread(target=requests) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(2):
            build(settings.articles_dir, settings.index_dir, force=True)
            name = live_path(settings.index_dir).name
            deadline = time.monotonic() + 60
            while name not in snapshots and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors, errors[:3]
    assert len(snapshots) == 3
    current = live.acquire()
    assert current.name == live_path(settings.index_dir).name
    assert all(s.engine.closed for name, s in snapshots.items() if s is not current)
    assert not current.engine.closed
