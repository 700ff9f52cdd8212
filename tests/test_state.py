"""The app's own state never breaks search: security state apart from the search log, one database helper.

The search log fails open (a search is answered when it cannot be logged, and the failure is logged
once); the security state fails closed (a session whose revocation cannot be checked is refused).
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import time
from pathlib import Path

import pytest

from kb.analytics import Analytics
from kb.config import Settings, environment_variables
from kb.db import SQLiteDatabase, open_database
from kb.state import StateStore

REPO = Path(__file__).resolve().parents[1]


def csrf_from(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def login(client, name="agent1", password="correct-horse-battery", **extra):
    token = csrf_from(client, "/agent/login")
    return client.post("/agent/login", data={"username": name, "password": password, "csrf_token": token, **extra})


@pytest.fixture
def agent(settings):
    from kb.users import add_user

    add_user(settings.users_file, "agent1", "correct-horse-battery")


# -- settings -------------------------------------------------------------------------------------------


def test_every_kb_variable_is_read_by_settings(tmp_path):
    samples = {Path: "x/y", int: "7", bool: "1", str: "postgresql://db/kb"}
    environ = {}
    for spec in Settings.__dataclass_fields__.values():
        kind = Path if isinstance(spec.default, Path) else type(spec.default)
        environ[spec.metadata["env"]] = samples[kind]
    settings = Settings.from_env(environ)
    for name, spec in Settings.__dataclass_fields__.items():
        assert getattr(settings, name) != spec.default, f"{spec.metadata['env']} does not set {name}"
    assert set(environment_variables()) == set(environ)


def test_kb_variables_are_read_nowhere_else():
    """Only kb/config.py reads the environment for KB_* settings (bench/ and tests/ may set them for children)."""
    readers = []
    for path in [*REPO.glob("kb/**/*.py"), *REPO.glob("indexer/**/*.py")]:
        if path.name == "config.py" and path.parent.name == "kb":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"os\.environ|os\.getenv|getenv\(", text):
            readers.append(str(path.relative_to(REPO)))
    assert readers == []
    # every variable the README, the scripts, the docs or a --help text names is a setting
    mentioned = set()
    for path in [REPO / "README.md", *REPO.glob("scripts/*"), *REPO.glob("docs/*.md")]:
        mentioned |= set(re.findall(r"(?<![\w.$])\$?(KB_[A-Z_]*[A-Z])\b", path.read_text(encoding="utf-8")))
    for path in REPO.glob("kb/**/*.py"):
        mentioned |= set(re.findall(r"\$(KB_[A-Z_]*[A-Z])\b", path.read_text(encoding="utf-8")))
    assert mentioned and mentioned <= set(environment_variables())


def test_bad_setting_names_its_variable():
    with pytest.raises(ValueError, match="KB_RETENTION_DAYS"):
        Settings.from_env({"KB_RETENTION_DAYS": "ninety"})
    assert Settings.from_env({}, index_dir="elsewhere").index_dir == Path("elsewhere")
    assert Settings.from_env({"KB_INDEX": "env"}, index_dir=None).index_dir == Path("env")


def test_settings_fixture_keeps_every_path_under_tmp_path(settings, tmp_path):
    for name, spec in Settings.__dataclass_fields__.items():
        if isinstance(spec.default, Path):
            assert getattr(settings, name).is_relative_to(tmp_path), name


# -- the database helper --------------------------------------------------------------------------------


def test_sqlite_helper_uses_wal_short_timeout_and_versions(tmp_path):
    db = SQLiteDatabase(tmp_path / "x.sqlite3", busy_timeout_ms=150)
    migrations = [("CREATE TABLE a (id {id}, at {real})",), ("ALTER TABLE a ADD COLUMN note TEXT",)]
    assert db.migrate("thing", migrations) == 2
    assert db.migrate("thing", migrations) == 2  # nothing applied twice
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 150
    assert db.execute("SELECT version FROM schema_versions WHERE component = 'thing'").fetchone()[0] == 2
    assert [row[1] for row in db.execute("PRAGMA table_info(a)")] == ["id", "at", "note"]


def test_database_urls(tmp_path):
    assert open_database(f"sqlite:///{tmp_path}/a.sqlite3").path == tmp_path / "a.sqlite3"
    assert open_database(tmp_path / "b.sqlite3").path == tmp_path / "b.sqlite3"
    with pytest.raises(ValueError, match="unsupported database URL"):
        open_database("mysql://db/kb")


def test_search_log_and_security_state_are_separate_files(app, settings, client, agent):
    login(client)
    client.get("/search?q=카드 분실")
    with sqlite3.connect(settings.analytics_db) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"searches", "clicks", "votes"} <= tables
    assert not tables & {"revoked_sessions", "login_attempts", "votes_cast"}
    with sqlite3.connect(settings.state_db) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"revoked_sessions", "login_attempts", "votes_cast"} <= tables


# -- security state fails closed ------------------------------------------------------------------------


def _logged_out_copy(app, client):
    """Log in, keep a copy of the session cookie, log out; returns a client holding the copy."""
    assert login(client).status_code == 303
    cookie = client.get_cookie("session").value
    client.post("/agent/logout", data={"csrf_token": csrf_from(client, "/agent/")})
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_deleting_the_search_log_does_not_revive_a_logged_out_session(app, client, settings, agent):
    thief = _logged_out_copy(app, client)
    settings.analytics_db.unlink()
    assert thief.get("/agent/api/search?q=카드").status_code == 401


def test_deleting_the_security_state_does_not_revive_a_logged_out_session(app, client, settings, agent):
    thief = _logged_out_copy(app, client)
    for path in settings.state_db.parent.glob(settings.state_db.name + "*"):
        path.unlink()
    time.sleep(0.01)
    assert thief.get("/agent/api/search?q=카드").status_code == 401
    # and an agent who logs in afresh works again against the new store
    fresh = app.test_client()
    assert login(fresh).status_code == 303
    assert fresh.get("/agent/api/search?q=카드").status_code == 200


def test_a_locked_security_state_makes_logins_wait(app, client, settings, agent):
    assert login(client).status_code == 303
    blocker = sqlite3.connect(settings.state_db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    blocker.execute("DELETE FROM login_attempts")
    try:
        assert login(app.test_client()).status_code == 429  # the attempt cannot be counted: wait
        assert client.get("/agent/api/search?q=카드").status_code == 200  # revocation can still be read (WAL)
        assert client.get("/api/search?q=카드 분실").status_code == 200
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert login(app.test_client()).status_code == 303


def test_an_unreadable_security_state_refuses_sessions(app, client, settings, agent, caplog):
    assert login(client).status_code == 303
    assert client.get("/agent/api/search?q=카드").status_code == 200
    for path in settings.state_db.parent.glob(settings.state_db.name + "*"):
        path.unlink()
    settings.state_db.write_bytes(b"not a database " * 500)
    with caplog.at_level(logging.ERROR, logger="kb.sessions"):
        assert client.get("/agent/api/search?q=카드").status_code == 401  # cannot check revocation: refused
    assert any("refusing the session" in r.getMessage() for r in caplog.records)
    assert login(app.test_client()).status_code == 429
    assert client.get("/api/search?q=카드 분실").status_code == 200  # the public site is unaffected


# -- the search log fails open --------------------------------------------------------------------------


def _searches_answer(client, n=5):
    started = time.monotonic()
    for i in range(n):
        response = client.get(f"/api/search?q=카드 분실 {i}")
        assert response.status_code == 200
        assert response.get_json()["results"][0]["id"] == "lost-report"
    page = client.get("/search?q=결제 오류")
    assert page.status_code == 200 and "/articles/pay-declined" in page.get_data(as_text=True)
    assert client.get("/").status_code == 200  # popular questions fall back to the defaults
    return time.monotonic() - started


def _log_warnings(caplog):
    return [r for r in caplog.records if r.name == "kb.analytics" and "unavailable" in r.getMessage()]


def test_search_answers_with_a_read_only_log(settings, tmp_path, caplog, monkeypatch):
    from kb.web import create_app

    monkeypatch.setattr("kb.analytics.RETRY_SECONDS", 0)
    log_dir = tmp_path / "readonly"
    log_dir.mkdir()
    settings.analytics_db = log_dir / "analytics.sqlite3"
    sqlite3.connect(settings.analytics_db).close()  # an empty file the app cannot write
    settings.analytics_db.chmod(0o444)
    log_dir.chmod(0o555)
    try:
        if os.geteuid() == 0:  # root (CI) writes whatever the modes say: make the file unusable another way
            settings.analytics_db.chmod(0o644)
            log_dir.chmod(0o755)
            settings.analytics_db.write_bytes(b"this is not a database" * 100)
        with caplog.at_level(logging.WARNING, logger="kb.analytics"):
            client = create_app(settings, TESTING=True).test_client()  # the site starts
            _searches_answer(client)
        assert len(_log_warnings(caplog)) == 1  # logged once, not per request
        assert client.get("/api/search?q=카드 분실").get_json()["search_id"] is None
    finally:
        log_dir.chmod(0o755)


def test_search_answers_quickly_with_a_locked_log(app, client, settings, caplog):
    client.get("/search?q=카드")  # the log exists and works
    blocker = sqlite3.connect(settings.analytics_db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    blocker.execute("INSERT INTO votes (at, article_id, helpful) VALUES (0, 'x', 1)")
    try:
        with caplog.at_level(logging.WARNING, logger="kb.analytics"):
            elapsed = _searches_answer(client)
        # before: every search waited 5 s for the lock and then failed with 500
        assert elapsed < 3, f"7 requests took {elapsed:.1f} s against a locked log"
        assert len(_log_warnings(caplog)) == 1
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_search_answers_when_the_log_is_deleted_and_logging_resumes(app, client, settings, monkeypatch, caplog):
    monkeypatch.setattr("kb.analytics.RETRY_SECONDS", 0)
    client.get("/search?q=카드")
    for path in settings.analytics_db.parent.glob(settings.analytics_db.name + "*"):
        path.unlink()
    _searches_answer(client)
    with sqlite3.connect(settings.analytics_db) as db:  # a new log file, written from then on
        assert db.execute("SELECT COUNT(*) FROM searches").fetchone()[0] == 6


def test_search_answers_when_the_log_directory_is_gone(settings, tmp_path, caplog):
    from kb.web import create_app

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings.analytics_db = blocked / "analytics.sqlite3"  # cannot be created at all
    with caplog.at_level(logging.WARNING, logger="kb.analytics"):
        client = create_app(settings, TESTING=True).test_client()
        _searches_answer(client)
    assert len(_log_warnings(caplog)) == 1


def test_existing_analytics_file_is_adopted(tmp_path):
    """A log written before schema versions (same tables) keeps its rows."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE searches (id INTEGER PRIMARY KEY, at REAL NOT NULL, surface TEXT NOT NULL,"
            " query TEXT NOT NULL, normalized TEXT NOT NULL, category TEXT, total INTEGER NOT NULL,"
            " top_ids TEXT NOT NULL, layout_fixed INTEGER NOT NULL DEFAULT 0, did_you_mean TEXT);"
            f"INSERT INTO searches (at, surface, query, normalized, total, top_ids) VALUES ({time.time()},"
            " 'public', '분실', '분실', 1, '[]');"
            "CREATE TABLE revoked_sessions (sid TEXT PRIMARY KEY, until REAL NOT NULL);"
            "CREATE TABLE login_attempts (name TEXT NOT NULL, client TEXT NOT NULL, at REAL);"
        )
    analytics = Analytics(path)
    with sqlite3.connect(path) as db:  # the security state it used to hold is not left behind in the log
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not tables & {"revoked_sessions", "login_attempts"}
    assert analytics.counts() == {"searches": 1, "clicks": 0, "votes": 0}
    assert analytics.log_search(query="q", normalized="q", surface="api", total=0, top_ids=[]) == 2


# -- state store unit behaviour -------------------------------------------------------------------------


def test_throttle_limits_an_account_name_across_clients_but_not_for_a_known_browser(tmp_path):
    from kb.throttle import LoginThrottle

    throttle = LoginThrottle(StateStore(tmp_path / "s.sqlite3"), max_name_failures=4, name_window=60)
    assert [throttle.attempt("agent1", f"10.0.0.{i}", now=1000 + i) for i in range(4)] == [0, 0, 0, 0]
    wait = throttle.attempt("agent1", "10.0.9.9", now=1010)  # a fifth address, never seen: waits
    assert 0 < wait <= 60
    assert throttle.attempt("agent1", "10.0.9.9", now=1010, known=True) == 0  # the agent's own browser
    assert throttle.attempt("agent2", "10.0.9.9", now=1010) == 0  # other names are unaffected
    assert throttle.attempt("agent1", "10.0.9.8", now=1010 + 61) == 0  # the lock is short


def test_known_browser_passes_the_account_wide_limit_in_the_app(app, client, agent, monkeypatch):
    monkeypatch.setattr("kb.throttle.MAX_NAME_FAILURES", 3)
    app.extensions["kb.login_throttle"].max_name_failures = 3
    assert login(client).status_code == 303  # this browser knows agent1 now
    client.post("/agent/logout", data={"csrf_token": csrf_from(client, "/agent/")})
    for i in range(3):  # guesses from three other addresses
        stranger = app.test_client()
        response = login(stranger, password="wrong-password", environ_base={"REMOTE_ADDR": f"10.1.0.{i}"})
        assert response.status_code == 401
    assert login(app.test_client()).status_code == 429  # a new browser waits a minute
    assert login(client).status_code == 303  # the agent's browser still gets in


def test_votes_cast_are_remembered_per_visitor_and_article(tmp_path):
    from kb.state import VotesCast

    votes = VotesCast(StateStore(tmp_path / "s.sqlite3"))
    assert votes.first("v1", "a") and votes.first("v1", "b") and votes.first("v2", "a")
    assert not votes.first("v1", "a")
