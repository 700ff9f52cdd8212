"""A customer on a phone: instant search while typing, Korean input quirks, no-JS fallback, feedback, a11y."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error, Page, expect

RESULTS = "#result-list > li.result"
LOST_REPORT = re.compile(r"/articles/lost-report(\?|$)")
LOST_ANY = re.compile(r"/articles/lost-(report|reissue)(\?|$)")


def axe_source() -> Path:
    import axe_playwright_python

    return Path(axe_playwright_python.__file__).resolve().parent / "axe.min.js"


def first_title(page: Page):
    return page.locator(RESULTS).first.locator("a.title")


def type_query(page: Page, text: str) -> None:
    """Type like a person (one key at a time), never pressing Enter."""
    box = page.locator("#q")
    box.click()
    box.press_sequentially(text, delay=25)


def mark_document(page: Page) -> None:
    """Tag the current document so a test can tell it was not replaced by a navigation."""
    page.evaluate("window.__sameDocument = true")


def still_same_document(page: Page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def api_query(request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


# ---------- instant search ----------


def test_typing_shows_results_without_enter(page: Page):
    page.goto("/")
    mark_document(page)
    type_query(page, "카드 잃어버렸어요")

    expect(first_title(page)).to_have_attribute("href", LOST_REPORT)
    expect(page.locator("#results mark").first).to_be_visible()
    assert page.locator(f"{RESULTS} mark").count() > 0, "results should highlight the matched words with <mark>"
    expect(page.locator("#home-content")).to_be_hidden()
    assert still_same_document(page), "results must come from instant search, not from submitting the form"


def test_stale_response_does_not_overwrite_newer_query(page: Page):
    """The answer for '결제' is held back until '분실' has been answered: '분실' must stay on screen."""
    held = []

    def hold_old_query(route):
        if api_query(route.request).get("q") == "결제":
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/search?*", hold_old_query)
    page.goto("/")
    mark_document(page)
    with page.expect_request(lambda r: "/api/search" in r.url and api_query(r).get("q") == "결제"):
        type_query(page, "결제")
    page.locator("#q").fill("분실")

    expect(first_title(page)).to_have_attribute("href", LOST_REPORT)
    # Now let the old '결제' answer arrive late (the browser may already have aborted it).
    for route in held:
        try:
            route.continue_()
        except Error:
            pass
    # The settled (logged) request for 분실 re-renders once more; results must still be for 분실.
    with page.expect_response(lambda r: "/api/search" in r.url and "typing" not in api_query(r.request)):
        pass
    expect(first_title(page)).to_have_attribute("href", LOST_REPORT)
    expect(page.locator(RESULTS).filter(has=page.locator("a.title[href*='pay-']"))).to_have_count(0)
    assert page.locator("#q").input_value() == "분실"
    assert still_same_document(page)


def test_ime_composition_in_progress_already_matches(page: Page):
    """'분ㅅ' is what the input holds while the IME is still composing '분실'."""
    page.goto("/")
    box = page.locator("#q")
    box.fill("분ㅅ")
    box.dispatch_event("input")

    expect(page.locator("#results a[href*='/articles/lost-']").first).to_have_attribute("href", LOST_ANY)


def test_real_ime_composition_already_matches(page: Page):
    """Drive Chromium's IME: '분' committed, then 'ㅅ' still composing (no compositionend yet)."""
    page.goto("/")
    page.locator("#q").focus()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.imeSetComposition", {"text": "부", "selectionStart": 1, "selectionEnd": 1})
    cdp.send("Input.imeSetComposition", {"text": "분", "selectionStart": 1, "selectionEnd": 1})
    cdp.send("Input.insertText", {"text": "분"})
    cdp.send("Input.imeSetComposition", {"text": "ㅅ", "selectionStart": 1, "selectionEnd": 1})

    expect(page.locator("#q")).to_have_value("분ㅅ")
    expect(page.locator("#results a[href*='/articles/lost-']").first).to_have_attribute("href", LOST_ANY)


def test_initial_consonants(page: Page):
    page.goto("/")
    type_query(page, "ㅂㅅㅅㄱ")

    expect(page.locator("#results .notice[data-kind=initials]")).to_contain_text("초성")
    expect(page.locator(RESULTS).locator("a.title[href*='/articles/lost-report']")).to_have_count(1)


@pytest.mark.parametrize("surface", ["instant", "server"])
def test_wrong_keyboard_layout_is_fixed(page: Page, surface):
    if surface == "instant":
        page.goto("/")
        type_query(page, "zkem qnstlf")
    else:
        page.goto("/search?q=zkem qnstlf")

    expect(page.locator("#results .notice[data-kind=layout]")).to_contain_text("카드 분실(으)로 검색한 결과")
    expect(first_title(page)).to_have_attribute("href", LOST_REPORT)


@pytest.mark.parametrize("surface", ["instant", "server"])
def test_typo_offers_did_you_mean(page: Page, surface):
    if surface == "instant":
        page.goto("/")
        type_query(page, "분싫 신고")
    else:
        page.goto("/search?q=분싫 신고")

    notice = page.locator("#results .notice[data-kind=typo]")
    expect(notice).to_contain_text("이것을 찾으셨나요?")
    expect(notice.locator("a")).to_have_text("분실 신고")


def test_autocorrect_notice_offers_exactly_what_was_typed(page: Page):
    """The instant-search rendering of ``autocorrected_from`` (the server side is tests/test_web.py on
    the real sample: this small corpus has too few payment articles for 결재 → 결제 to be certain)."""

    def corrected(route):
        data = route.fetch().json()
        data.update(autocorrected_from="결재 안돼요", interpreted_as="결제 안돼요")
        route.fulfill(json=data)

    page.route("**/api/search?*", corrected)
    page.goto("/")
    type_query(page, "결재 안돼요")

    notice = page.locator("#results .notice[data-kind=autocorrect]")
    expect(notice).to_contain_text("결제 안돼요(으)로 검색한 결과입니다.")
    expect(notice.locator("a")).to_have_text("결재 안돼요(으)로 검색하기")
    page.unroute("**/api/search?*")
    notice.locator("a").click()
    expect(page).to_have_url(re.compile(r"/search\?.*exact=1"))
    expect(page.locator("#q")).to_have_value("결재 안돼요")
    expect(page.locator("#results .notice[data-kind=autocorrect]")).to_have_count(0)


def test_nfd_input_finds_the_same_as_nfc(page: Page):
    page.goto("/")
    page.locator("#q").fill("카드 분실")
    expect(first_title(page)).to_have_attribute("href", LOST_REPORT)
    nfc_ids = page.locator(RESULTS).evaluate_all("items => items.map(i => i.dataset.id)")

    page.locator("#q").fill("")
    expect(page.locator(RESULTS)).to_have_count(0)
    nfd = unicodedata.normalize("NFD", "카드 분실")
    assert nfd != "카드 분실"
    page.locator("#q").fill(nfd)

    expect(first_title(page)).to_have_attribute("href", LOST_REPORT)
    expect(page.locator(RESULTS)).to_have_count(len(nfc_ids))
    assert page.locator(RESULTS).evaluate_all("items => items.map(i => i.dataset.id)") == nfc_ids


# ---------- server-rendered pages ----------


def test_search_works_without_javascript(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    page.locator("#q").fill("카드 잃어버렸어요")
    page.locator("#q").press("Enter")

    page.wait_for_url(re.compile(r"/search\?q="))
    expect(first_title(page)).to_have_attribute("href", LOST_REPORT)
    assert page.locator(f"{RESULTS} mark").count() > 0
    expect(page.locator("#q")).to_have_value("카드 잃어버렸어요")


@pytest.mark.parametrize("query", ["결제", "카드"])
def test_category_chips_filter_results(page: Page, query):
    page.goto(f"/search?q={query}")
    chips = page.locator("#results nav.chips a:not([aria-current])")
    expect(chips.first).to_be_visible()
    chip_texts = chips.all_inner_texts()
    assert chip_texts, "there should be at least one category chip besides 전체"

    for text in chip_texts:
        label, count = text.rsplit(" ", 1)
        page.goto(f"/search?q={query}")
        page.locator("#results nav.chips a", has_text=text).click()

        page.wait_for_url(re.compile(r"[?&]category="))
        expect(page.locator("#results nav.chips a[aria-current=page]")).to_have_text(text)
        results = page.locator(RESULTS)
        expect(results).to_have_count(int(count))
        categories = results.locator("span.category").all_inner_texts()
        assert categories == [label] * int(count), f"chip {text!r} showed results from {categories}"


def test_empty_search_page_offers_popular_questions_and_phone(page: Page):
    page.goto("/search?q=블록체인")
    empty = page.locator("#results section.empty")
    expect(empty).to_contain_text("검색 결과가 없습니다")
    expect(empty.locator("a[href='tel:1566-1000']")).to_be_visible()
    expect(empty.locator("ul.links a[href^='/articles/']").first).to_be_visible()
    expect(empty.locator("a[href='/articles/lost-report']")).to_be_visible()


def test_empty_instant_results_offer_popular_questions_and_phone(page: Page):
    """Instant search must not be worse than the page it replaces: the same help when nothing matches."""
    page.goto("/")
    type_query(page, "블록체인")
    empty = page.locator("#results section.empty")
    expect(empty).to_contain_text("검색 결과가 없습니다")
    expect(empty.locator("a[href='tel:1566-1000']")).to_be_visible()
    popular = page.locator("#results a[href^='/articles/']")
    # The instant empty state lists popular questions, like the server page.
    expect(popular.first).to_be_visible(timeout=1_000)


# ---------- article feedback ----------


def _votes(db: Path, article_id: str) -> list[tuple[int, str | None]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT helpful, comment FROM votes WHERE article_id = ? ORDER BY id", (article_id,)
        ).fetchall()


def test_helpful_vote_is_thanked_and_stored(page: Page, live_server):
    before = _votes(live_server.analytics_db, "lost-report")
    page.goto("/articles/lost-report")
    expect(page.locator("h1")).to_have_text("카드를 분실했을 때 어떻게 신고하나요?")
    page.locator("#comment").fill("빨리 찾았어요")
    page.get_by_role("button", name="네, 도움이 됐어요").click()

    thanks = page.get_by_role("status").filter(has_text="의견을 보내 주셔서 감사합니다")
    expect(thanks).to_be_visible()
    after = _votes(live_server.analytics_db, "lost-report")
    assert after[: len(before)] == before and after[len(before) :] == [(1, "빨리 찾았어요")]

    page.reload()
    expect(thanks).to_have_count(0)  # thanked once; later visits say the vote was taken
    expect(page.get_by_role("button", name="네, 도움이 됐어요")).to_have_count(0)


def test_vote_thank_you_is_on_screen(page: Page):
    """After voting (no reload where JavaScript runs) the thank-you must be visible on a phone."""
    page.goto("/articles/lost-report")
    page.get_by_role("button", name="네, 도움이 됐어요").click()
    thanks = page.get_by_role("status").filter(has_text="의견을 보내 주셔서 감사합니다")
    expect(thanks).to_be_attached()
    # The redirect scrolls the phone to #feedback, so the thank-you must be shown there.
    expect(thanks).to_be_in_viewport(timeout=1_000)


# ---------- accessibility ----------


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(axe_source()))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=카드 분실",
        "/search?q=마일리지",  # a count and a next-page link
        "/articles/lost-report",
        "/categories/lost-cards",
        "/search?q=블록체인",
        "/no-such-page",
        "/agent/",
        "/agent/?q=카드",
        "/agent/articles/agent-script",
    ],
)
def test_no_serious_accessibility_violations(new_context, agent_storage_state, path):
    logged_in = {"storage_state": agent_storage_state} if path.startswith("/agent/") else {}
    # axe is injected as a script the site's Content-Security-Policy rightly refuses; only axe's page bypasses it
    page = new_context(bypass_csp=True, **logged_in).new_page()
    page.goto(path)
    if path.startswith("/agent/?"):
        expect(page.locator(RESULTS).first).to_be_visible()
    violations = axe_violations(page)
    assert not violations, f"axe found serious/critical problems on {path}:\n{describe(violations)}"


def test_no_serious_accessibility_violations_in_instant_results(new_context):
    page = new_context(bypass_csp=True).new_page()
    page.goto("/")
    type_query(page, "카드 분실")
    expect(first_title(page)).to_have_attribute("href", LOST_REPORT)
    violations = axe_violations(page)
    assert not violations, f"axe found serious/critical problems in instant results:\n{describe(violations)}"


def test_pages_run_under_the_content_security_policy(page: Page):
    """Our own scripts and styles load under the strict CSP: no violation reports, instant search still works."""
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto("/")
    type_query(page, "카드 분실")
    expect(first_title(page)).to_have_attribute("href", LOST_REPORT)
    page.goto("/articles/lost-report")
    assert not violations, violations


def test_instant_highlights_count_code_points_not_utf16_units(page: Page):
    """The API's spans count characters as Python does; an emoji before a match must not shift the <mark>."""
    import json

    title = "📱 모바일 카드 분실"  # 분실 is characters 9-11; in UTF-16 units it would be 10-12
    result = {
        "id": "lost-mobile",
        "title": title,
        "category": "lost-cards",
        "category_label": "분실·도난",
        "audience": "public",
        "score": 1.0,
        "snippet": "😀😀 휴대폰 분실 신고",
        "snippet_highlights": [[7, 9]],
        "title_highlights": [[9, 11]],
        "short_answer": "앱에서 신고하세요.",
        "updated": "2026-11-01",
        "url": "/articles/lost-report",
    }
    body = {"query": "분실", "results": [result], "category_counts": {"lost-cards": 1}, "suggestions": []}
    page.route(
        re.compile(r".*/api/search\?.*"),
        lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(body)),
    )
    page.goto("/")
    type_query(page, "분실")
    expect(page.locator(f"{RESULTS} a.title mark")).to_have_text("분실")
    expect(page.locator(f"{RESULTS} p.snippet mark")).to_have_text("분실")
