"""Every page with a search box, typed into as a person would; Back returns to where the user was."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

RESULTS = "#result-list > li.result"
LOST_REPORT = re.compile(r"/articles/lost-report(\?|$)")

# Every page type that carries the search form (the agent pages are in AGENT_PAGES).
PUBLIC_PAGES = ["/", "/search?q=결제", "/articles/pay-declined", "/categories/lost-cards", "/no-such-page"]
AGENT_PAGES = ["/agent/", "/agent/articles/pay-declined"]


def type_query(page: Page, text: str) -> None:
    box = page.locator("#q")
    box.click()
    box.press("Control+A")
    box.press_sequentially(text, delay=20)


def watch_api_errors(page: Page) -> list[str]:
    failed: list[str] = []
    page.on(
        "response", lambda r: failed.append(f"{r.status} {r.url}") if "/api/" in r.url and r.status >= 400 else None
    )
    return failed


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_typing_on_every_public_page_searches_and_back_returns(page: Page, path):
    failed = watch_api_errors(page)
    page.goto(path)
    start_url, start_query = page.url, page.locator("#q").input_value()
    heading = page.locator("main h1").first.inner_text()
    page.evaluate("window.__sameDocument = true")

    type_query(page, "카드 분실")

    expect(page.locator(RESULTS).first.locator("a.title")).to_have_attribute("href", LOST_REPORT)
    expect(page).to_have_url(re.compile(r"/search\?q=%EC%B9%B4%EB%93%9C(\+|%20)%EB%B6%84%EC%8B%A4$"))
    assert page.evaluate("window.__sameDocument === true"), "instant search must not reload the page"
    assert not failed, f"the search box of {path} got errors from the API: {failed}"

    page.go_back()
    expect(page).to_have_url(start_url)
    expect(page.locator("#q")).to_have_value(start_query)
    expect(page.locator("main h1").first).to_have_text(heading)
    expect(page.locator("main h1").first).to_be_visible()
    assert page.evaluate("window.__sameDocument === true"), "Back after instant search must stay on the page"

    page.go_forward()
    expect(page.locator("#q")).to_have_value("카드 분실")
    expect(page.locator(RESULTS).first.locator("a.title")).to_have_attribute("href", LOST_REPORT)


def test_enter_on_an_article_page_searches_the_whole_site(new_context):
    """Without JavaScript the form submits: no Python repr in the address, the results page answers."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/articles/pay-declined")
    page.locator("#q").fill("카드 분실")
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    assert "category" not in page.url, page.url
    expect(page.locator(RESULTS).first.locator("a.title")).to_have_attribute("href", LOST_REPORT)


@pytest.mark.parametrize("path", AGENT_PAGES)
def test_typing_on_every_agent_page_searches(new_context, agent_storage_state, path):
    page = new_context(storage_state=agent_storage_state).new_page()
    failed = watch_api_errors(page)
    page.goto(path)
    type_query(page, "카드 분실")
    expect(page.locator(RESULTS).first.locator("a.title")).to_have_attribute(
        "href", re.compile(r"/agent/articles/lost-report(\?|$)")
    )
    expect(page).to_have_url(re.compile(r"/agent/\?q="))
    assert not failed, failed
    page.go_back()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def test_the_address_is_shareable(page: Page):
    page.goto("/")
    type_query(page, "카드 분실")
    expect(page).to_have_url(re.compile(r"q=%EC%B9%B4%EB%93%9C(\+|%20)%EB%B6%84%EC%8B%A4$"))  # typing settled
    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    expect(other.locator("#q")).to_have_value("카드 분실")
    expect(other.locator(RESULTS).first.locator("a.title")).to_have_attribute("href", LOST_REPORT)


def test_one_back_per_search_not_per_keystroke(page: Page):
    """Keystrokes replace the entry instant search pushed: one Back returns to the home page."""
    page.goto("/")
    type_query(page, "카드 분실")
    expect(page.locator(RESULTS).first).to_be_visible()
    type_query(page, "포인트")
    expect(page).to_have_url(re.compile(r"q=%ED%8F%AC%EC%9D%B8%ED%8A%B8$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#home-content")).to_be_visible()
    expect(page.locator("#q")).to_have_value("")
