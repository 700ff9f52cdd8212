"""The search log and the security state in a real PostgreSQL server (started by the tests, tests/postgres.py)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from kb.analytics import MIGRATIONS, Analytics
from kb.state import StateStore, VotesCast
from kb.throttle import LoginThrottle


@pytest.fixture
def pg_settings(settings, postgres_url):
    settings.log_url = postgres_url
    settings.state_url = postgres_url
    return settings


def test_search_log_in_postgresql(postgres_url):
    import psycopg

    analytics = Analytics(postgres_url, retention_days=30)
    first = analytics.log_search(query="카드 분실", normalized="카드 분실", surface="public", total=2, top_ids=["a"])
    second = analytics.log_search(
        query="카드번호 9410-1234-5678-9012", normalized="카드번호", surface="api", total=0, top_ids=[]
    )
    assert isinstance(first, int) and second == first + 1
    assert analytics.log_click(article_id="a", search_id=first, rank=1)
    assert not analytics.log_click(article_id="a", search_id=999_999, rank=1)
    assert analytics.log_vote(article_id="a", helpful=False, comment="hong@example.com 연락 주세요")
    assert analytics.counts() == {"searches": 2, "clicks": 1, "votes": 1}
    assert analytics.popular_articles() == ["a"]
    with psycopg.connect(postgres_url) as db:
        assert db.execute("SELECT query FROM searches WHERE id = %s", (second,)).fetchone()[0] == "카드번호 [카드번호]"
        assert db.execute("SELECT comment FROM votes").fetchone()[0] == "[이메일] 연락 주세요"
        at = db.execute("SELECT at FROM searches WHERE id = %s", (first,)).fetchone()[0]
        assert abs(at - time.time()) < 60  # double precision: a timestamp, not a rounded float4
        version = db.execute("SELECT version FROM schema_versions WHERE component = 'analytics'").fetchone()[0]
        assert version == len(MIGRATIONS)
    assert analytics.purge(now=time.time() + 31 * 86_400) == 4
    assert Analytics(postgres_url).counts() == {"searches": 0, "clicks": 0, "votes": 0}  # migrating twice is harmless


def test_several_servers_share_one_postgresql_log(postgres_url):
    servers = [Analytics(postgres_url) for _ in range(3)]  # e.g. three replicas starting together

    def log(i):
        return servers[i % 3].log_search(query=f"q{i}", normalized="q", surface="api", total=0, top_ids=[])

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(log, range(60)))
    assert len(set(ids)) == 60 and None not in ids
    assert servers[0].counts()["searches"] == 60


def test_unreachable_postgresql_log_fails_open(caplog):
    analytics = Analytics("postgresql://nobody@127.0.0.1:1/none")
    assert analytics.log_search(query="q", normalized="q", surface="api", total=0, top_ids=[]) is None
    assert analytics.popular_articles() == []


def test_security_state_in_postgresql(postgres_url):
    store = StateStore(postgres_url)
    throttle = LoginThrottle(store, max_failures=3, window=60)
    with ThreadPoolExecutor(max_workers=8) as pool:
        waits = list(pool.map(lambda _: throttle.attempt("bob", "10.0.0.66", now=5000), range(20)))
    assert waits.count(0) == 3  # counted atomically across connections
    votes = VotesCast(store)
    assert votes.first("v", "a") and not votes.first("v", "a")


def test_the_app_with_postgresql(pg_settings):
    import re

    from kb.users import add_user
    from kb.web import create_app

    add_user(pg_settings.users_file, "agent1", "correct-horse-battery")
    app = create_app(pg_settings, TESTING=True)
    client = app.test_client()
    data = client.get("/api/search?q=카드 분실").get_json()
    assert data["results"][0]["id"] == "lost-report" and isinstance(data["search_id"], int)
    page = client.get("/agent/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"username": "agent1", "password": "correct-horse-battery", "csrf_token": token}
    assert client.post("/agent/login", data=form).status_code == 303
    cookie = client.get_cookie("session").value
    console = client.get("/agent/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', console).group(1)
    client.post("/agent/logout", data={"csrf_token": token})
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/agent/api/search?q=카드").status_code == 401
