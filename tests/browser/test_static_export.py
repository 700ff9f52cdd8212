"""The static export in a real browser, opened from disk (file://) and from a plain static server.

The export is built from the test corpus, which holds an internal article: it must never show.
Every test watches for failed requests and console errors: the export must load cleanly both ways.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import MILEAGE_ARTICLES, mileage_articles
from tests.browser.test_customer import axe_violations, describe
from tests.conftest import ARTICLES, write_corpus

RESULTS = "#result-list > li.result"
INTERNAL_TITLE = "상담 시작 스크립트"


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    from kb.corpus import load_corpus
    from kb.export import export_site, published_corpus
    from kb.indexing import build

    root = tmp_path_factory.mktemp("static-export")
    # 24 articles on 마일리지: one query with more results than a page shows ("더 보기")
    build(load_corpus(write_corpus(root / "articles", {**ARTICLES, **mileage_articles()})), root / "index")
    corpus, _ = published_corpus(root / "index")
    export_site(corpus, root / "site", index_dir=root / "index")
    return root / "site"


@pytest.fixture(scope="module")
def http_root(export_dir):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(export_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.terminate()
                pytest.fail("python -m http.server did not start")
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(params=["file", "http"])
def root(request, export_dir) -> str:
    if request.param == "file":
        return export_dir.as_uri() + "/"
    return request.getfixturevalue("http_root")


class Watched:
    """A page that records every failed request and console error."""

    def __init__(self, page: Page):
        self.page = page
        self.problems: list[str] = []
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        page.on("console", lambda m: m.type in ("error", "warning") and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def _failed(self, request) -> None:
        # a request cut short because the test moved on to the next page is not a failure
        if "ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(f"failed: {request.url} {request.failure}")


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
    context.set_default_timeout(5_000)
    page = Watched(context.new_page())
    yield page
    context.close()
    assert not page.problems, "\n".join(page.problems)


def type_query(page: Page, text: str) -> None:
    box = page.locator("#q")
    box.click()
    box.press_sequentially(text, delay=20)


@pytest.mark.parametrize(
    "query,expected,notice",
    [
        ("카드 잃어버렸어요", "카드를 분실했을 때 어떻게 신고하나요?", None),
        ("zkem qnstlf", "카드를 분실했을 때 어떻게 신고하나요?", "layout"),
        ("카드분실신고", "카드를 분실했을 때 어떻게 신고하나요?", None),
        ("ㅂㅅ", "카드를 분실했을 때 어떻게 신고하나요?", "initials"),
    ],
)
def test_instant_search_from_the_home_page(watched, root, query, expected, notice):
    page = watched.page
    page.goto(root + "index.html")
    type_query(page, query)
    expect(page.locator(RESULTS).first.locator("a.title")).to_have_text(expected)
    expect(page.locator(RESULTS).first.locator("a.title mark").first).to_be_visible()
    expect(page.locator(RESULTS).first.locator(".answer")).not_to_be_empty()
    if notice:
        expect(page.locator(f".notice[data-kind={notice}]")).to_be_visible()
    expect(page.locator("nav.chips a").first).to_contain_text("전체")
    if page.get_by_role("listbox").is_visible():  # shown with the results; it may cover the first one
        page.locator("#q").press("Escape")
        expect(page.get_by_role("listbox")).to_be_hidden()
    page.locator(RESULTS).first.locator("a.title").click()
    expect(page.locator("article h1")).to_have_text(expected)
    assert page.url.endswith("articles/lost-report.html")


def test_search_page_reads_q_from_the_address_and_keyboard_moves(watched, root):
    page = watched.page
    page.goto(root + "search.html?q=" + "포인트 현금화")
    expect(page.locator("#q")).to_have_value("포인트 현금화")
    expect(page.locator(RESULTS).first.locator("a.title")).to_have_text("포인트를 현금으로 바꿀 수 있나요?")
    page.locator("#q").press("ArrowDown")
    expect(page.locator(RESULTS).first).to_have_class("result selected")
    page.keyboard.press("Enter")
    expect(page.locator("article h1")).to_have_text("포인트를 현금으로 바꿀 수 있나요?")


def test_typing_on_the_search_page_puts_the_query_in_the_address(watched, root):
    page = watched.page
    page.goto(root + "search.html")
    type_query(page, "결제 거절")
    expect(page.locator(RESULTS).first).to_be_visible()
    page.wait_for_function("location.search.includes('q=')")
    assert "결제" in urllib.request.unquote(page.url)


def test_typo_offers_did_you_mean_and_empty_state_offers_phone(watched, root):
    page = watched.page
    page.goto(root + "index.html")
    type_query(page, "분싫 신고")
    expect(page.locator(".notice[data-kind=typo]")).to_contain_text("분실 신고")
    page.locator("#q").fill("")
    type_query(page, "블록체인")
    expect(page.locator("section.empty")).to_contain_text("1566-1000")
    expect(page.locator("section.empty a").last).to_be_visible()


def test_internal_article_never_appears(watched, root):
    page = watched.page
    page.goto(root + "index.html")
    for query in ["상담 시작 스크립트", "비밀 내부 안내", "ㅅㄷ ㅅㅈ", "스크립트", "본인확인"]:
        page.locator("#q").fill("")
        type_query(page, query)
        page.wait_for_timeout(300)
        links = page.locator("#results a, [role=listbox] [role=option]").all_inner_texts()
        assert not any(INTERNAL_TITLE in text for text in links), (query, links)


def test_without_javascript_search_says_so_and_lists_categories(browser, export_dir):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(export_dir.as_uri() + "/search.html")
    expect(page.locator("main")).to_contain_text("자바스크립트가 필요합니다")
    expect(page.locator("main a[href='categories/lost-cards.html']")).to_be_visible()
    context.close()


@pytest.mark.parametrize("path", ["index.html", "search.html?q=카드 분실", "articles/lost-report.html"])
def test_no_serious_accessibility_violations(watched, http_root, path):
    page = watched.page
    page.goto(http_root + path)
    if "q=" in path:
        expect(page.locator(RESULTS).first).to_be_visible()
    violations = axe_violations(page)
    assert not violations, f"axe found serious/critical problems on {path}:\n{describe(violations)}"


PAGE_TYPES = ["index.html", "categories/points.html", "articles/pay-declined.html", "search.html", "404.html"]


def test_suggestion_list_by_keyboard_opens_the_article_and_back_returns(watched, root):
    page = watched.page
    page.goto(root + "index.html")
    type_query(page, "분ㅅ")  # the IME is still composing: 분ㅅ is already 분실
    box = page.get_by_role("combobox", name="도움말 검색")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("분실")
    assert not any(INTERNAL_TITLE in t for t in options.all_inner_texts())

    box.fill("")
    type_query(page, "마일리")  # several suggestions
    expect(options).to_have_count(6)
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggest-0")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    box.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", "suggest-0")
    expect(box).to_be_focused()  # the focus never leaves the box: typing goes on
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("마일리")  # the first Escape only closes the list
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggest-0")
    chosen = options.nth(0)
    title = chosen.locator("small").inner_text() if chosen.locator("small").count() else chosen.inner_text()
    typed_on = page.url
    box.press("Enter")
    expect(page.locator("article h1")).to_have_text(title)
    assert "/articles/" in page.url

    page.go_back()
    expect(page).to_have_url(typed_on)
    box = page.locator("#q")
    box.fill("")
    type_query(page, "ㅂㅅㅅㄱ")  # 초성 of 분실 신고
    expect(page.get_by_role("listbox").get_by_role("option").first).to_contain_text(re.compile("분실 ?신고"))
    expect(page.locator(RESULTS).first).to_be_visible()


def test_more_results_in_place(watched, root):
    page = watched.page
    page.goto(root + "index.html")
    type_query(page, "마일리지")
    expect(page.locator("#result-count")).to_contain_text(f"{MILEAGE_ARTICLES}건")
    expect(page.locator(RESULTS)).to_have_count(20)
    page.evaluate("window.__sameDocument = true")
    more = page.get_by_role("link", name=re.compile("결과 더 보기"))
    expect(more).to_contain_text(f"(20/{MILEAGE_ARTICLES})")
    more.click()
    expect(page.locator(RESULTS)).to_have_count(MILEAGE_ARTICLES)
    expect(page.locator("a.more")).to_have_count(0)
    ids = page.locator(RESULTS).evaluate_all("items => items.map(i => i.dataset.id)")
    assert len(set(ids)) == MILEAGE_ARTICLES, "the next results follow on, none repeated"
    assert page.evaluate("window.__sameDocument === true")
    expect(page.locator(RESULTS).nth(20).locator("a.title")).to_be_focused()


def test_more_results_link_opens_the_next_page_from_the_address(watched, root):
    page = watched.page
    page.goto(root + "search.html?q=마일리지&page=2")  # what the link opens without JavaScript's help
    expect(page.locator(RESULTS)).to_have_count(MILEAGE_ARTICLES)


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_typing_on_every_page_type_searches_and_back_returns(watched, root, path):
    page = watched.page
    before = "404.html" if path == "index.html" else "index.html"
    page.goto(root + before)
    page.goto(root + path)
    start_url = page.url
    heading = page.locator("main h1").first.inner_text()
    page.evaluate("window.__sameDocument = true")
    type_query(page, "카드 분실")
    expect(page.locator(RESULTS).first.locator("a.title")).to_have_text("카드를 분실했을 때 어떻게 신고하나요?")
    if path != "search.html":
        expect(page.locator("[data-page-content]").first).to_be_hidden()  # the results take the page's place
    assert page.evaluate("window.__sameDocument === true"), "instant search must not reload the page"
    page.go_back()
    if root.startswith("file:") and path != "search.html":
        # file:// lets a page change only its own address: the search kept the page's, so Back
        # leaves it, as any link would
        expect(page).to_have_url(root + before)
        return
    expect(page).to_have_url(start_url)
    expect(page.locator("main h1").first).to_have_text(heading)
    expect(page.locator("main h1").first).to_be_visible()
    expect(page.locator(RESULTS)).to_have_count(0)
    if path != "search.html":
        expect(page.locator("[data-page-content]").first).to_be_visible()
    assert page.evaluate("window.__sameDocument === true"), "Back after instant search must stay on the page"


@pytest.mark.parametrize("path", ["index.html", "articles/pay-declined.html", "search.html?q=카드 분실"])
def test_a_320_pixel_phone(browser, root, path):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="ko-KR")
    page = Watched(context.new_page())
    page.page.goto(root + path)
    page.page.locator("#q").fill("")
    type_query(page.page, "분ㅅ")
    expect(page.page.locator(RESULTS).first).to_be_visible()
    listbox = page.page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    box = listbox.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    overflow = page.page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 320, f"{path} scrolls sideways at 320 px: {overflow} px wide"
    context.close()
    assert not page.problems, "\n".join(page.problems)
