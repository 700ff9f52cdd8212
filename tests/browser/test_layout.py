"""How the pages hold up: a 320 px phone, unbroken phone numbers, dark mode, print, the favicon."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

PHONE_320 = {"width": 320, "height": 640}


def single_line(locator) -> bool:
    return locator.evaluate("e => { const r = e.getClientRects(); return r.length === 1; }")


def test_header_holds_at_320px(new_context):
    page = new_context(viewport=PHONE_320).new_page()
    page.goto("/articles/lost-report")
    header = page.locator("header.top")
    brand, phone = header.locator(".brand"), header.locator(".phone")
    expect(phone).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "nothing may scroll sideways"
    b, p = brand.bounding_box(), phone.bounding_box()
    assert b["y"] == p["y"] or abs((b["y"] + b["height"] / 2) - (p["y"] + p["height"] / 2)) < 4, "one row"
    assert b["x"] + b["width"] <= p["x"], "brand and phone must not overlap"
    assert header.bounding_box()["height"] < 60
    assert single_line(phone)
    box, button = page.locator("#q").bounding_box(), page.locator("form.search button").bounding_box()
    assert box["width"] > 150 and button["x"] + button["width"] <= 320


def test_phone_numbers_never_break_and_are_links(new_context):
    page = new_context(viewport=PHONE_320).new_page()
    page.goto("/search?q=블록체인")
    links = page.locator("a[href='tel:1566-1000']")
    assert links.count() >= 2
    for i in range(links.count()):
        assert single_line(links.nth(i)), f"phone link {i} breaks across lines"
    page.goto("/articles/lost-report")
    in_text = page.locator(".body a.tel[href='tel:1566-1000']")
    expect(in_text).to_have_text("1566-1000")
    assert single_line(in_text)


def test_category_page_switches_categories_and_numbers_the_top_questions(page: Page):
    page.goto("/categories/points")
    top = page.locator("section[aria-labelledby=top-title] ol li")
    expect(top).to_have_count(10)
    expect(top.first.locator(".rank")).to_have_text("1")
    expect(page.get_by_role("heading", name="이 분야의 다른 질문")).to_be_visible()
    page.get_by_role("navigation", name="다른 분야").get_by_role("link", name="분실·도난").click()
    expect(page).to_have_url(re.compile(r"/categories/lost-cards$"))
    expect(page.locator("h1")).to_have_text("분실·도난")
    # both questions are in the numbered list (which comes first depends on the clicks other tests made)
    expect(top.locator("a[href='/articles/lost-report']")).to_have_count(1)


def test_dark_mode_and_print(new_context):
    page = new_context(color_scheme="dark").new_page()
    page.goto("/articles/lost-report")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 20, 23)", background
    page.emulate_media(media="print")
    expect(page.locator("form.search")).to_be_hidden()
    expect(page.locator("#feedback")).to_be_hidden()
    expect(page.locator("article h1")).to_be_visible()


def test_no_missing_files_and_latin_in_the_page_font(page: Page):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto("/")
    page.wait_for_load_state("load")
    assert page.evaluate("fetch('/favicon.ico').then(r => r.ok)")
    assert not missing, missing
    fonts = page.evaluate("[getComputedStyle(document.body).fontFamily, getComputedStyle(q).fontFamily]")
    assert fonts[0] == fonts[1], fonts
