"""Articles: read Markdown files with YAML front matter, validate, report every problem.

Every error names the file and the line, and all of them are collected before anything
fails, so an editor fixes a whole batch in one pass (``kb check``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from indexer.audience import AUDIENCES
from kb.render import short_answer, to_html, to_text

ALLOWED_KEYS = ("id", "title", "category", "questions", "tags", "audience", "updated", "related")
REQUIRED_KEYS = ("id", "title", "category")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NULL_TAG = "tag:yaml.org,2002:null"
# YAML "\ud800" escapes yield lone surrogates, which no file, page or index can encode.
SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class CorpusError(Exception):
    """The articles folder has problems; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Article:
    id: str
    title: str
    category: str
    body: str
    path: str
    questions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    audience: str = "public"
    updated: dt.date | None = None
    related: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    # line of each item of a list key (questions, tags, related), for findings that point at one question
    item_lines: dict[str, list[int]] = field(default_factory=dict)
    # What each check found in this article (kb.checks.per_article): lives and dies with the Article.
    check_results: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    # (IndexDoc, its digest), made once by kb.indexing.index_doc: lives and dies with the Article.
    indexed: tuple = field(default=(), init=False, repr=False, compare=False)

    @property
    def is_public(self) -> bool:
        return self.audience == "public"

    # Rendered once per loaded article: pages, the index and the staleness check all reuse it.
    @cached_property
    def html(self) -> str:
        return to_html(self.body)

    @cached_property
    def text(self) -> str:
        return to_text(self.html)

    @cached_property
    def short_answer(self) -> str:
        return short_answer(self.body)


def _node_value(node: yaml.Node, nested: bool = False):
    """Front matter values as plain strings and lists of strings: no YAML type surprises.

    A plain null (``~``, ``null``, nothing) is None, so it can mean "no value" rather than the
    word "null". Only one level of list is walked: deeper nodes stay Node objects, which every
    check rejects, so hostile nesting or alias bombs cost nothing here.
    """
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag == NULL_TAG else node.value
    if nested:
        return node
    if isinstance(node, yaml.SequenceNode):
        return [_node_value(item, nested=True) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {_node_value(k, nested=True): _node_value(v, nested=True) for k, v in node.value}
    return None


def find_surrogate(value) -> str | None:
    """The first lone surrogate in a string or a list of strings: it would crash ``kb index`` later."""
    for text in value if isinstance(value, list) else [value]:
        if isinstance(text, str) and (found := SURROGATE.search(text)):
            return found.group()
    return None


def printable(text: str) -> str:
    """Surrogates escaped, so a message quoting the value can still be printed."""
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _printable_value(value):
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [printable(v) if isinstance(v, str) else v for v in value]
    return value


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # libyaml's parser, when PyYAML was built with it


def compose_front_matter(front: str) -> yaml.Node | None:
    """``yaml.compose(front, Loader=yaml.SafeLoader)``, by libyaml's parser when it accepts the text:
    the pure-Python parser was a fifth of parsing an article. Anything libyaml does not accept
    goes to the Python parser, so a broken front matter gets the same message (line, problem)."""
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(front, Loader=_FAST_LOADER)
        except Exception:  # noqa: BLE001 - any refusal: the Python parser decides and explains
            pass
    return yaml.compose(front, Loader=yaml.SafeLoader)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line where the body starts), or None if there is no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return None


def parse_article(path: Path, display: str, data: bytes | None = None) -> tuple[Article | None, list[Problem]]:
    """One file to an Article, or the problems that stop it (checks needing the corpus come later).

    ``data``: the file's bytes, if the caller already read them."""

    def problem(line: int, message: str) -> Problem:
        return Problem(display, line, message)

    try:
        data = path.read_bytes() if data is None else data
    except OSError as error:  # a dangling or looping symlink, no permission, a race with a delete
        return None, [problem(1, f"cannot read file ({error.strerror or error})")]
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [problem(1, f"not UTF-8 text ({error.reason} at byte {error.start})")]
    text = unicodedata.normalize("NFC", raw.lstrip("\ufeff").replace("\r\n", "\n"))
    parts = split_front_matter(text)
    if parts is None:
        return None, [
            problem(1, "missing front matter: the file must start with a '---' line and close it with another")
        ]
    front, body, body_line = parts
    try:
        node = compose_front_matter(front)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        return None, [problem(line, f"front matter is not valid YAML: {getattr(error, 'problem', error)}")]
    except Exception:  # the composer recurses per nesting level: RecursionError, or worse, must not escape
        return None, [problem(1, "front matter is too deeply nested or malformed")]
    if not isinstance(node, yaml.MappingNode):
        return None, [problem(2, "front matter must be a mapping of keys (id:, title:, ...)")]

    problems: list[Problem] = []
    values: dict = {}
    lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    for key_node, value_node in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 2
        if bad := find_surrogate(key):
            problems.append(problem(line, f"a key contains an invalid character (lone surrogate U+{ord(bad):04X})"))
            continue
        if key in values:
            problems.append(problem(line, f"duplicate key '{key}'"))
        elif key not in ALLOWED_KEYS:
            problems.append(problem(line, f"unknown key '{key}' (allowed: {', '.join(ALLOWED_KEYS)})"))
        value = _node_value(value_node)
        if bad := find_surrogate(value):
            problems.append(problem(line, f"'{key}' contains an invalid character (lone surrogate U+{ord(bad):04X})"))
        values[key], lines[key] = _printable_value(value), line
        if isinstance(value_node, yaml.SequenceNode):
            item_lines[key] = [item.start_mark.line + 2 for item in value_node.value]
        elif isinstance(value_node, yaml.ScalarNode):
            item_lines[key] = [line]
    for key in REQUIRED_KEYS:
        if not values.get(key) or not isinstance(values[key], str) or not values[key].strip():
            problems.append(problem(lines.get(key, 2), f"missing required key '{key}'"))

    article_id = values.get("id")
    if isinstance(article_id, str) and article_id and not ID_PATTERN.match(article_id):
        problems.append(problem(lines["id"], f"id '{article_id}' must be a lowercase ascii slug like 'lost-report'"))
    for key in ("questions", "tags", "related"):
        value = values.get(key)
        if value is None:
            value = []
        elif isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            value = [v for v in value if v is not None]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(problem(lines[key], f"'{key}' must be a list of strings"))
            value = []
        raw_value = values.get(key)
        raw_items = raw_value if isinstance(raw_value, list) else [raw_value]
        item_line = item_lines.get(key, [])
        kept = [
            (v.strip(), item_line[i] if i < len(item_line) else lines.get(key, 2))
            for i, v in enumerate(raw_items)
            if isinstance(v, str) and v.strip()
        ]
        values[key] = [v for v, _ in kept] if value else []
        item_lines[key] = [n for _, n in kept] if value else []
    audience = values.get("audience", "public")
    if audience not in AUDIENCES:
        shown = f"'{audience}'" if isinstance(audience, str) else "empty" if audience is None else "a list or mapping"
        problems.append(problem(lines.get("audience", 2), f"audience must be 'public' or 'internal', not {shown}"))
    updated = None
    if values.get("updated") is not None:
        try:
            updated = dt.date.fromisoformat(str(values["updated"]))
        except ValueError:
            problems.append(problem(lines["updated"], f"updated '{values['updated']}' is not a date (YYYY-MM-DD)"))
    if not body.strip():
        problems.append(problem(body_line, "the article has no answer: write Markdown after the front matter"))
    elif bad := SURROGATE.search(body):
        line = body_line + body.count("\n", 0, bad.start())
        problems.append(
            problem(line, f"the answer contains an invalid character (lone surrogate U+{ord(bad.group()):04X})")
        )
    if problems:
        return None, problems
    article = Article(
        id=article_id,
        title=values["title"].strip(),
        category=values["category"].strip(),
        body=body.strip(),
        path=display,
        questions=values["questions"],
        tags=values["tags"],
        audience=audience,
        updated=updated,
        related=values["related"],
        lines={**lines, "body": body_line + body[: len(body) - len(body.lstrip())].count("\n")},
        item_lines=item_lines,
    )
    if not article.text.strip():
        return None, [problem(body_line, "the answer is empty after removing unsafe HTML")]
    return article, []


def article_record(article: Article) -> dict:
    """An article as the build stores it (app/articles-XX.json, kb/published.py): its fields and renderings."""
    return {
        "id": article.id,
        "title": article.title,
        "category": article.category,
        "body": article.body,
        "path": article.path,
        "questions": article.questions,
        "tags": article.tags,
        "audience": article.audience,
        "updated": article.updated.isoformat() if article.updated else None,
        "related": article.related,
        "html": article.html,
        "text": article.text,
        "short_answer": article.short_answer,
    }


def article_from_record(record: dict, *, keep_text: bool = True) -> Article:
    """``keep_text=False`` (a server): the plain text is derived from the HTML when asked for, not kept."""
    article = Article(
        id=record["id"],
        title=record["title"],
        category=record["category"],
        body=record["body"],
        path=record["path"],
        questions=record["questions"],
        tags=record["tags"],
        audience=record["audience"],
        updated=dt.date.fromisoformat(record["updated"]) if record["updated"] else None,
        related=record["related"],
    )
    # the renderings are cached properties: fill them from the build instead of rendering again. A server
    # leaves out the plain text: no served page reads it (derived from the HTML on demand, as the build
    # derived it), and keeping it cost a worker ~40 MB at 20,000 articles; the export reads it for every article.
    article.__dict__.update(html=record["html"], short_answer=record["short_answer"])
    if keep_text:
        article.__dict__["text"] = record["text"]
    return article
