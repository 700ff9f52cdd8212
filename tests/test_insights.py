"""Insights and kb stats: read from a log filled by real searches, clicks and votes through the site."""

import datetime as dt
import json
import re

import pytest

from kb.cli import main
from kb.insights import Period, csv_text, read_report
from tests.test_editor import PASSWORD, login


@pytest.fixture
def traffic(client, settings, tmp_path):
    """Customers searching the way they do, opening some results and voting, through the real routes."""
    from kb.users import add_user

    settings.users_file = tmp_path / "users.json"
    add_user(settings.users_file, "editor1", PASSWORD, roles=("editor",))
    visitor = client.application.test_client()
    for q in ["카드 분실", "카드 분실", "카드분실", "결재 오류", "zkem qnstlf", "아이폰 케이스", "아이폰 케이스"]:
        visitor.get("/search", query_string={"q": q})
    visitor.get("/search", query_string={"q": "스크립트"})  # internal-only topic
    visitor.get("/search", query_string={"q": "해외결제"})
    page = visitor.get("/search", query_string={"q": "포인트 현금화"}).get_data(as_text=True)
    link = re.search(r'href="(/articles/pts-cash-out\?[^"]+)"', page).group(1).replace("&amp;", "&")
    visitor.get(link)  # a click on a result
    article = visitor.get("/articles/pay-declined").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', article).group(1)
    visitor.post(
        "/articles/pay-declined/feedback",
        data={"helpful": "no", "comment": "해외 결제 거절은 안 나와요", "csrf_token": token},
    )
    return settings


def test_report_counts_groups_and_diagnoses(traffic, app):
    from kb.insights import build_report, log_reader

    with app.extensions["kb"].snapshot() as snapshot:
        report = build_report(log_reader(app.extensions["kb.analytics"]), Period.last_days(7), snapshot=snapshot)
    assert report.total_searches == 10
    today = [d for d in report.days if d.day == dt.date.today().isoformat()][0]
    assert today.searches == 10 and today.zero == report.zero_searches
    # grouped by what the engine read: "zkem qnstlf" was read as 카드 분실
    assert report.top_queries[0].normalized == "카드 분실" and report.top_queries[0].searches == 3
    zero = {g.normalized: g for g in report.zero_groups}
    assert zero["아이폰 케이스"].searches == 2 and zero["아이폰 케이스"].cause == "missing_word"
    assert zero["스크립트"].cause == "internal"
    assert "agent-script" in zero["스크립트"].detail
    assert zero["스크립트"].suggestion is None  # never suggest an internal article for customers
    opened = {r.normalized for r in report.top_queries if r.clicked}
    assert opened == {"포인트 현금화"}
    assert "포인트 현금화" not in {r.normalized for r in report.unopened}
    assert "카드 분실" in {r.normalized for r in report.unopened}
    votes = {v.article_id: v for v in report.votes}
    assert votes["pay-declined"].unhelpful == 1
    assert votes["pay-declined"].comments[0]["comment"] == "해외 결제 거절은 안 나와요"
    assert "cc-phone-hours" in report.never_found and "agent-script" not in report.never_found
    assert "lost-report" not in report.never_found


def test_zero_result_group_suggests_the_closest_article(traffic, app):
    """A query that found nothing then, but would with a looser speller: the suggestion names the article."""
    from kb.insights import ZeroGroup
    from kb.zero_results import diagnose

    with app.extensions["kb"].snapshot() as snapshot:
        group = diagnose(snapshot, ZeroGroup("카드분실신고", ["카드분실신고"], 3))
        spaced = diagnose(snapshot, ZeroGroup("포인트현금 화", ["포인트현금 화"], 1))
    assert group.cause == "found_now" and group.suggestion == "lost-report"
    assert spaced.suggestion == "pts-cash-out"


def test_period_excludes_other_days(traffic, app):
    from kb.insights import log_reader

    execute = log_reader(app.extensions["kb.analytics"])
    yesterday = dt.date.today() - dt.timedelta(days=1)
    report = read_report(execute, Period(yesterday - dt.timedelta(days=3), yesterday))
    assert report.total_searches == 0 and all(d.searches == 0 for d in report.days) and len(report.days) == 4


def test_insights_page_shows_queries_never_who(traffic, client):
    login(client, "editor1")
    page = client.get("/editor/insights?days=7").get_data(as_text=True)
    assert '<svg class="chart"' in page and "<caption>날짜별 검색 수와 결과 없는 검색</caption>" in page
    assert "아이폰 케이스" in page and "지식 베이스에 없는 말" in page
    assert "해외 결제 거절은 안 나와요" in page
    assert "127.0.0.1" not in page and "editor1" not in page.split("</header>", 1)[1]


def test_csv_export_keeps_formulas_as_text(traffic, client):
    visitor = client.application.test_client()
    visitor.get("/search", query_string={"q": '=HYPERLINK("http://x")'})
    login(client, "editor1")
    response = client.get("/editor/insights/top_queries.csv?days=7")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff검색어,예시,검색 수")
    assert "'=hyperlink" in text.lower() and "\n=HYPERLINK" not in text
    assert client.get("/editor/insights/nope.csv").status_code == 404


def test_kb_stats_json_and_text(traffic, runner):
    args = [
        "--articles",
        str(traffic.articles_dir),
        "--index",
        str(traffic.index_dir),
        "--db",
        str(traffic.analytics_db),
    ]
    result = runner.invoke(main, ["stats", "--json", "--days", "7", *args])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total_searches"] == 10
    zero = {g["normalized"]: g for g in data["zero_groups"]}
    assert zero["아이폰 케이스"]["cause_label"] == "지식 베이스에 없는 말"
    text = runner.invoke(main, ["stats", "--days", "7", *args])
    assert text.exit_code == 0 and "많이 찾은 검색어" in text.output and "아이폰 케이스" in text.output
    today = dt.date.today().isoformat()
    one_day = runner.invoke(main, ["stats", "--json", "--from", today, "--to", today, *args])
    assert json.loads(one_day.output)["days"] == [
        {"day": today, "searches": 10, "zero": data["zero_searches"], "zero_rate": round(data["zero_searches"] / 10, 4)}
    ]
    bad = runner.invoke(main, ["stats", "--from", today, *args])
    assert bad.exit_code == 2 and "--from and --to" in bad.output


def test_csv_of_every_table(traffic, app):
    from kb.insights import TABLES, log_reader

    report = read_report(log_reader(app.extensions["kb.analytics"]), Period.last_days(7))
    for name, header in TABLES.items():
        assert csv_text(report, name).splitlines()[0] == "\ufeff" + ",".join(header)
