"""An editor at work: save a file and see it live, break one and see where; read what customers searched.

Each test starts its own ``kb serve --watch`` on its own copy of the sample corpus (the tests
write article files), with an editor account; customers and the editor use separate browsers.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import _free_port, _kb_command, _wait_until_healthy
from tests.browser.test_customer import axe_violations, describe
from tests.conftest import write_corpus

EDITOR, PASSWORD = "editor1", "correct-horse-battery"
RESULTS = "#result-list > li.result"
OLD_TITLE = "title: 카드를 분실했을 때 어떻게 신고하나요?"
NEW_TITLE = "무지개 카드를 분실했을 때 어떻게 신고하나요?"


class WatchServer:
    def __init__(self, root: Path):
        from kb.indexing import build
        from kb.users import add_user

        self.articles = write_corpus(root / "articles")
        build(self.articles, root / "index")
        users = root / "users.json"
        add_user(users, EDITOR, PASSWORD, roles=("editor",))
        self.log = root / "server.log"
        self.url = f"http://127.0.0.1:{_free_port()}"
        env = {k: v for k, v in os.environ.items() if k != "KB_USERS"}
        self.db = root / "analytics.sqlite3"
        env.update(
            KB_DB=str(self.db),
            KB_USERS_FILE=str(users),
            KB_SECRET_KEY="browser-tests-secret",
            PYTHONUNBUFFERED="1",
        )
        port = self.url.rsplit(":", 1)[1]
        command = _kb_command() + ["serve", "--watch", "--no-build", "--port", port]
        command += ["--articles", str(self.articles), "--index", str(root / "index")]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
        _wait_until_healthy(self.process, self.url, self.log)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def watch_server(tmp_path) -> Iterator[WatchServer]:
    """A server of its own, for tests that write article files."""
    server = WatchServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory) -> Iterator[WatchServer]:
    """One server for the tests that leave the articles alone."""
    server = WatchServer(tmp_path_factory.mktemp("editor-server"))
    yield server
    server.stop()


def editor_page(new_context, server: WatchServer, **options) -> Page:
    page = new_context(base_url=server.url, **options).new_page()
    page.goto("/editor/")
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("form.login button[type=submit]")
    expect(page).to_have_url(server.url + "/editor/")
    return page


def search_until(page: Page, query: str, title: str, seconds: float = 15) -> float:
    """Search as a customer until ``title`` is the first result; returns how long it took."""
    started = time.monotonic()
    while True:
        page.goto(f"/search?q={query}")
        if page.locator(RESULTS).count() and title in page.locator(RESULTS).first.inner_text():
            return time.monotonic() - started
        assert time.monotonic() - started < seconds, f"'{title}' did not appear for '{query}' within {seconds}s"
        time.sleep(0.2)


def test_a_saved_article_goes_live_and_a_broken_one_never_does(new_context, watch_server):
    customer = new_context(base_url=watch_server.url).new_page()
    customer.goto("/search?q=무지개")
    expect(customer.locator(RESULTS)).to_have_count(0)

    path = watch_server.articles / "lost-cards" / "lost-report.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(OLD_TITLE, f"title: {NEW_TITLE}"), encoding="utf-8")
    search_until(customer, "무지개", NEW_TITLE)

    # a broken save: the editor sees where, customers keep the last good article
    path.write_text(text.replace(OLD_TITLE, f"title: {NEW_TITLE}").replace("category: lost-cards", "category: [x"))
    editor = editor_page(new_context, watch_server)
    problem = editor.locator(".watch.broken")
    deadline = time.monotonic() + 15
    while not problem.count() and time.monotonic() < deadline:
        time.sleep(0.2)
        editor.reload()
    expect(problem).to_contain_text(f"{path}:5:")
    expect(problem).to_contain_text("not valid YAML")
    expect(editor.locator("#check-title")).to_be_visible()
    customer.goto("/articles/lost-report")
    expect(customer.locator("h1")).to_have_text(NEW_TITLE)
    search_until(customer, "무지개", NEW_TITLE, seconds=1)
    assert f"{path}:5:" in watch_server.log.read_text(encoding="utf-8")  # and in the terminal

    # fixed again: live again, the warning gone
    path.write_text(text.replace(OLD_TITLE, "title: 고친 제목 분실 신고"), encoding="utf-8")
    search_until(customer, "고친 제목", "고친 제목 분실 신고")
    editor.reload()
    expect(editor.locator(".watch.broken")).to_have_count(0)


def test_preview_shows_findings_beside_the_customers_page(new_context, watch_server):
    path = watch_server.articles / "payments" / "pay-overseas.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n[없는 문서](/articles/no-such)\n", encoding="utf-8")
    editor = editor_page(new_context, watch_server)
    editor.get_by_role("link", name="payments/pay-overseas.md").click()
    panel = editor.locator(".preview-panel")
    expect(panel).to_contain_text(f"{path}:11:")
    expect(panel).to_contain_text("no-such")
    expect(editor.locator("article h1")).to_have_text("해외에서 카드를 쓰려면 어떻게 하나요?")


def test_insights_from_real_searches(new_context, shared_server):
    watch_server = shared_server
    customer = new_context(base_url=watch_server.url).new_page()
    for query in ["카드 분실", "아이폰 케이스", "아이폰 케이스", "포인트 현금화"]:
        customer.goto("/")
        customer.fill("#q", query)
        customer.press("#q", "Enter")
        expect(customer).to_have_url(re.compile(r"/search\?q="))
    customer.locator(RESULTS).first.locator("a").first.click()  # opens 포인트 현금화's first result
    expect(customer.locator("article h1")).to_be_visible()

    # instant search may log a settled query too: expect what the log holds, at least one row per Enter
    with sqlite3.connect(watch_server.db) as db:
        total = db.execute("SELECT COUNT(*) FROM searches").fetchone()[0]
        iphone = db.execute("SELECT COUNT(*) FROM searches WHERE normalized = '아이폰 케이스'").fetchone()[0]
    assert total >= 4 and iphone >= 2
    editor = editor_page(new_context, watch_server)
    editor.get_by_role("link", name="검색 통계").click()
    expect(editor.locator("#total-searches")).to_have_text(str(total))
    zero = editor.locator("#zero-table")
    expect(zero).to_contain_text("아이폰 케이스")
    expect(zero).to_contain_text("지식 베이스에 없는 말")
    top = editor.locator("#top-table tbody tr").first
    expect(top).to_contain_text("아이폰 케이스")
    expect(top.locator("td").first).to_have_text(str(iphone))
    expect(editor.locator("svg.chart").first).to_be_visible()
    assert editor.locator("svg.chart").first.bounding_box()["width"] <= 390  # fits the phone
    editor.locator("#days-title ~ details summary").click()
    expect(editor.locator("#days-table")).to_contain_text(str(total))
    with editor.expect_download() as download:
        editor.locator("#zero-title ~ a.csv").click()
    csv = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0].startswith("검색어,예시,검색 수,원인") and "아이폰 케이스" in csv
    assert "127.0.0.1" not in editor.content()


EDITOR_PAGES = ["/editor/", "/editor/insights", "/editor/analyze?q=카드 잃어버렸어요&article=lost-report"]


@pytest.mark.parametrize("path", EDITOR_PAGES)
def test_editor_pages_have_no_serious_accessibility_violations(new_context, shared_server, path):
    # axe is injected as a script the site's Content-Security-Policy rightly refuses; only axe's page bypasses it
    page = editor_page(new_context, shared_server, bypass_csp=True)
    page.goto(path)
    violations = axe_violations(page)
    assert not violations, f"axe found serious/critical problems on {path}:\n{describe(violations)}"
