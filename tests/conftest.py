"""Fixtures: a small corpus in a temporary folder, its index, the app and a CLI runner.

Kiwi is loaded once per test process (``indexer.analysis.get_kiwi`` caches it), so
building several small indexes stays cheap.
"""

from __future__ import annotations

import textwrap
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


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "articles")


@pytest.fixture
def settings(corpus, tmp_path) -> Settings:
    index_dir = tmp_path / "index"
    build(corpus, index_dir)
    return Settings(
        articles_dir=corpus, index_dir=index_dir, analytics_db=tmp_path / "analytics.sqlite3", secret_key="test"
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
def runner():
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
