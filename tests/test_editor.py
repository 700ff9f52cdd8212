"""Editor pages: role-gated login, preview as customers see it, analysis, insights and CSV."""

import re
from urllib.parse import unquote

import pytest

from kb.users import add_user, load_roles

PASSWORD = "correct-horse-battery"


@pytest.fixture
def accounts(settings, tmp_path):
    settings.users_file = tmp_path / "users.json"  # never the working tree's var/users.json
    add_user(settings.users_file, "agent1", PASSWORD)
    add_user(settings.users_file, "editor1", PASSWORD, roles=("editor",))
    add_user(settings.users_file, "both1", PASSWORD, roles=("agent", "editor"))
    return settings.users_file


def login(client, name, next_url=""):
    page = client.get("/agent/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(
        "/agent/login", data={"username": name, "password": PASSWORD, "csrf_token": token, "next": next_url}
    )


@pytest.fixture
def editor(client, accounts):
    login(client, "editor1")
    return client


def test_roles_are_stored_and_kept_on_password_change(accounts):
    assert load_roles(accounts) == {
        "agent1": {"agent"},
        "editor1": {"editor"},
        "both1": {"agent", "editor"},
    }
    add_user(accounts, "editor1", "another-long-password")  # no roles given: keep them
    assert load_roles(accounts)["editor1"] == {"editor"}


def test_environment_accounts_take_roles(monkeypatch, tmp_path):
    from werkzeug.security import generate_password_hash

    password_hash = generate_password_hash(PASSWORD)
    monkeypatch.setenv("KB_USERS", f"ann={password_hash}=editor+agent;bob={password_hash}")
    from kb.config import Settings

    users = Settings.from_env().users  # KB_USERS is read by Settings, like every KB_* variable
    assert load_roles(tmp_path / "none.json", users) == {"ann": {"editor", "agent"}, "bob": {"agent"}}


def test_cli_user_add_with_role(runner, tmp_path):
    from kb.cli import main

    users = tmp_path / "users.json"
    result = runner.invoke(
        main, ["user", "add", "ed", "--role", "editor", "--users-file", str(users)], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "saved account 'ed' (editor)" in result.output
    assert load_roles(users)["ed"] == {"editor"}


def test_editor_pages_need_login_and_the_editor_role(client, accounts):
    for url in ("/editor/", "/editor/analyze?q=카드", "/editor/insights", "/editor/insights/days.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/agent/login" in response.headers["Location"]
    login(client, "agent1")
    for url in ("/editor/", "/editor/preview?path=lost-cards/lost-report.md", "/editor/insights"):
        response = client.get(url)
        assert response.status_code == 403
        assert "편집자 권한이 없습니다" in response.get_data(as_text=True)
    assert client.get("/agent/").status_code == 200


def test_editor_without_agent_role_lands_on_editor_pages(client, accounts):
    response = login(client, "editor1")
    assert response.headers["Location"].endswith("/editor/")
    assert client.get("/agent/").status_code == 403


def test_agent_with_editor_role_opens_both(client, accounts):
    login(client, "both1")
    assert client.get("/agent/").status_code == 200
    assert client.get("/editor/").status_code == 200


def test_login_redirects_back_to_an_editor_page(client, accounts):
    response = login(client, "editor1", next_url="/editor/analyze?q=분실")
    assert unquote(response.headers["Location"]) == "/editor/analyze?q=분실"


def test_home_lists_findings_and_files(editor, settings):
    bad = settings.articles_dir / "payments" / "pay-overseas.md"
    bad.write_text(bad.read_text(encoding="utf-8") + "\n[x](/articles/missing-one)\n", encoding="utf-8")
    page = editor.get("/editor/").get_data(as_text=True)
    assert f"{bad}:11:" in page and "missing-one" in page
    assert "lost-cards/lost-report.md" in page


def test_preview_renders_the_file_as_customers_see_it_with_findings(editor, client, settings):
    path = settings.articles_dir / "lost-cards" / "lost-report.md"
    path.write_text(path.read_text(encoding="utf-8").replace("즉시 앱이나", "지금 바로 앱이나"), encoding="utf-8")
    page = editor.get("/editor/preview?path=lost-cards/lost-report.md").get_data(as_text=True)
    customer = client.application.test_client().get("/articles/lost-report").get_data(as_text=True)
    assert "지금 바로 앱이나" in page and "지금 바로 앱이나" not in customer  # not live until indexed
    assert "<h1>카드를 분실했을 때 어떻게 신고하나요?</h1>" in page and "이 문서의 검사 결과" in page
    assert 'class="crumbs"' in page and 'class="crumbs"' in customer  # the customers' template
    assert 'action="/articles/lost-report/feedback"' not in page  # an editor's click is no customer vote


def test_preview_of_a_broken_file_names_the_line(editor, settings):
    path = settings.articles_dir / "lost-cards" / "lost-report.md"
    path.write_text(path.read_text(encoding="utf-8").replace("category: lost-cards", "category: [x"), "utf-8")
    page = editor.get("/editor/preview?path=lost-cards/lost-report.md").get_data(as_text=True)
    assert f"{path}:" in page and "not valid YAML" in page
    assert "마지막으로 반영된 버전" in page


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "lost-cards/../../x.md", "categories.yml", ""])
def test_preview_stays_inside_the_articles_folder(editor, path):
    assert editor.get("/editor/preview", query_string={"path": path}).status_code == 404


def test_analyze_page_shows_steps_ranking_and_score_parts(editor):
    page = editor.get("/editor/analyze", query_string={"q": "zkem qnstlf", "article": "lost-report"}).get_data(
        as_text=True
    )
    assert "한/영 전환" in page and "카드 분실" in page
    assert "카드를 분실했을 때 어떻게 신고하나요?" in page
    assert "점수 구성" in page and "제목" in page


def test_analyze_page_says_why_an_internal_article_is_missing(editor):
    page = editor.get("/editor/analyze", query_string={"q": "상담 시작 스크립트", "article": "agent-script"})
    text = page.get_data(as_text=True)
    assert "내부용 문서라 고객 검색에는 나오지 않습니다" in text
    agent_view = editor.get(
        "/editor/analyze", query_string={"q": "상담 시작 스크립트", "article": "agent-script", "audience": "internal"}
    ).get_data(as_text=True)
    assert "빠진 이유" not in agent_view and "점수 구성" in agent_view


def test_status_page_checks_the_folder_again_only_when_a_file_changed(editor, settings, monkeypatch):
    """At 20,000 articles a folder check takes seconds: the status page answers again from the last
    check while no file was added, removed or saved; a file saved just now is always read again."""
    import os
    import time

    from kb import checks
    from kb.web import editor as pages

    real, calls = checks.check_folder, []
    monkeypatch.setattr(checks, "check_folder", lambda *a, **k: calls.append(1) or real(*a, **k))
    past = time.time() - 60
    for path in settings.articles_dir.rglob("*"):
        os.utime(path, (past, past))
    editor.get("/editor/")
    assert "/articles/missing-one" not in editor.get("/editor/preview?path=payments/pay-overseas.md").get_data(
        as_text=True
    )
    assert len(calls) == 1  # the status page and the preview shared one check
    bad = settings.articles_dir / "payments" / "pay-overseas.md"
    bad.write_text(bad.read_text(encoding="utf-8") + "\n[x](/articles/missing-one)\n", encoding="utf-8")
    os.utime(bad, (past + 30, past + 30))
    page = editor.get("/editor/").get_data(as_text=True)
    assert f"{bad}:11:" in page and "missing-one" in page and len(calls) == 2
    bad.write_text(bad.read_text(encoding="utf-8").replace("missing-one", "missing-two"), encoding="utf-8")
    assert "missing-two" in editor.get("/editor/").get_data(as_text=True)  # same size, saved just now
    bad.write_text(bad.read_text(encoding="utf-8") + "\n[y](pay-overseas.md)\n", encoding="utf-8")  # a warning
    monkeypatch.setattr(pages, "SHOWN_WARNINGS", 0)
    page = editor.get("/editor/").get_data(as_text=True)
    assert "missing-two" in page and "경고는 처음 0건만 보입니다" in page  # errors are always all shown
