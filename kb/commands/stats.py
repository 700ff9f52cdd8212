"""``kb stats``: the insights page as text or JSON, for a chosen period (no personal data in it)."""

from __future__ import annotations

import datetime as dt
import json

import click

from kb.config import Settings


def run(
    settings: Settings, *, days: int, start: dt.date | None, end: dt.date | None, who: str, as_json: bool, limit: int
) -> None:
    from kb.analytics import Analytics
    from kb.cli import _live
    from kb.insights import Period, build_report, log_reader
    from kb.zero_results import CAUSES

    if (start is None) != (end is None):
        raise click.UsageError("give both --from and --to, or neither")
    period = Period(start, end) if start and end else Period.last_days(days)
    if period.start > period.end:
        raise click.UsageError("--from must not be after --to")
    if not settings.log_url and not settings.analytics_db.exists():
        raise click.ClickException(f"no search log at {settings.analytics_db}: searches are logged by `kb serve`")
    live = _live(settings)
    analytics = Analytics(settings.search_log_url, settings.retention_days)  # SQLite, or KB_LOG_URL's PostgreSQL
    with live.snapshot() as snapshot:
        report = build_report(log_reader(analytics), period, snapshot=snapshot, surfaces=who)
    live.close()
    if as_json:
        data = report.to_dict()
        for group in data["zero_groups"]:
            group["cause_label"] = CAUSES.get(group["cause"], group["cause"])
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    echo = click.echo
    totals = f"검색 {report.total_searches}건, 결과 없음 {report.zero_searches}건"
    echo(f"기간 {period.start} ~ {period.end} ({who}): {totals}")
    echo("\n날짜별 (날짜  검색  결과없음  비율)")
    for d in report.days:
        echo(f"  {d.day}  {d.searches:5}  {d.zero:5}  {d.zero_rate:6.1%}")
    echo(f"\n많이 찾은 검색어 (상위 {limit}: 횟수  결과없음  연 검색  검색어)")
    for r in report.top_queries[:limit]:
        echo(f"  {r.searches:5}  {r.zero:5}  {r.clicked:5}  {r.normalized}")
    echo("\n결과 없는 검색어 (횟수  검색어: 추정 원인 → 할 일)")
    for g in report.zero_groups[:limit]:
        todo = (
            f"'{g.normalized}'을(를) {g.suggestion}의 질문으로 추가할까요?"
            if g.suggestion
            else "새 문서나 동의어가 필요합니다"
        )
        detail = f" ({g.detail})" if g.detail else ""
        echo(f"  {g.searches:5}  {g.normalized}: {CAUSES.get(g.cause, g.cause)}{detail} → {todo}")
    echo("\n결과는 나왔지만 아무도 열지 않은 검색어 (횟수  검색어)")
    for r in report.unopened[:limit]:
        echo(f"  {r.searches:5}  {r.normalized}")
    echo("\n문서별 의견 (도움됨  안됨  문서)")
    for v in report.votes[:limit]:
        echo(f"  {v.helpful:5}  {v.unhelpful:5}  {v.article_id}")
        for c in v.comments[:5]:
            echo(f"         {'+' if c['helpful'] else '-'} {c['comment']} ({c['day']})")
    echo(f"\n아무 검색에도 나오지 않은 공개 문서 ({len(report.never_found)}개)")
    for article_id in report.never_found:
        echo(f"  {article_id}")
