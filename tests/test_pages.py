"""Page behaviour the customer and agent see: search form, votes, contact channels, phone links, dates."""

from __future__ import annotations

import re
import sqlite3

import pytest

from kb.presentation import korean_date, phone_links, without_short_answer
from kb.site_settings import SiteSettingsError, load_site_settings
from kb.users import add_user
from tests.test_agent import csrf_from as csrf
from tests.test_agent import login


@pytest.fixture
def users_file(settings):
    add_user(settings.users_file, "agent1", "correct-horse-battery")
    return settings.users_file


def votes(settings) -> list[tuple[str, int, str | None]]:
    with sqlite3.connect(settings.analytics_db) as db:
        return db.execute("SELECT article_id, helpful, comment FROM votes ORDER BY id").fetchall()


def post_vote(client, article_id: str, json: bool = True, **form):
    if not hasattr(client, "csrf_token"):  # one token per session; a voted page may hold no form any more
        client.csrf_token = csrf(client, f"/articles/{article_id}")
    token = client.csrf_token
    headers = {"Accept": "application/json"} if json else {}
    return client.post(f"/articles/{article_id}/feedback", data={"csrf_token": token, **form}, headers=headers)


# ---------- the search form ----------


@pytest.mark.parametrize("path", ["/articles/lost-report", "/categories/lost-cards", "/", "/nope"])
def test_search_form_carries_no_category_outside_the_results_page(client, path):
    page = client.get(path).get_data(as_text=True)
    form = page[page.index('<form class="search"') : page.index("</form>", page.index('<form class="search"'))]
    assert 'name="category"' not in form, form
    assert "Category(" not in page


def test_results_page_keeps_the_chosen_category_as_its_key(client):
    page = client.get("/search?q=카드&category=lost-cards").get_data(as_text=True)
    assert '<input type="hidden" name="category" value="lost-cards">' in page


# ---------- votes ----------


def test_one_vote_per_visitor_and_a_comment_joins_it(client, settings):
    first = post_vote(client, "lost-report", helpful="no")
    assert first.get_json() == {"ok": True, "helpful": "no", "commented": False, "comment_saved": False}
    again = post_vote(client, "lost-report", helpful="yes")
    assert again.get_json()["helpful"] == "no"  # the first vote stands
    comment = post_vote(client, "lost-report", comment="번호가 안 보여요")
    assert comment.get_json()["comment_saved"] is True
    assert post_vote(client, "lost-report", comment="또 씀").get_json()["comment_saved"] is False
    assert votes(settings) == [("lost-report", 0, "번호가 안 보여요")]


def test_a_comment_without_a_vote_is_refused(client, settings):
    assert post_vote(client, "lost-report", json=False, comment="hi").status_code == 400
    assert votes(settings) == []


def test_article_after_no_vote_shows_next_step_not_buttons(client):
    before = client.get("/articles/lost-report").get_data(as_text=True)
    assert 'value="no"' in before and re.search(r'id="vote-next" class="vote-next" hidden', before)
    response = post_vote(client, "lost-report", json=False, helpful="no")
    assert response.status_code == 303 and response.location.endswith("/articles/lost-report#feedback")
    page = client.get("/articles/lost-report").get_data(as_text=True)
    assert 'value="no"' not in page and 'value="yes"' not in page
    next_step = page[page.index('id="vote-next"') :]
    assert "hidden" not in next_step[: next_step.index(">")]
    assert 'href="tel:1566-1000"' in next_step and "/articles/lost-reissue" in next_step
    assert "채팅 상담" not in next_step and "1:1 문의" not in next_step  # not configured in site/site.yml


def test_contact_channels_come_from_one_settings_file(settings, tmp_path):
    from kb.web import create_app

    site_file = tmp_path / "site.yml"
    site_file.write_text(
        "contact:\n  phone: '1588 2000'\n  phone_hours: '평일 9-18시'\n"
        "  chat_url: https://chat.example.com/\n  inquiry_url: https://example.com/ask\n"
        "strings:\n  no_results: '없음: {q}'\n",
        encoding="utf-8",
    )
    client = create_app(settings, TESTING=True, SITE_SETTINGS_FILE=site_file).test_client()
    post_vote(client, "lost-report", json=False, helpful="no")
    page = client.get("/articles/lost-report").get_data(as_text=True)
    assert 'href="tel:15882000"' in page and "1588 2000" in page and "1566-1000</a>" not in page.split("<main")[0]
    assert 'href="https://chat.example.com/">채팅 상담' in page and 'href="https://example.com/ask">1:1 문의' in page
    empty = client.get("/search?q=qqqqzzzz").get_data(as_text=True)
    assert "없음: qqqqzzzz" in empty and 'href="tel:15882000"' in empty
    assert '"chat_url": "https://chat.example.com/"' in empty  # the JS reads the same file through base.html


@pytest.mark.parametrize(
    "text, message",
    [
        ("contact: [1, 2]\n", "site.yml:1: needs a 'contact' section"),
        ("strings: {}\ncontact:\n  phone: ''\n", "site.yml:3: contact.phone is missing"),
        ("contact:\n  phone: '1'\n  fax: '2'\n", "site.yml:2: unknown contact key 'fax'"),
        ("contact:\n  phone: [\n", "site.yml:3: not valid YAML"),
    ],
)
def test_broken_site_settings_name_file_and_line(tmp_path, text, message):
    path = tmp_path / "site.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SiteSettingsError, match=re.escape(message)):
        load_site_settings(path)


def test_the_shipped_site_settings_load():
    settings = load_site_settings()
    assert settings.contact.tel == "tel:1566-1000"
    assert "{q}" in settings.strings["no_results"]


# ---------- phone numbers, dates, the short answer ----------


def test_phone_numbers_in_article_text_become_tel_links():
    html = (
        '<p>고객센터(1566-1000)나 <a href="tel:02-123-4567">02-123-4567</a>, 010-1234-5678로</p>'
        '<p title="1566-1000">x</p>'
    )
    out = str(phone_links(html))
    assert '(<a class="tel" href="tel:1566-1000">1566-1000</a>)' in out
    assert out.count("02-123-4567") == 2  # the existing link is left alone
    assert '<a class="tel" href="tel:010-1234-5678">010-1234-5678</a>로' in out
    assert '<p title="1566-1000">' in out  # attributes are never touched
    assert str(phone_links("주문번호 12345-1566-1000")) == "주문번호 12345-1566-1000"


def test_article_page_links_the_phone_number(client):
    page = client.get("/articles/lost-report").get_data(as_text=True)
    body = page[page.index('<div class="body">') :]
    assert '<a class="tel" href="tel:1566-1000">1566-1000</a>' in body


def test_one_date_format_for_public_and_agent_pages(client, users_file):
    import datetime as dt

    assert korean_date(dt.date(2026, 1, 5)) == "2026. 1. 5." == korean_date("2026-01-05")
    assert "2026. 11. 24." in client.get("/articles/lost-report").get_data(as_text=True)
    login(client)
    agent_page = client.get("/agent/articles/lost-report").get_data(as_text=True)
    assert "2026. 11. 24." in agent_page and "2026-11-24</" not in agent_page


def test_agent_article_shows_the_short_answer_once(client, users_file):
    login(client)
    page = client.get("/agent/articles/lost-report").get_data(as_text=True)
    assert page.count("즉시 앱이나 고객센터") == 1 + 1  # the labelled answer + its data-answer attribute
    assert "<h2>신고 방법</h2>" in page  # the rest of the body stays


def test_without_short_answer_keeps_a_body_that_starts_differently():
    html = "<h2>먼저</h2><p>짧은 답</p>"
    assert str(without_short_answer(html, "짧은 답")) == "<h2>먼저</h2>"
    assert str(without_short_answer("<p>다른 말</p><p>짧은 답</p>", "짧은 답")) == "<p>다른 말</p><p>짧은 답</p>"


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.location.endswith("/static/favicon.svg")
    assert client.get("/static/favicon.svg").status_code == 200
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)


# ---------- category pages ----------


def test_category_page_lists_the_most_opened_first_and_switches_categories(client):
    page = client.get("/categories/lost-cards").get_data(as_text=True)
    assert "자주 묻는 질문 TOP 2" in page
    assert page.index("/articles/lost-report") < page.index("/articles/lost-reissue")  # the usual key question
    tabs = page[page.index('class="chips category-tabs"') :]
    tabs = tabs[: tabs.index("</nav>")]
    assert tabs.count("<a ") == 4 and 'href="/categories/lost-cards" aria-current="page"' in tabs
    # customers open 재발급 most: it moves up
    search = client.get("/search?q=재발급").get_data(as_text=True)
    sid = re.search(r"/articles/lost-reissue\?sid=(\d+)", search).group(1)
    for _ in range(2):
        client.get(f"/articles/lost-reissue?sid={sid}&r=1")
    page = client.get("/categories/lost-cards").get_data(as_text=True)
    assert page.index("/articles/lost-reissue") < page.index("/articles/lost-report")


def test_popular_first_orders_by_rank_then_title():
    from types import SimpleNamespace

    from kb.presentation import popular_first

    articles = [SimpleNamespace(id=i, title=t) for i, t in [("a", "다"), ("b", "가"), ("c", "나"), ("d", "라")]]
    assert [a.id for a in popular_first(articles, ["d", "x", "c", "d"])] == ["d", "c", "b", "a"]


# ---------- the agent console ----------


def test_console_before_the_first_search_shows_popular_and_recent(client, users_file):
    login(client)
    page = client.get("/agent/").get_data(as_text=True)
    assert "고객이 많이 찾는 도움말" in page and "/agent/articles/lost-report" in page
    assert "최근에 연 도움말" not in page
    client.get("/agent/articles/agent-script")
    client.get("/agent/articles/pay-declined")
    page = client.get("/agent/").get_data(as_text=True)
    recent = page[page.index("최근에 연 도움말") : page.index("고객이 많이 찾는 도움말")]
    assert recent.index("/agent/articles/pay-declined") < recent.index("/agent/articles/agent-script")
    assert "내부용" in recent
    searched = client.get("/agent/?q=카드").get_data(as_text=True)
    assert "최근에 연 도움말" not in searched and "고객이 많이 찾는 도움말" not in searched


def test_layout_notice_links_to_the_text_as_typed(client, users_file):
    page = client.get("/search?q=zkem qnstlf").get_data(as_text=True)
    assert '<a href="/search?q=zkem+qnstlf&amp;exact=1"' in page
    login(client)
    agent_page = client.get("/agent/?q=zkem qnstlf").get_data(as_text=True)
    assert '<a href="/agent/?q=zkem+qnstlf&amp;exact=1"' in agent_page
