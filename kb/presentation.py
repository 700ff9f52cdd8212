"""What every template may use: the site settings (contact, strings), one date format, phone links.

Installed into the live app's Jinja environment and the static export's alike, so public, agent
and exported pages cannot drift apart (one date format, one phone number). No Flask here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

from jinja2 import Environment
from markupsafe import Markup

from indexer import MAX_QUERY_CHARS
from kb.render import to_text
from kb.site_settings import SiteSettings

# Korean phone numbers as written in articles: 1566-1000, 02-123-4567, 010-1234-5678, 080-000-0000.
T = TypeVar("T")
PHONE = re.compile(r"(?<![\d-])(?:1[5-9]\d\d-\d{4}|0\d{1,2}-\d{3,4}-\d{4})(?![\d-])")
TAG = re.compile(r"(<[^>]+>)")


def korean_date(value) -> str:
    """2026. 11. 24. — the one date format of every page (public and agent)."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.year}. {value.month}. {value.day}."


def phone_links(html: str) -> Markup:
    """Turn phone numbers in (already sanitized) article HTML into tel: links that never break.

    Only text outside tags and outside existing links is touched, so markup stays intact.
    """
    out, in_link = [], 0
    for part in TAG.split(str(html)):
        if part.startswith("<"):
            lower = part[:3].lower()
            if lower.startswith("<a") and (len(part) < 3 or not part[2].isalnum()):
                in_link += 1
            elif lower.startswith("</a"):
                in_link = max(0, in_link - 1)
            out.append(part)
        elif in_link:
            out.append(part)
        else:
            out.append(PHONE.sub(_tel_anchor, part))
    return Markup("".join(out))


FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


def without_short_answer(html: str, short_answer: str) -> Markup:
    """The body minus its first paragraph when that paragraph IS the short answer already shown above it."""
    match = FIRST_PARAGRAPH.search(str(html))
    if match and " ".join(to_text(match.group(0)).split()) == " ".join(short_answer.split()):
        html = str(html)[: match.start()] + str(html)[match.end() :]
    return Markup(html)


def _tel_anchor(match: re.Match) -> str:
    number = match.group(0)
    return f'<a class="tel" href="tel:{number}">{number}</a>'


def popular_first(articles: Sequence[T], popular_ids: Iterable[str]) -> list[T]:
    """A category's articles, most opened first (then the usual questions, then by title).

    Analytics gives the live order; ``DEFAULT_POPULAR`` keeps the key article (분실 신고) on top of
    a fresh site and in the static export, where there is no traffic to count.
    """
    rank = {article_id: n for n, article_id in enumerate(dict.fromkeys(popular_ids))}
    return sorted(articles, key=lambda a: (rank.get(a.id, len(rank)), a.title))


def install(env: Environment, settings: SiteSettings) -> None:
    """Give ``env``'s templates the site settings, the phone link and the shared filters."""

    def phone_link(css: str = "tel") -> Markup:
        contact = settings.contact
        return Markup('<a class="{}" href="{}">{}</a>').format(css, contact.tel, contact.phone)

    env.globals.update(site=settings, strings=settings.strings, phone_link=phone_link, max_query_chars=MAX_QUERY_CHARS)
    env.filters.update(korean_date=korean_date, phone_links=phone_links, without_short_answer=without_short_answer)
