"""Agent console: login, sessions, CSRF, internal articles marked and never public."""

import re

import pytest

from kb.config import Settings
from kb.users import UserError, add_user, load_users, verify


@pytest.fixture
def users_file(settings):
    add_user(settings.users_file, "agent1", "correct-horse-battery")
    return settings.users_file


def csrf_from(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(client, password="correct-horse-battery"):
    token = csrf_from(client, "/agent/login")
    return client.post(
        "/agent/login", data={"username": "agent1", "password": password, "csrf_token": token, "next": "/agent/"}
    )


def test_passwords_are_stored_hashed(users_file):
    text = users_file.read_text(encoding="utf-8")
    assert "correct-horse-battery" not in text
    users = load_users(users_file)
    assert verify(users, "agent1", "correct-horse-battery")
    assert not verify(users, "agent1", "wrong-password")
    assert not verify(users, "nobody", "correct-horse-battery")


def test_bad_account_values_are_refused(tmp_path):
    with pytest.raises(UserError, match="at least 8"):
        add_user(tmp_path / "u.json", "agent2", "short")
    with pytest.raises(UserError, match="lowercase"):
        add_user(tmp_path / "u.json", "Agent 2", "long-enough-pass")


def test_users_from_environment(monkeypatch, tmp_path):
    from werkzeug.security import generate_password_hash

    monkeypatch.setenv("KB_USERS", f"envagent={generate_password_hash('from-the-environment')}")
    assert verify(load_users(tmp_path / "none.json", Settings.from_env().users), "envagent", "from-the-environment")


def test_console_requires_login(client, users_file):
    response = client.get("/agent/?q=카드")
    assert response.status_code == 302 and "/agent/login" in response.headers["Location"]
    assert client.get("/agent/articles/agent-script").status_code == 302
    assert client.get("/agent/api/search?q=카드").status_code == 401


def test_wrong_password_is_refused(client, users_file):
    response = login(client, password="nope-nope-nope")
    assert response.status_code == 401
    assert "올바르지 않습니다" in response.get_data(as_text=True)
    assert client.get("/agent/").status_code == 302


def test_login_without_csrf_token_is_refused(client, users_file):
    response = client.post("/agent/login", data={"username": "agent1", "password": "correct-horse-battery"})
    assert response.status_code == 400


def test_login_shows_internal_articles_marked(client, users_file):
    assert login(client).status_code == 303
    page = client.get("/agent/?q=상담 시작 스크립트").get_data(as_text=True)
    assert "/agent/articles/agent-script" in page and "내부용" in page
    data = client.get("/agent/api/search?q=상담 시작 스크립트").get_json()
    assert data["results"][0]["id"] == "agent-script" and data["results"][0]["audience"] == "internal"
    article = client.get("/agent/articles/agent-script").get_data(as_text=True)
    assert "비밀 내부 안내" in article
    # the public face still hides it, even for a logged-in agent
    assert "agent-script" not in client.get("/search?q=상담 시작 스크립트").get_data(as_text=True)
    assert client.get("/articles/agent-script").status_code == 404


def test_console_results_carry_copyable_answer_and_link(client, users_file):
    login(client)
    page = client.get("/agent/?q=카드 분실").get_data(as_text=True)
    assert 'data-answer="카드를 잃어버리셨다면' in page
    # agents paste links to customers: the public page, not the login-only console page
    assert 'data-url="http://localhost/articles/lost-report"' in page
    internal = client.get("/agent/?q=상담 시작 스크립트").get_data(as_text=True)
    assert 'data-url="http://localhost/agent/articles/agent-script"' in internal


def test_logout_needs_csrf_and_ends_the_session(client, users_file):
    login(client)
    assert client.post("/agent/logout").status_code == 400
    token = csrf_from(client, "/agent/")
    assert client.post("/agent/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/agent/").status_code == 302


def test_login_never_redirects_off_site(client, users_file):
    token = csrf_from(client, "/agent/login")
    response = client.post(
        "/agent/login",
        data={"username": "agent1", "password": "correct-horse-battery", "csrf_token": token, "next": "//evil.example"},
    )
    assert response.headers["Location"] == "/agent/"


def test_repeated_wrong_passwords_lock_the_account(client, users_file):
    for _ in range(5):
        assert login(client, password="nope-nope-nope").status_code == 401
    locked = login(client)  # even the right password waits now
    assert locked.status_code == 429 and "너무 많습니다" in locked.get_data(as_text=True)


def test_throttle_is_per_client_and_counts_before_checking(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from kb.state import StateStore
    from kb.throttle import LoginThrottle

    throttle = LoginThrottle(StateStore(tmp_path / "t.sqlite3"), max_failures=3, window=60)
    assert [throttle.attempt("agent1", "10.0.0.9", now=1000 + i) for i in range(3)] == [0, 0, 0]
    assert 0 < throttle.attempt("agent1", "10.0.0.9", now=1010) <= 60
    assert throttle.attempt("agent1", "10.0.0.7", now=1010) == 0  # the agent's own desk still gets in
    assert throttle.attempt("agent1", "10.0.0.9", now=1063) == 0  # the window has passed
    throttle.succeeded("agent1", "10.0.0.7")
    # parallel guesses cannot slip past the count
    with ThreadPoolExecutor(max_workers=8) as pool:
        waits = list(pool.map(lambda _: throttle.attempt("bob", "10.0.0.66", now=5000), range(20)))
    assert waits.count(0) == 3


def test_logout_revokes_a_copied_session_cookie(client, users_file, app):
    login(client)
    cookie = client.get_cookie("session").value
    token = csrf_from(client, "/agent/")
    client.post("/agent/logout", data={"csrf_token": token})
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/agent/api/search?q=카드").status_code == 401


def test_deleted_account_loses_its_session(client, users_file):
    login(client)
    assert client.get("/agent/api/search?q=카드").status_code == 200
    users_file.write_text('{"users": {}}', encoding="utf-8")
    assert client.get("/agent/api/search?q=카드").status_code == 401


def test_importing_users_does_not_hash_anything():
    import subprocess
    import sys

    from tests.conftest import REPO

    # with hashing disabled, an import that hashes fails
    code = "import werkzeug.security as s; s.generate_password_hash = None; import kb.users"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_environment_names_are_lower_cased_and_checked(monkeypatch, tmp_path):
    from werkzeug.security import generate_password_hash

    password_hash = generate_password_hash("from-the-environment")
    monkeypatch.setenv("KB_USERS", f" Bob ={password_hash}; bad name={password_hash};={password_hash};carol=")
    users = load_users(tmp_path / "none.json", Settings.from_env().users)
    assert list(users) == ["bob"]
    assert verify(users, "bob", "from-the-environment")


@pytest.mark.parametrize(
    "text,message",
    [
        ("[]", "must be a JSON object"),
        ('"users"', "must be a JSON object"),
        ('{"users": []}', '"users" must be an object'),
        ('{"users": "agent1"}', '"users" must be an object'),
        ("{not json", "not valid JSON"),
    ],
)
def test_malformed_users_file_is_a_user_error(tmp_path, text, message):
    users_file = tmp_path / "users.json"
    users_file.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=message) as caught:
        load_users(users_file)
    assert str(users_file) in str(caught.value)
    with pytest.raises(UserError, match=message):
        add_user(users_file, "agent2", "long-enough-pass")
    assert users_file.read_text(encoding="utf-8") == text
