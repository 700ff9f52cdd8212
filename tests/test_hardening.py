"""Hardening of the web app: personal data masked before logging, redirects, CSRF rotation, votes, base URL."""

from __future__ import annotations

import re
import sqlite3

import pytest

from kb.analytics import Analytics
from kb.privacy import mask_personal_data

EXAMPLE = "카드번호 9410-1234-5678-9012 연락처 010-1234-5678 hong@example.com 900101-1234567"


def rows(path, sql):
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def csrf_from(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def login(client, **extra):
    token = csrf_from(client, "/agent/login")
    data = {"username": "agent1", "password": "correct-horse-battery", "csrf_token": token, **extra}
    return client.post("/agent/login", data=data)


@pytest.fixture
def agent(settings):
    from kb.users import add_user

    add_user(settings.users_file, "agent1", "correct-horse-battery")


# -- personal data --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        (EXAMPLE, "카드번호 [카드번호] 연락처 [전화번호] [이메일] [주민등록번호]"),
        ("카드 4111111111111111 분실", "카드 [카드번호] 분실"),
        ("３７８２－８２２４６３－１０００５ 해지", "[카드번호] 해지"),
        ("01012345678로 문자 주세요", "[전화번호]로 문자 주세요"),
        ("02-123-4567 지점", "[전화번호] 지점"),
        ("+82 10-9876-5432", "[전화번호]"),
        ("주민번호 9001011234567", "주민번호 [주민등록번호]"),
        ("환불 계좌 110-123-456789 신한", "환불 계좌 [계좌번호] 신한"),
        ("계좌 1002-345-678901", "계좌 [계좌번호]"),
        ("HONG.Gil-dong+kb@mail.example.co.kr 로 보내 주세요", "[이메일] 로 보내 주세요"),
    ],
)
def test_personal_data_is_masked(text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "카드 분실 신고",
        "고객센터 1566-1000",
        "2026-11-29 결제 취소",
        "100,000원 할부 12개월",
        "포인트 5000점",
        "CVC 123",
        "",
    ],
)
def test_what_editors_need_is_kept(text):
    assert mask_personal_data(text) == text


def test_example_query_is_stored_masked_everywhere(client, settings):
    client.get("/search", query_string={"q": EXAMPLE})
    client.get("/api/search", query_string={"q": EXAMPLE})
    stored = rows(settings.analytics_db, "SELECT query, normalized, COALESCE(did_you_mean, '') FROM searches")
    assert len(stored) == 2
    text = " ".join(" ".join(row) for row in stored)
    for secret in ("9410", "5678", "010-1234", "hong@", "example.com", "900101", "1234567"):
        assert secret not in text
    assert "[카드번호]" in stored[0][0] and "[이메일]" in stored[0][0]


def test_vote_comment_is_stored_masked(client, settings):
    token = csrf_from(client, "/articles/lost-report")
    comment = "연락 주세요 010-2222-3333, kim@example.org"
    client.post("/articles/lost-report/feedback", data={"helpful": "no", "comment": comment, "csrf_token": token})
    assert rows(settings.analytics_db, "SELECT comment FROM votes") == [("연락 주세요 [전화번호], [이메일]",)]


def test_analytics_masks_without_the_web_layer(tmp_path):
    analytics = Analytics(tmp_path / "a.sqlite3")
    analytics.log_search(query=EXAMPLE, normalized=EXAMPLE, surface="api", total=0, top_ids=[], did_you_mean=EXAMPLE)
    assert "9410" not in str(rows(tmp_path / "a.sqlite3", "SELECT * FROM searches"))


# -- login ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/agent/\r\nSet-Cookie: x=1", "/agent/"),
        ("/agent/\nx", "/agent/"),
        ("/agent/\\evil.example", "/agent/"),
        ("/agent/\x00", "/agent/"),
        ("/agent/ x", "/agent/"),
        ("/agent/%0d%0aSet-Cookie:x=1", "/agent/%0d%0aSet-Cookie:x=1"),  # encoded: harmless, a 404 at most
    ],
)
def test_next_with_control_characters_never_breaks_login(client, agent, target, expected):
    response = login(client, next=target)
    assert response.status_code == 303
    assert response.headers["Location"] == expected
    assert client.get_cookie("x") is None  # no header was injected


def test_next_is_kept_when_it_is_a_console_path(client, agent):
    assert login(client, next="/agent/?q=카드").headers["Location"] == "/agent/?q=%EC%B9%B4%EB%93%9C"


def test_csrf_token_is_rotated_at_login_and_logout(client, agent):
    before = csrf_from(client, "/agent/login")
    login(client)
    after = csrf_from(client, "/agent/")
    assert after != before
    # the old token no longer works for a form post
    assert client.post("/agent/logout", data={"csrf_token": before}).status_code == 400
    assert client.post("/agent/logout", data={"csrf_token": after}).status_code == 303
    assert csrf_from(client, "/agent/login") != after


# -- votes ----------------------------------------------------------------------------------------------


def test_one_vote_per_visitor_per_article(client, settings):
    token = csrf_from(client, "/articles/lost-report")
    json = {"Accept": "application/json"}
    first = client.post("/articles/lost-report/feedback", data={"helpful": "yes", "csrf_token": token}, headers=json)
    again = client.post("/articles/lost-report/feedback", data={"helpful": "no", "csrf_token": token}, headers=json)
    other = client.post("/articles/pay-declined/feedback", data={"helpful": "no", "csrf_token": token}, headers=json)
    assert [r.status_code for r in (first, again, other)] == [200, 200, 200]
    assert rows(settings.analytics_db, "SELECT COUNT(*) FROM votes") == [(2,)]  # the second is not recorded again
    # the server remembers even when the cookie's list of votes is gone (dropped, trimmed, edited)
    with client.session_transaction() as session:
        session.pop("votes", None)
    forgot = client.post("/articles/lost-report/feedback", data={"helpful": "no", "csrf_token": token}, headers=json)
    assert forgot.status_code == 200
    page = client.post("/articles/lost-report/feedback", data={"helpful": "no", "csrf_token": token})
    assert page.status_code == 303  # the no-JavaScript form: thanked, not counted again
    assert rows(settings.analytics_db, "SELECT article_id, helpful FROM votes ORDER BY id") == [
        ("lost-report", 1),
        ("pay-declined", 0),
    ]


def test_votes_from_one_client_are_rate_limited(app, settings):
    from kb.web import VOTES_PER_CLIENT

    statuses = []
    for _ in range(VOTES_PER_CLIENT + 3):
        visitor = app.test_client()  # a fresh cookie each time, as a script would
        token = csrf_from(visitor, "/articles/lost-report")
        statuses.append(
            visitor.post("/articles/lost-report/feedback", data={"helpful": "yes", "csrf_token": token}).status_code
        )
    assert statuses[:VOTES_PER_CLIENT] == [303] * VOTES_PER_CLIENT
    assert statuses[VOTES_PER_CLIENT:] == [429] * 3
    assert rows(settings.analytics_db, "SELECT COUNT(*) FROM votes") == [(VOTES_PER_CLIENT,)]
    elsewhere = app.test_client()
    token = csrf_from(elsewhere, "/articles/lost-report")
    response = elsewhere.post(
        "/articles/lost-report/feedback",
        data={"helpful": "yes", "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert response.status_code == 303


# -- base URL -------------------------------------------------------------------------------------------


def test_canonical_links_come_from_the_base_url_not_the_host_header(settings):
    from kb.web import create_app

    settings.base_url = "https://faq.example.co.kr/"
    client = create_app(settings, TESTING=True).test_client()
    page = client.get("/articles/lost-report", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert '<link rel="canonical" href="https://faq.example.co.kr/articles/lost-report">' in page
    assert "evil.example" not in page
