"""Checks on one article at a time: links in the body, the short answer, the updated date.

What each article gives is remembered while the Article lives (the parse cache hands the same
Article to every load of an unchanged file): the watcher checks after every save, and finding
~34,000 stale-date warnings and every body's links again took ~0.3 s of each save at 20,000
articles. Only the links' targets are looked up in the corpus each time (another article may
have gone or turned internal).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from kb.articles import Article
from kb.checks import ERROR, WARNING, Finding, per_article
from kb.corpus import Corpus

# Inline links [text](target "title") and reference definitions [label]: target
INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
ARTICLE_PATH = re.compile(r"^/(agent/)?articles/([^/?#]+)/?$")
FILE_LINK = re.compile(r"^(?:\.{1,2}/)*(?:[\w.-]+/)*([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
SHORT_ANSWER_MAX = 150  # characters: about two sentences, what fits under a result on a phone


def _body_links(article: Article) -> Iterator[tuple[int, str]]:
    """(line, target) of every link written in the body, with the file line it is on."""
    first = article.lines.get("body", 1)
    for pattern in (INLINE_LINK, REFERENCE_LINK):
        for match in pattern.finditer(article.body):
            yield first + article.body.count("\n", 0, match.start(1)), match.group(1)


def _linked_id(target: str) -> tuple[str, str] | None:
    """(kind, article id) if ``target`` points at an article: 'page', 'agent' or 'file'."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None  # another site (or this one by full URL): not checked
    if found := ARTICLE_PATH.match(parts.path):
        return ("agent" if found.group(1) else "page"), found.group(2)
    if found := FILE_LINK.match(parts.path):
        return "file", found.group(1)
    return None


def _article_links(article: Article) -> list[tuple[int, str, str, str]]:
    """(line, target, kind, article id) of every body link that points at an article."""
    return [
        (line, target, *linked) for line, target in _body_links(article) if (linked := _linked_id(target)) is not None
    ]


def check_body_links(corpus: Corpus) -> list[Finding]:
    findings = []
    for article in corpus.articles:
        for line, target, kind, target_id in per_article(article, "links", (), lambda a=article: _article_links(a)):
            other = corpus.get(target_id)
            if other is None:
                findings.append(
                    Finding(
                        article.path,
                        line,
                        f"본문 링크 '{target}'의 문서 '{target_id}'가 없습니다",
                        ERROR,
                        "id를 고치거나 링크를 지우세요",
                    )
                )
            elif article.is_public and not other.is_public:
                findings.append(
                    Finding(
                        article.path,
                        line,
                        f"공개 문서가 내부용 문서 '{target_id}'로 링크합니다 (고객은 열 수 없습니다)",
                        ERROR,
                        "링크를 지우거나 공개 문서로 바꾸세요",
                    )
                )
            elif kind == "agent" and article.is_public:
                findings.append(
                    Finding(
                        article.path,
                        line,
                        f"공개 문서가 상담원 콘솔 주소 '{target}'로 링크합니다",
                        ERROR,
                        f"/articles/{target_id} 로 바꾸세요",
                    )
                )
            elif kind == "file":
                findings.append(
                    Finding(
                        article.path,
                        line,
                        f"파일 링크 '{target}'는 사이트에서 열리지 않습니다",
                        WARNING,
                        f"/articles/{target_id} 로 바꾸세요",
                    )
                )
    return findings


def check_short_answers(corpus: Corpus, limit: int = SHORT_ANSWER_MAX) -> list[Finding]:
    """The first paragraph is shown under every result and copied by agents: it must answer, briefly."""
    return [
        finding
        for article in corpus.articles
        for finding in per_article(article, "short answer", (limit,), lambda a=article: _short_answer(a, limit))
    ]


def _short_answer(article: Article, limit: int) -> list[Finding]:
    line = article.lines.get("body", 1)
    answer = article.short_answer.strip()
    if not answer:
        return [
            Finding(
                article.path,
                line,
                "짧은 답변(첫 문단)이 비어 있습니다",
                ERROR,
                "제목 아래 첫 문단에 한두 문장으로 답을 쓰세요",
            )
        ]
    if len(answer) > limit:
        return [
            Finding(
                article.path,
                line,
                f"짧은 답변(첫 문단)이 {len(answer)}자로 깁니다 (최대 {limit}자)",
                WARNING,
                "첫 문단을 한두 문장으로 줄이고 자세한 내용은 다음 문단으로 옮기세요",
            )
        ]
    return []


def check_stale(corpus: Corpus, today: dt.date, stale_days: int) -> list[Finding]:
    """Warnings only: an old article may still be right, but someone should look."""
    return [
        finding
        for article in corpus.articles
        for finding in per_article(
            article, "stale", (today, stale_days), lambda a=article: _stale(a, today, stale_days)
        )
    ]


def _stale(article: Article, today: dt.date, stale_days: int) -> list[Finding]:
    line = article.lines.get("updated", article.lines.get("id", 2))
    if article.updated is None:
        return [
            Finding(
                article.path,
                line,
                "최종 수정일(updated)이 없습니다",
                WARNING,
                f"내용을 확인하고 updated: {today.isoformat()} 를 넣으세요",
            )
        ]
    age = (today - article.updated).days
    if age > stale_days:
        return [
            Finding(
                article.path,
                line,
                f"{age}일 동안 수정되지 않았습니다 (기준 {stale_days}일)",
                WARNING,
                f"내용이 맞는지 확인하고 updated: {today.isoformat()} 로 바꾸세요",
            )
        ]
    if age < -1:
        return [
            Finding(
                article.path,
                line,
                f"최종 수정일 {article.updated.isoformat()}이 미래입니다",
                WARNING,
                f"updated: {today.isoformat()} 처럼 실제 수정한 날을 쓰세요",
            )
        ]
    return []


def check_placeholders(corpus: Corpus) -> list[Finding]:
    """Template text ``kb new`` left for the editor to replace: never publish it."""
    return [
        finding
        for article in corpus.articles
        for finding in per_article(article, "placeholders", (), lambda a=article: _placeholders(a))
    ]


def _placeholders(article: Article) -> list[Finding]:
    from kb.new_article import PLACEHOLDERS

    findings = []
    first = article.lines.get("body", 1)
    for placeholder in PLACEHOLDERS:
        at = article.body.find(placeholder)
        if at >= 0:
            findings.append(
                Finding(
                    article.path,
                    first + article.body.count("\n", 0, at),
                    f"템플릿 문구가 남아 있습니다: '{placeholder}'",
                    WARNING,
                    "실제 답으로 바꾸세요",
                )
            )
    return findings
