"""Searches, clicks and votes land in a real SQLite file; nothing personal; old rows expire."""

import re
import sqlite3
import time

from kb.analytics import Analytics


def rows(settings, sql):
    with sqlite3.connect(settings.analytics_db) as db:
        return db.execute(sql).fetchall()


def test_search_page_logs_query_and_results(client, settings):
    client.get("/search?q=카드 잃어버렸어요")
    client.get("/search?q=qqqqzzzz")
    logged = rows(settings, "SELECT query, surface, total, top_ids FROM searches ORDER BY id")
    assert logged[0][:2] == ("카드 잃어버렸어요", "public") and logged[0][2] >= 1
    assert '"lost-report"' in logged[0][3]
    assert logged[1][2] == 0  # a zero-result query, for the editors


def test_instant_search_keystrokes_are_not_logged(client, settings):
    client.get("/api/search?q=카드 분&typing=1")
    assert rows(settings, "SELECT COUNT(*) FROM searches") == [(0,)]
    data = client.get("/api/search?q=카드 분실").get_json()
    assert data["search_id"] == 1


def test_layout_fix_and_typo_are_recorded(client, settings):
    client.get("/api/search?q=zkem qnstlf")
    client.get("/api/search?q=분싫 신고")
    logged = rows(settings, "SELECT normalized, layout_fixed, did_you_mean FROM searches ORDER BY id")
    assert logged == [("카드 분실", 1, None), ("분싫 신고", 0, "분실 신고")]


def test_click_from_results_is_logged_with_rank(client, settings):
    page = client.get("/search?q=카드 잃어버렸어요").get_data(as_text=True)
    link = re.search(r'href="(/articles/lost-report\?[^"]+)"', page).group(1).replace("&amp;", "&")
    client.get(link)
    assert rows(settings, "SELECT search_id, article_id, rank FROM clicks") == [(1, "lost-report", 1)]


def test_vote_with_comment(client, settings):
    page = client.get("/articles/lost-report").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/articles/lost-report/feedback",
        data={"helpful": "no", "comment": " 신고 후 절차가 더 궁금해요 ", "csrf_token": token},
    )
    assert response.status_code == 303
    assert "감사합니다" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert rows(settings, "SELECT article_id, helpful, comment FROM votes") == [
        ("lost-report", 0, "신고 후 절차가 더 궁금해요")
    ]


def test_vote_needs_csrf_and_valid_value(client, settings):
    assert client.post("/articles/lost-report/feedback", data={"helpful": "yes"}).status_code == 400
    page = client.get("/articles/lost-report").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert (
        client.post("/articles/lost-report/feedback", data={"helpful": "maybe", "csrf_token": token}).status_code == 400
    )
    assert (
        client.post("/articles/agent-script/feedback", data={"helpful": "yes", "csrf_token": token}).status_code == 404
    )


def test_no_personal_data_columns(settings, client):
    client.get("/search?q=카드")
    columns = {
        row[1] for table in ("searches", "clicks", "votes") for row in rows(settings, f"PRAGMA table_info({table})")
    }
    assert not columns & {"ip", "remote_addr", "user_agent", "user", "username", "email"}


def test_retention_deletes_old_rows(tmp_path):
    analytics = Analytics(tmp_path / "a.sqlite3", retention_days=30)
    search_id = analytics.log_search(query="카드", normalized="카드", surface="public", total=3, top_ids=["a"])
    assert analytics.log_click(article_id="a", search_id=search_id, rank=1)
    analytics.log_vote(article_id="a", helpful=True)
    assert analytics.purge(now=time.time() + 29 * 86_400) == 0
    assert analytics.purge(now=time.time() + 31 * 86_400) == 3
    assert analytics.counts() == {"searches": 0, "clicks": 0, "votes": 0}


def test_popular_questions_follow_clicks(client, settings):
    for _ in range(3):
        search_id = client.get("/api/search?q=포인트 현금화").get_json()["search_id"]
        client.get(f"/articles/pts-cash-out?sid={search_id}&r=1")
    page = client.get("/").get_data(as_text=True)
    assert page.index("/articles/pts-cash-out") < page.index("/articles/lost-report")


def test_clicks_without_a_real_search_do_not_count(client, settings):
    for _ in range(5):
        client.get("/articles/pts-cash-out?r=1")
        client.get("/articles/pts-cash-out?sid=999&r=1")
    assert rows(settings, "SELECT COUNT(*) FROM clicks") == [(0,)]
    page = client.get("/").get_data(as_text=True)
    assert page.index("/articles/lost-report") < page.index("/articles/pts-cash-out")


def test_agent_searches_and_clicks_are_logged(client, settings):
    import re as _re

    from kb.users import add_user

    add_user(settings.users_file, "agent1", "correct-horse-battery")
    token = _re.search(r'name="csrf_token" value="([^"]+)"', client.get("/agent/login").get_data(as_text=True))
    client.post(
        "/agent/login",
        data={"username": "agent1", "password": "correct-horse-battery", "csrf_token": token.group(1)},
    )
    page = client.get("/agent/?q=상담 시작 스크립트").get_data(as_text=True)
    link = _re.search(r'href="(/agent/articles/agent-script\?[^"]+)"', page).group(1).replace("&amp;", "&")
    client.get(link)
    assert rows(settings, "SELECT surface FROM searches") == [("agent",)]
    assert rows(settings, "SELECT article_id, rank FROM clicks") == [("agent-script", 1)]


def test_site_instant_search_counts_as_public(client, settings):
    client.get("/api/search?q=카드 분실&from=web")
    client.get("/api/search?q=카드 분실")
    assert rows(settings, "SELECT surface FROM searches ORDER BY id") == [("public",), ("api",)]
