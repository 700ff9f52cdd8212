"""Real-browser fixtures: the real ``kb serve`` on a free port, and Debian's Chromium driven by Playwright.

The server runs as a subprocess over the sample corpus of ``tests/conftest.py`` (including the
internal article ``agent-script``) with its own analytics database and one agent account.
Chromium is never downloaded: the tests use ``/usr/bin/chromium`` and fail (not skip) without it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ARTICLES, write_corpus

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AGENT_NAME = "agent1"
AGENT_PASSWORD = "correct-horse-battery"
STARTUP_SECONDS = 30
MOBILE = {"width": 390, "height": 844}
MILEAGE_ARTICLES = 24  # one query (마일리지) with more results than a page holds: pagination is tried for real
AIRLINES = ["대한항공", "아시아나", "제주항공", "진에어", "티웨이", "에어부산"]


def mileage_articles() -> dict[str, str]:
    """Articles that share the word 마일리지 (and never 카드/결제, which other tests count)."""
    out = {}
    for n in range(1, MILEAGE_ARTICLES + 1):
        airline = AIRLINES[n % len(AIRLINES)]
        out[f"points/mileage-{n:02d}.md"] = f"""\
            ---
            id: mileage-{n:02d}
            title: {airline} 마일리지 전환 안내 {n}
            category: points
            updated: 2026-10-{n:02d}
            ---
            {airline} 마일리지로 바꾸는 방법 {n}번 안내입니다.
            """
    return out


def pytest_collection_modifyitems(config, items):
    """Every test in this folder drives a real browser."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class LiveServer:
    url: str
    articles_dir: Path
    index_dir: Path
    analytics_db: Path
    users_file: Path
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _kb_command() -> list[str]:
    return [sys.executable, "-m", "kb.cli"]


def _wait_until_healthy(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kb serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"kb serve did not answer /healthz within {STARTUP_SECONDS}s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    from kb.indexing import build
    from kb.users import add_user

    root = tmp_path_factory.mktemp("browser-server")
    articles_dir = write_corpus(root / "articles", {**ARTICLES, **mileage_articles()})
    index_dir = root / "index"
    build(articles_dir, index_dir)
    users_file = root / "users.json"
    add_user(users_file, AGENT_NAME, AGENT_PASSWORD)
    analytics_db = root / "analytics.sqlite3"
    log = root / "server.log"

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}  # only the settings below
    env.update(
        KB_ARTICLES=str(articles_dir),
        KB_INDEX=str(index_dir),
        KB_DB=str(analytics_db),
        KB_USERS_FILE=str(users_file),
        KB_SECRET_KEY="browser-tests-secret",
        KB_BASE_URL=url,
        KB_STATE_DB=str(root / "state.sqlite3"),
        PYTHONUNBUFFERED="1",
    )
    command = _kb_command() + [
        "serve",
        "--no-build",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--articles",
        str(articles_dir),
        "--index",
        str(index_dir),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_healthy(process, url, log)
        yield LiveServer(url, articles_dir, index_dir, analytics_db, users_file, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(apt-get install -y chromium fonts-noto-cjk, or scripts/bootstrap --browser)"
        )
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser, base_url):
    """Make a fresh phone-sized Korean context; all are closed after the test."""
    contexts = []

    def make(**options):
        settings = {"viewport": MOBILE, "locale": "ko-KR", "base_url": base_url}
        settings.update(options)
        context = browser.new_context(**settings)
        context.set_default_timeout(5_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


def _login(page, name: str = AGENT_NAME, password: str = AGENT_PASSWORD) -> None:
    page.goto("/agent/login")
    page.fill("#username", name)
    page.fill("#password", password)
    page.click("form.login button[type=submit]")


@pytest.fixture
def login():
    """``login(page, name=..., password=...)``: submit the real login form."""
    return _login


@pytest.fixture(scope="session")
def agent_storage_state(browser, base_url) -> dict:
    """Log in once through the real form; other agent tests start from these cookies."""
    context = browser.new_context(base_url=base_url, locale="ko-KR")
    try:
        page = context.new_page()
        _login(page)
        page.wait_for_url("**/agent/", timeout=10_000)
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture
def agent_page(new_context, agent_storage_state):
    """A phone-sized page logged in as the agent account, on the empty console."""
    page = new_context(storage_state=agent_storage_state).new_page()
    page.goto("/agent/")
    assert "/agent/login" not in page.url, "the stored agent session was not accepted"
    return page
