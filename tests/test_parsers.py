"""Parsing an article the faster way gives what the reference parsers give: front matter by
libyaml's parser (falling back to PyYAML's for anything it refuses) and Markdown by one reused
renderer per thread instead of a new one per text (kb/articles.py, kb/render.py)."""

from __future__ import annotations

import threading

import markdown
import pytest
import yaml

from kb.articles import compose_front_matter, parse_article, split_front_matter
from kb.render import to_html
from tests.conftest import REPO

FRONT_MATTERS = [
    "id: a\ntitle: 카드를 분실했어요 😀\ncategory: lost-cards\n"
    "questions:\n  - 잃어버렸어요\n  - '분실: 신고'\ntags: [분실, 신고]",
    'id: b\ntitle: "따옴표 \\"안\\" 제목"\nupdated: 2026-11-24\naudience: ~\nrelated: []',
    "id: c\ntitle: >\n  여러 줄로\n  접힌 제목\nquestions: |\n  첫 줄\n  둘째 줄\ntags: [ＡＢＣ, 漢字, \u1100\u1161]",
    "id: &x d\ntitle: *x\nnested: {a: [1, 2, {b: c}]}\nempty:\nnull_word: null",
    "id: e\ttitle: tab\n",
]
BROKEN = ["id: [unclosed\ntitle: x", "id: a\n  bad: indent\n title: b", "- just\n- a list", "id: 'x\ntitle: y"]


def signature(node):
    """What the article parser reads of a node: its kind, tag, value and where it starts."""
    if node is None:
        return None
    base = (type(node).__name__, node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return (*base, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (*base, tuple(signature(item) for item in node.value))
    return (*base, tuple((signature(k), signature(v)) for k, v in node.value))


def reference(front: str):
    try:
        return signature(yaml.compose(front, Loader=yaml.SafeLoader))
    except Exception as error:  # noqa: BLE001 - the error itself is compared
        return f"{type(error).__name__}: {error}"


def faster(front: str):
    try:
        return signature(compose_front_matter(front))
    except Exception as error:  # noqa: BLE001
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("front", FRONT_MATTERS + BROKEN)
def test_front_matter_nodes_and_errors_are_the_reference_parsers(front):
    assert faster(front) == reference(front)


def test_every_sample_article_gets_the_same_front_matter_and_html():
    renderer_made = 0
    for path in sorted((REPO / "articles").rglob("*.md")):
        front, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
        assert faster(front) == reference(front), path
        assert to_html(body) == _fresh(body), path
        renderer_made += 1
    assert renderer_made > 50


def _fresh(text: str) -> str:
    """What kb/render.py did before: a new Markdown renderer for each text."""
    from kb.render import sanitize

    return sanitize(markdown.markdown(text, extensions=["tables", "sane_lists", "fenced_code"]))


def test_nothing_of_one_text_reaches_the_next():
    """A reference link defined in one text, fenced code and HTML stash of another: a reused
    renderer that kept them would resolve or number them in the next."""
    texts = [
        "첫 글 [링크][ref]\n\n[ref]: https://example.com/a\n\n```\n코드 <b>굵게</b>\n```\n\n<div>html</div>",
        "둘째 글 [링크][ref] 는 정의가 없습니다.\n\n```python\nprint('x')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        "1. 하나\n2. 둘\n\n* 셋\n\n<script>alert(1)</script>",
    ]
    for text in texts * 2:
        assert to_html(text) == _fresh(text)
    assert "example.com" not in to_html(texts[1])


def test_threads_render_with_their_own_renderer():
    text = "## 제목\n\n" + "\n".join(f"- 항목 {i}" for i in range(200))
    expected = _fresh(text)
    results: list[bool] = []

    def render_many():
        results.extend(to_html(text) == expected for _ in range(20))

    threads = [threading.Thread(target=render_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 80 and all(results)


def test_a_broken_front_matter_is_still_reported_with_its_line(tmp_path):
    path = tmp_path / "broken.md"
    path.write_text("---\nid: broken\ntitle: [unclosed\ncategory: x\n---\n본문\n", encoding="utf-8")
    article, problems = parse_article(path, "broken.md")
    assert article is None and len(problems) == 1
    assert problems[0].line == 4 and "not valid YAML" in problems[0].message
