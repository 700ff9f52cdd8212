"""What the search log says an editor should write next: read-only queries over searches, clicks, votes.

Only what was asked, found, opened and voted is read; there is no IP address, user agent or
account name in the log to read. The SQL is portable (SQLite and PostgreSQL: ``?`` placeholders
through the analytics store's connection, no date functions); days are cut in Python in the
server's local time, so a Korean deployment counts Korean days.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

Execute = Callable[[str, Sequence], object]  # (sql, params) -> cursor with fetchall()
CUSTOMER_SURFACES = ("public", "api")
SURFACES = {"customers": CUSTOMER_SURFACES, "agents": ("agent",), "all": ("public", "api", "agent")}
TOP = 20


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive

    @classmethod
    def last_days(cls, days: int, today: dt.date | None = None) -> Period:
        today = today or dt.date.today()
        return cls(today - dt.timedelta(days=days - 1), today)

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def bounds(self) -> tuple[float, float]:
        """Epoch seconds [start of the first day, start of the day after the last), local time."""
        start = dt.datetime.combine(self.start, dt.time()).timestamp()
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time()).timestamp()
        return start, end


@dataclass
class Day:
    day: str
    searches: int
    zero: int

    @property
    def zero_rate(self) -> float:
        return self.zero / self.searches if self.searches else 0.0


@dataclass
class QueryRow:
    normalized: str
    example: str  # one query as typed (the first seen)
    searches: int
    zero: int = 0
    clicked: int = 0


@dataclass
class ZeroGroup:
    normalized: str
    examples: list[str]
    searches: int
    cause: str = "unknown"
    detail: str = ""
    suggestion: str | None = None  # article id to add the query to as a question variant
    suggestion_title: str | None = None


@dataclass
class VoteRow:
    article_id: str
    helpful: int
    unhelpful: int
    comments: list[dict] = field(default_factory=list)  # {"helpful": bool, "comment": str, "day": str}


@dataclass
class Report:
    period: Period
    surfaces: str
    days: list[Day]
    total_searches: int
    zero_searches: int
    top_queries: list[QueryRow]
    zero_groups: list[ZeroGroup]
    unopened: list[QueryRow]
    votes: list[VoteRow]
    never_found: list[str]  # public article ids no search showed in the period

    def to_dict(self) -> dict:
        data = asdict(self)
        data["period"] = {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()}
        data["days"] = [{**asdict(d), "zero_rate": round(d.zero_rate, 4)} for d in self.days]
        return data


def log_reader(analytics) -> Execute:
    """The analytics store's own connection (its ``db`` helper when it has one, else its SQLite connection)."""
    db = getattr(analytics, "db", None)
    if db is not None and hasattr(db, "execute"):
        return db.execute
    return lambda sql, params=(): analytics._connect().execute(sql, params)


def _in(values: Sequence[str]) -> str:
    return ", ".join("?" for _ in values)


def _local_day(at: float) -> str:
    return dt.datetime.fromtimestamp(at).date().isoformat()


def read_report(
    execute: Execute,
    period: Period,
    *,
    surfaces: str = "customers",
    public_ids: Sequence[str] = (),
    limit: int = TOP,
) -> Report:
    """Everything but the zero-result causes (those need the engine: ``kb.zero_results``)."""
    names = SURFACES[surfaces]
    start, end = period.bounds()
    where = f"at >= ? AND at < ? AND surface IN ({_in(names)})"
    params = (start, end, *names)

    rows = execute(
        f"SELECT s.id, s.at, s.query, s.normalized, s.total, s.top_ids,"
        f" (SELECT COUNT(*) FROM clicks c WHERE c.search_id = s.id) FROM searches s WHERE {where} ORDER BY s.at",
        params,
    ).fetchall()

    per_day = {d.isoformat(): Day(d.isoformat(), 0, 0) for d in period.days}
    queries: dict[str, QueryRow] = {}
    zero: dict[str, ZeroGroup] = {}
    shown: set[str] = set()
    for _, at, query, normalized, total, top_ids, clicks in rows:
        day = per_day.get(_local_day(at))
        if day is not None:
            day.searches += 1
            day.zero += total == 0
        key = normalized or query
        row = queries.setdefault(key, QueryRow(key, query, 0))
        row.searches += 1
        row.zero += total == 0
        row.clicked += clicks > 0
        if total == 0:
            group = zero.setdefault(key, ZeroGroup(key, [], 0))
            group.searches += 1
            if query not in group.examples and len(group.examples) < 5:
                group.examples.append(query)
        try:
            shown.update(json.loads(top_ids or "[]"))
        except ValueError:
            pass

    by_count = sorted(queries.values(), key=lambda r: (-r.searches, r.normalized))
    unopened = [r for r in by_count if r.searches > r.zero and r.clicked == 0]
    votes = _votes(execute, start, end)
    return Report(
        period=period,
        surfaces=surfaces,
        days=list(per_day.values()),
        total_searches=len(rows),
        zero_searches=sum(1 for r in rows if r[4] == 0),
        top_queries=by_count[:limit],
        zero_groups=sorted(zero.values(), key=lambda g: (-g.searches, g.normalized))[:limit],
        unopened=unopened[:limit],
        votes=votes,
        never_found=sorted(set(public_ids) - shown),
    )


def _votes(execute: Execute, start: float, end: float) -> list[VoteRow]:
    rows = execute(
        "SELECT article_id, helpful, comment, at FROM votes WHERE at >= ? AND at < ? ORDER BY at DESC", (start, end)
    ).fetchall()
    by_article: dict[str, VoteRow] = {}
    for article_id, helpful, comment, at in rows:
        row = by_article.setdefault(article_id, VoteRow(article_id, 0, 0))
        if helpful:
            row.helpful += 1
        else:
            row.unhelpful += 1
        if comment:
            row.comments.append({"helpful": bool(helpful), "comment": comment, "day": _local_day(at)})
    # the articles that disappoint most first: they are what to fix
    return sorted(by_article.values(), key=lambda r: (-r.unhelpful, -(r.helpful + r.unhelpful), r.article_id))


def build_report(execute: Execute, period: Period, *, snapshot, surfaces: str = "customers") -> Report:
    """The whole report: the log read, then each zero-result group diagnosed by the live build (a Snapshot)."""
    from kb.zero_results import diagnose_all

    public_ids = [a.id for a in snapshot.articles if a.is_public]
    report = read_report(execute, period, surfaces=surfaces, public_ids=public_ids)
    diagnose_all(snapshot, report.zero_groups)
    return report


TABLES = {
    "days": ("날짜", "검색 수", "결과 없음", "결과 없음 비율"),
    "top_queries": ("검색어", "예시", "검색 수", "결과 없음", "결과를 연 검색"),
    "zero_results": ("검색어", "예시", "검색 수", "원인", "설명", "추천 문서"),
    "unopened": ("검색어", "예시", "검색 수"),
    "votes": ("문서", "도움 됨", "도움 안 됨", "의견"),
    "never_found": ("문서",),
}


def table_rows(report: Report, name: str) -> list[tuple]:
    """One table of the report as rows of plain values (for CSV export), in ``TABLES[name]`` order."""
    from kb.zero_results import CAUSES

    if name == "days":
        return [(d.day, d.searches, d.zero, f"{d.zero_rate:.3f}") for d in report.days]
    if name == "top_queries":
        return [(r.normalized, r.example, r.searches, r.zero, r.clicked) for r in report.top_queries]
    if name == "zero_results":
        return [
            (
                g.normalized,
                " | ".join(g.examples),
                g.searches,
                CAUSES.get(g.cause, g.cause),
                g.detail,
                g.suggestion or "",
            )
            for g in report.zero_groups
        ]
    if name == "unopened":
        return [(r.normalized, r.example, r.searches) for r in report.unopened]
    if name == "votes":
        return [
            (v.article_id, v.helpful, v.unhelpful, " | ".join(c["comment"] for c in v.comments)) for v in report.votes
        ]
    if name == "never_found":
        return [(article_id,) for article_id in report.never_found]
    raise KeyError(name)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Customers type the queries: a cell starting like a formula must stay text in a spreadsheet."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(report: Report, name: str) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TABLES[name])
    for row in table_rows(report, name):
        writer.writerow([_cell(v) if isinstance(v, str) else v for v in row])
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read Korean as UTF-8
