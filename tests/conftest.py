"""Fixtures: a small corpus in a temporary folder, its index, the app and a CLI runner.

Kiwi is loaded once per test process (``indexer.analysis.get_kiwi`` caches it), so
building several small indexes stays cheap.

Tests never touch the working tree: every path is under ``tmp_path``, every ``KB_*`` variable
is removed before each test, and the run fails if it changed ``git status`` or ``var/``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.config import Settings
from kb.indexing import build

REPO = Path(__file__).resolve().parents[1]

CATEGORIES = """\
customer-center:
  label: 고객센터
  description: 전화번호와 상담 시간
payments:
  label: 결제
lost-cards:
  label: 분실·도난
points:
  label: 포인트
"""

SYNONYMS = """\
- [결제, 결재, 지불]
- [분실, 잃어버리다, 없어지다]
- [해지, 탈퇴]
- [현금화, 돈으로 바꾸다]
"""

ARTICLES = {
    "lost-cards/lost-report.md": """\
        ---
        id: lost-report
        title: 카드를 분실했을 때 어떻게 신고하나요?
        category: lost-cards
        questions:
          - 카드를 잃어버렸어요
          - 분실신고 방법
        tags: [분실, 신고, 정지]
        audience: public
        updated: 2026-11-24
        related: [lost-reissue]
        ---
        카드를 잃어버리셨다면 즉시 앱이나 고객센터(1566-1000)에서 분실 신고를 해 주세요.

        ## 신고 방법
        1. 앱에서 **분실 신고** 메뉴를 누릅니다.
        2. 카드를 선택하고 신고를 완료합니다.
        """,
    "lost-cards/lost-reissue.md": """\
        ---
        id: lost-reissue
        title: 카드를 재발급 받고 싶어요
        category: lost-cards
        questions: [카드 다시 발급]
        tags: [재발급]
        updated: 2026-11-20
        related: [lost-report]
        ---
        분실 신고 후 앱이나 홈페이지에서 재발급을 신청하면 3~7일 안에 새 카드를 받으실 수 있습니다.
        """,
    "payments/pay-declined.md": """\
        ---
        id: pay-declined
        title: 결제가 거절되거나 오류가 나요
        category: payments
        questions: [카드 결제가 안 돼요, 승인 거절 문자가 왔어요]
        tags: [결제, 승인, 거절]
        updated: 2026-11-01
        ---
        한도 초과, 비밀번호 오류, 해외 결제 차단 등이 원인일 수 있어요. 앱에서 거절 사유를 확인해 주세요.
        """,
    "payments/pay-overseas.md": """\
        ---
        id: pay-overseas
        title: 해외에서 카드를 쓰려면 어떻게 하나요?
        category: payments
        questions: [해외 결제 방법, 외국에서 카드 사용]
        tags: [해외, 결제]
        updated: 2026-11-01
        ---
        해외 결제는 앱의 해외 결제 설정에서 켤 수 있어요. 에어팟처럼 해외 직구를 할 때도 설정이 필요합니다.
        """,
    "customer-center/cc-phone-hours.md": """\
        ---
        id: cc-phone-hours
        title: 고객센터 전화번호와 운영 시간이 궁금해요
        category: customer-center
        questions: [상담원 연결, 고객센터 몇 시까지 해요]
        tags: [고객센터, 전화, 상담]
        updated: 2026-11-01
        ---
        고객센터는 1566-1000번으로 24시간 운영합니다.
        """,
    "points/pts-cash-out.md": """\
        ---
        id: pts-cash-out
        title: 포인트를 현금으로 바꿀 수 있나요?
        category: points
        questions: [포인트 현금화]
        tags: [포인트, 현금화]
        updated: 2026-11-01
        ---
        여신금융협회 카드포인트 통합조회에서 1포인트를 1원으로, 본인 명의 계좌로 받을 수 있습니다.
        """,
    "customer-center/agent-script.md": """\
        ---
        id: agent-script
        title: 상담 시작 스크립트 (상담원용)
        category: customer-center
        tags: [스크립트, 본인확인]
        audience: internal
        updated: 2026-11-01
        ---
        비밀 내부 안내: 통화를 시작하면 소속과 이름을 밝히고 본인 확인을 진행합니다.
        """,
}


def write_corpus(root: Path, articles: dict[str, str] = ARTICLES) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "categories.yml").write_text(CATEGORIES, encoding="utf-8")
    (root / "synonyms.yml").write_text(SYNONYMS, encoding="utf-8")
    for name, text in articles.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def _working_tree_state() -> tuple[str | None, list[tuple[str, int, int]]]:
    """``git status --porcelain`` (None outside a git checkout) and every file under var/ with size and mtime."""
    try:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        status = None
    var = REPO / "var"
    files = sorted(
        (str(path.relative_to(REPO)), path.stat().st_size, path.stat().st_mtime_ns)
        for path in (var.rglob("*") if var.exists() else [])
        if path.is_file()
    )
    return status, files


@pytest.fixture(scope="session", autouse=True)
def working_tree_untouched():
    """Fails the run when any test wrote into the repository (e.g. accounts into var/users.json)."""
    before = _working_tree_state()
    yield
    after = _working_tree_state()
    if after != before:
        pytest.fail(
            "the test suite changed the working tree (tests must write under tmp_path only;"
            " or a file was edited while the tests ran):\n"
            f"git status before:\n{before[0]}\nafter:\n{after[0]}\nvar/ before: {before[1]}\nvar/ after: {after[1]}"
        )


@pytest.fixture(autouse=True)
def no_kb_environment(monkeypatch):
    """No KB_* variable of the developer's shell reaches a test (KB_USERS, KB_DB, KB_LOG_URL, ...)."""
    for name in list(os.environ):
        if name.startswith("KB_"):
            monkeypatch.delenv(name)


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "articles")


@pytest.fixture
def settings(corpus, tmp_path) -> Settings:
    index_dir = tmp_path / "index"
    build(corpus, index_dir)
    return Settings(
        articles_dir=corpus,
        index_dir=index_dir,
        analytics_db=tmp_path / "analytics.sqlite3",
        state_db=tmp_path / "state.sqlite3",
        users_file=tmp_path / "users.json",
        secret_key="test",
        base_url="http://localhost",
    )


@pytest.fixture
def engine(settings):
    from indexer import SearchEngine, live_path

    engine = SearchEngine(live_path(settings.index_dir))
    yield engine
    engine.close()


@pytest.fixture
def app(settings):
    from kb.web import create_app

    return create_app(settings, TESTING=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(tmp_path, monkeypatch):
    """A CLI runner working in tmp_path: a command's default paths (var/…) never land in the repository."""
    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory) -> Path:
    """The sample knowledge base in articles/, indexed once per test run."""
    index_dir = tmp_path_factory.mktemp("real") / "index"
    build(REPO / "articles", index_dir)
    return index_dir


@pytest.fixture(scope="session")
def real_engine(real_index):
    from indexer import SearchEngine, live_path

    engine = SearchEngine(live_path(real_index))
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A real PostgreSQL server for this test run (tests/postgres.py); skipped only where none is installed."""
    from tests.postgres import find_bindir, postgres_server, wait_until_accepting

    bindir = find_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine: apt-get install postgresql")
    with postgres_server(bindir) as url:
        wait_until_accepting(url)
        yield url


@pytest.fixture
def postgres_url(postgres_server_url, request) -> str:
    """An empty database of its own for one test."""
    from tests.postgres import fresh_database

    return fresh_database(postgres_server_url, "t_" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16])
