"""A server with a thread per connection (``kb serve``) must not open a Whoosh searcher per request."""

from __future__ import annotations

import threading


def test_threads_one_after_another_share_one_searcher(engine):
    found = []
    for _ in range(20):  # as the development server does: a new thread for each connection
        worker = threading.Thread(target=lambda: found.append(engine.search("카드 분실").hits[0].id))
        worker.start()
        worker.join()
    assert found == ["lost-report"] * 20
    assert len(engine._searchers) == 1


def test_searches_at_once_each_get_their_own_searcher(engine):
    all_holding, release = threading.Barrier(4), threading.Event()
    held = []

    def hold():
        with engine._borrowed() as searcher:
            held.append(searcher)
            all_holding.wait(timeout=10)
            release.wait(timeout=10)

    workers = [threading.Thread(target=hold) for _ in range(3)]
    for worker in workers:
        worker.start()
    all_holding.wait(timeout=10)  # the three hold a searcher at the same time
    assert len({id(s) for s in held}) == 3  # never one searcher in two searches at once
    release.set()
    for worker in workers:
        worker.join()
    assert engine.search("카드 분실").hits[0].id == "lost-report"
    assert len(engine._searchers) == 3  # the next search took one of them back
