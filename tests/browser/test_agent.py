"""An agent on a call: log in, find internal answers, drive the console from the keyboard, log out."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from tests.browser.conftest import AGENT_NAME, AGENT_PASSWORD

RESULTS = "#result-list > li.result"
LOGIN = re.compile(r"/agent/login(\?|$)")
CONSOLE = re.compile(r"/agent/(\?|$)")


def settled_search(response) -> bool:
    """The logged (non-keystroke) instant-search request, sent once typing has settled."""
    query = parse_qs(urlsplit(response.url).query)
    return "/agent/api/search" in response.url and "typing" not in query


# ---------- login ----------


def test_console_requires_login(page: Page):
    page.goto("/agent/")
    expect(page).to_have_url(LOGIN)
    expect(page.get_by_role("heading", name="상담원 로그인")).to_be_visible()
    expect(page.locator("#q")).to_have_count(0)


def test_wrong_password_shows_error(page: Page, login):
    login(page, password="wrong-password-123")
    expect(page.get_by_role("alert")).to_have_text("아이디 또는 비밀번호가 올바르지 않습니다.")
    expect(page).to_have_url(LOGIN)
    page.goto("/agent/")
    expect(page).to_have_url(LOGIN)


def test_correct_login_lands_on_console(page: Page, login):
    login(page)
    expect(page).to_have_url(CONSOLE)
    expect(page.locator("header .user")).to_have_text(AGENT_NAME)
    expect(page.locator("form.search #q")).to_be_visible()


def test_login_returns_to_the_requested_search(page: Page):
    page.goto("/agent/?q=카드")
    expect(page).to_have_url(LOGIN)
    page.fill("#username", AGENT_NAME)
    page.fill("#password", AGENT_PASSWORD)
    page.click("form.login button[type=submit]")
    expect(page).to_have_url(re.compile(r"/agent/\?q="))
    expect(page.locator("#q")).to_have_value("카드")
    expect(page.locator(RESULTS).first).to_be_visible()


# ---------- internal articles ----------


def test_internal_article_is_shown_to_agents_with_badge(agent_page: Page):
    page = agent_page
    page.goto("/agent/?q=상담 시작 스크립트")
    item = page.locator(f"{RESULTS}[data-id=agent-script]")
    expect(item).to_have_count(1)
    expect(item.locator(".badge")).to_have_text("내부용")

    # The same through instant search.
    page.goto("/agent/")
    page.locator("#q").click()
    page.locator("#q").press_sequentially("상담 시작 스크립트", delay=20)
    item = page.locator(f"{RESULTS}[data-id=agent-script]")
    expect(item.locator(".badge")).to_have_text("내부용")
    expect(item.locator("a.title")).to_have_attribute("href", re.compile(r"^/agent/articles/agent-script(\?|$)"))


def test_internal_article_never_reaches_the_public(agent_page: Page):
    # Even in a browser that is logged in as an agent, the public site stays public.
    page = agent_page
    page.goto("/search?q=상담 시작 스크립트")
    expect(page.locator("#results")).to_be_attached()
    expect(page.locator("a[href*='agent-script']")).to_have_count(0)
    expect(page.get_by_text("상담 시작 스크립트 (상담원용)")).to_have_count(0)
    expect(page.get_by_text("비밀 내부 안내")).to_have_count(0)

    page.goto("/")
    page.locator("#q").press_sequentially("상담 시작 스크립트", delay=20)
    with page.expect_response(lambda r: "/api/search" in r.url and "typing" not in r.url):
        pass
    expect(page.locator("a[href*='agent-script']")).to_have_count(0)
    expect(page.get_by_text("비밀 내부 안내")).to_have_count(0)

    response = page.goto("/articles/agent-script")
    assert response is not None and response.status == 404


# ---------- keyboard-first ----------


def _search_from_keyboard(page: Page, query: str) -> None:
    url = urlsplit(page.url)
    if url.path != "/agent/" or url.query:
        page.goto("/agent/")
    box = page.locator("#q")
    expect(box).not_to_be_focused()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    with page.expect_response(settled_search):
        page.keyboard.type(query, delay=20)
    expect(page.locator(RESULTS).nth(1)).to_be_visible()


def test_keyboard_shortcuts_select_copy_and_open(agent_page: Page, base_url):
    page = agent_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    _search_from_keyboard(page, "카드")
    items = page.locator(RESULTS)

    page.keyboard.press("ArrowDown")
    expect(items.nth(0)).to_have_class(re.compile(r"\bselected\b"))
    expect(items.nth(0).locator("a.title")).to_be_focused()

    page.keyboard.press("ArrowDown")
    second = items.nth(1)
    expect(second).to_have_class(re.compile(r"\bselected\b"))
    expect(items.nth(0)).not_to_have_class(re.compile(r"\bselected\b"))
    expect(second.locator("a.title")).to_be_focused()

    toast = page.locator("#toast")
    page.keyboard.press("c")
    expect(toast).to_contain_text("복사했습니다")
    assert page.evaluate("navigator.clipboard.readText()") == second.get_attribute("data-answer")

    page.evaluate("navigator.clipboard.writeText('')")
    page.keyboard.press("l")
    expect(toast).to_contain_text("링크를 복사했습니다")
    assert page.evaluate("navigator.clipboard.readText()") == second.get_attribute("data-url")

    article_id = second.get_attribute("data-id")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/agent/articles/{article_id}(\?|$)"))
    expect(page.locator("article h1")).to_be_visible()


def test_selection_survives_the_settled_search(agent_page: Page):
    """An agent who arrows down as soon as results appear must not lose the selection 1.5 s later."""
    page = agent_page
    page.keyboard.press("/")
    with page.expect_response(settled_search):
        page.keyboard.type("카드", delay=20)
        expect(page.locator(RESULTS).nth(1)).to_be_visible()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        expect(page.locator(RESULTS).nth(1)).to_have_class(re.compile(r"\bselected\b"))
    second = page.locator(RESULTS).nth(1)
    # The settled (logged) request must not re-render the list and drop the selection and focus.
    expect(second).to_have_class(re.compile(r"\bselected\b"), timeout=1_000)
    expect(second.locator("a.title")).to_be_focused(timeout=1_000)


def test_copied_link_for_public_article_is_the_customer_link(agent_page: Page, base_url):
    """'L' is for sending the customer a link: for a public article it must open without an agent login
    (the agent article page already copies the public URL)."""
    page = agent_page
    public_url = f"{base_url}/articles/lost-report"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page.goto("/agent/articles/lost-report")
    page.keyboard.press("l")
    expect(page.locator("#toast")).to_contain_text("링크를 복사했습니다")
    assert page.evaluate("navigator.clipboard.readText()") == public_url

    # Server-rendered console results.
    page.goto("/agent/?q=카드 분실")
    server_link = page.locator(f"{RESULTS}[data-id=lost-report]").get_attribute("data-url")

    # Instant-search results, copied with the keyboard.
    _search_from_keyboard(page, "카드 분실")
    expect(page.locator(RESULTS).first).to_have_attribute("data-id", "lost-report")
    page.keyboard.press("ArrowDown")
    page.evaluate("navigator.clipboard.writeText('')")
    page.keyboard.press("l")
    expect(page.locator("#toast")).to_contain_text("링크를 복사했습니다")
    copied = page.evaluate("navigator.clipboard.readText()")

    # Links to /agent/articles/... would ask the customer for an agent login.
    assert {"server-rendered data-url": server_link, "copied with L": copied} == {
        "server-rendered data-url": public_url,
        "copied with L": public_url,
    }, "the console hands out agent-only links for a public article"


# ---------- logout ----------


def test_logout_ends_the_session(page: Page, login):
    # its own login: logging out revokes the session server-side, so the shared one must not be used
    login(page)
    page.wait_for_url("**/agent/")
    page.get_by_role("button", name="로그아웃").click()
    expect(page).to_have_url(LOGIN)
    page.goto("/agent/")
    expect(page).to_have_url(LOGIN)
    response = page.goto("/agent/api/search?q=카드")
    assert response is not None and response.status == 401
