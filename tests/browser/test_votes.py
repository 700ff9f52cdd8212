"""'도움이 되었나요?': one vote per visitor, no reload where JavaScript runs, a next step after '아니요'."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from playwright.sync_api import Page, expect


def votes(db: Path, article_id: str) -> list[tuple[int, str | None]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT helpful, comment FROM votes WHERE article_id = ? ORDER BY id", (article_id,)
        ).fetchall()


def test_no_vote_offers_a_next_step_without_reload(page: Page, live_server):
    before = votes(live_server.analytics_db, "lost-reissue")
    page.goto("/articles/lost-reissue")
    page.evaluate("window.__sameDocument = true")
    scroll = page.evaluate("window.scrollY")
    page.get_by_role("button", name="아니요").click()

    status = page.get_by_role("status").filter(has_text="의견을 보내 주셔서 감사합니다")
    expect(status).to_be_in_viewport()
    assert page.evaluate("window.__sameDocument === true"), "voting must not reload the page"
    assert page.url.endswith("/articles/lost-reissue"), page.url
    assert page.evaluate("window.scrollY") == scroll, "voting must not jump"
    expect(page.get_by_role("button", name="아니요")).to_have_count(0)
    expect(page.get_by_role("button", name="네, 도움이 됐어요")).to_have_count(0)

    next_step = page.locator("#vote-next")
    expect(next_step).to_be_visible()
    expect(next_step.locator("a[href='/articles/lost-report']")).to_be_visible()  # the related article
    expect(next_step.locator("a[href='tel:1566-1000']")).to_be_visible()
    next_step.locator("textarea").fill("재발급 기간이 궁금해요")
    next_step.get_by_role("button", name="의견 보내기").click()
    expect(page.get_by_role("status")).to_contain_text("도움말을 고치는 데")

    after = votes(live_server.analytics_db, "lost-reissue")
    assert after[len(before) :] == [(0, "재발급 기간이 궁금해요")], "one vote, with the comment joined to it"

    page.reload()
    expect(page.get_by_role("button", name="아니요")).to_have_count(0)
    expect(page.locator("#feedback")).to_contain_text("의견을 남기셨습니다")


def test_one_vote_per_visitor(page: Page, live_server):
    before = votes(live_server.analytics_db, "pay-overseas")
    page.goto("/articles/pay-overseas")
    page.get_by_role("button", name="네, 도움이 됐어요").click()
    expect(page.get_by_role("button", name="네, 도움이 됐어요")).to_have_count(0)
    expect(page.locator("#vote-next")).to_be_hidden()
    # A second vote from the same visitor (an old tab, a replayed form) is not counted again.
    page.goto("/articles/pay-overseas")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(
        "/articles/pay-overseas/feedback",
        form={"helpful": "no", "csrf_token": csrf},
        headers={"Accept": "application/json"},
    )
    assert answer.ok and answer.json()["helpful"] == "yes"
    assert votes(live_server.analytics_db, "pay-overseas")[len(before) :] == [(1, None)]


def test_vote_works_without_javascript(new_context, live_server):
    page = new_context(java_script_enabled=False).new_page()
    before = votes(live_server.analytics_db, "lost-report")
    page.goto("/articles/lost-report")
    page.locator("#comment").fill("빨리 찾았어요")
    page.get_by_role("button", name="아니요").click()

    page.wait_for_url(re.compile(r"/articles/lost-report#feedback$"))
    expect(page.get_by_role("status").filter(has_text="의견을 보내 주셔서 감사합니다")).to_be_in_viewport()
    expect(page.get_by_role("button", name="아니요")).to_have_count(0)
    expect(page.locator("#vote-next")).to_be_visible()
    expect(page.locator("#vote-next textarea")).to_have_count(0)  # the comment came with the vote
    assert votes(live_server.analytics_db, "lost-report")[len(before) :] == [(0, "빨리 찾았어요")]
