"""Finding the answer while typing: the half-typed last word, the suggestion list, more than one page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import MILEAGE_ARTICLES

RESULTS = "#result-list > li.result"
LOST_REPORT = re.compile(r"/articles/lost-report(\?|$)")


def type_query(page: Page, text: str) -> None:
    box = page.locator("#q")
    box.click()
    box.press_sequentially(text, delay=20)


def test_half_typed_last_word_is_a_prefix(page: Page):
    page.goto("/")
    type_query(page, "카드 분")
    expect(page.locator(RESULTS).first.locator("a.title")).to_have_attribute("href", LOST_REPORT)
    expect(page.locator("#q")).to_have_value("카드 분")  # what the user typed stays as typed


def test_suggestion_list_by_keyboard(page: Page):
    page.goto("/")
    type_query(page, "카드 분")
    box = page.get_by_role("combobox", name="도움말 검색")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option").first).to_contain_text("카드를 분실했을 때")

    box.fill("")
    type_query(page, "마일리")  # several suggestions
    options = listbox.get_by_role("option")
    expect(options).to_have_count(6)
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggest-0")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggest-1")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    box.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", "suggest-0")
    expect(box).to_be_focused()  # the focus never leaves the box: typing goes on

    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("마일리")  # the first Escape only closes the list

    box.press("ArrowDown")  # opens it again, on the first option
    expect(box).to_have_attribute("aria-activedescendant", "suggest-0")
    first = options.nth(0).inner_text().split("\n")[0]
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/articles/mileage-\d\d$"))
    expect(page.locator("h1")).to_have_text(first)


def test_more_results_with_javascript(page: Page):
    page.goto("/")
    type_query(page, "마일리지")
    expect(page.locator("#result-count")).to_contain_text(f"{MILEAGE_ARTICLES}건")
    expect(page.locator(RESULTS)).to_have_count(20)
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("link", name=re.compile("결과 더 보기")).click()
    expect(page.locator(RESULTS)).to_have_count(MILEAGE_ARTICLES)
    expect(page.locator("a.more")).to_have_count(0)
    ids = page.locator(RESULTS).evaluate_all("items => items.map(i => i.dataset.id)")
    assert len(set(ids)) == MILEAGE_ARTICLES, "the next results follow on, none repeated"
    assert page.evaluate("window.__sameDocument === true")
    expect(page.locator(RESULTS).nth(20).locator("a.title")).to_be_focused()


def test_more_results_on_the_server_page_with_javascript(page: Page):
    page.goto("/search?q=마일리지")
    expect(page.locator("#result-count")).to_contain_text(f"{MILEAGE_ARTICLES}건")
    page.get_by_role("link", name=re.compile("결과 더 보기")).click()
    expect(page.locator(RESULTS)).to_have_count(MILEAGE_ARTICLES)


def test_more_results_without_javascript(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/search?q=마일리지")
    expect(page.locator(RESULTS)).to_have_count(20)
    first_page = page.locator(RESULTS).evaluate_all("items => items.map(i => i.dataset.id)")
    page.get_by_role("link", name=re.compile("결과 더 보기")).click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(RESULTS)).to_have_count(MILEAGE_ARTICLES - 20)
    expect(page.locator("#result-list")).to_have_attribute("start", "21")
    second_page = page.locator(RESULTS).evaluate_all("items => items.map(i => i.dataset.id)")
    assert not set(first_page) & set(second_page)
    page.get_by_role("link", name="이전 결과").click()
    expect(page.locator(RESULTS)).to_have_count(20)
