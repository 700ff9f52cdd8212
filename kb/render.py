"""Markdown to safe HTML, plain text and the short answer.

Editors write Markdown; pages get sanitized HTML (nh3), the index gets plain text.
"""

from __future__ import annotations

import html
import re
import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "hr",
    "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|tr|blockquote|pre)>|<br\s*/?>")


_renderers = threading.local()


def _markdown() -> markdown.Markdown:
    """This thread's Markdown renderer, made once: making one (its parser and extensions) cost
    more than rendering an article, twice per article (its HTML and its short answer)."""
    renderer = getattr(_renderers, "markdown", None)
    if renderer is None:
        renderer = _renderers.markdown = markdown.Markdown(extensions=["tables", "sane_lists", "fenced_code"])
    return renderer


def to_html(text: str) -> str:
    """Rendered and sanitized: scripts, event handlers and javascript: links never survive."""
    renderer = _markdown()
    try:
        raw = renderer.convert(text)
    finally:
        renderer.reset()  # nothing of this text is left for the next (markdown.markdown's fresh instance)
    return sanitize(raw)


def sanitize(raw_html: str) -> str:
    """Only the tags, attributes and link schemes an answer needs reach a page."""
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def to_text(rendered_html: str) -> str:
    """Plain text of rendered HTML, one line per block, for the index and for copying."""
    text = _BLOCK_END.sub("\n", rendered_html)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def first_paragraph(text: str) -> str:
    """The first Markdown paragraph that is not a heading: the article's short answer."""
    for block in re.split(r"\n\s*\n", text.strip()):
        block = block.strip()
        if block and not block.startswith("#"):
            return block
    return ""


def short_answer(text: str) -> str:
    return to_text(to_html(first_paragraph(text))).replace("\n", " ")
