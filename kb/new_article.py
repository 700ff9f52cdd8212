"""A new article from a template: a free, readable id and a file that passes ``kb check``.

Ids are ASCII (they are URLs) but editors write Korean titles, so the id is the prefix the
category's articles already use (lost-, pay-) followed by the title's first nouns in Revised
Romanization (분실 신고 기간 → lost-bunsil-singo-gigan): readable to the people who wrote it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from indexer.audience import AUDIENCES
from indexer.hangul import CHOSEONG, JUNGSEONG, SYLLABLE_BASE, SYLLABLE_LAST
from kb.articles import ID_PATTERN, parse_article
from kb.corpus import Corpus

ROMAN_INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
ROMAN_VOWELS = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
    "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
]  # fmt: skip
ROMAN_FINALS = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
]  # fmt: skip
ID_WORDS = 3
ID_MAX = 40
NOUN_TAGS = ("NNG", "NNP", "XR", "SL", "SN")
# Template text an editor must replace; ``kb check`` warns while any of it is left.
PLACEHOLDER_ANSWER = "여기에 한두 문장으로 답을 쓰세요."
PLACEHOLDER_STEPS = "1. 여기에 자세한 방법을 차례대로 쓰세요."
PLACEHOLDERS = (PLACEHOLDER_ANSWER, PLACEHOLDER_STEPS)

assert len(ROMAN_INITIALS) == len(CHOSEONG) and len(ROMAN_VOWELS) == len(JUNGSEONG) and len(ROMAN_FINALS) == 28


class NewArticleError(ValueError):
    pass


@dataclass
class Draft:
    category: str
    title: str
    questions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    audience: str = "public"


def romanize(text: str) -> str:
    """Revised Romanization, syllable by syllable (no sound-change rules: ids need only be readable)."""
    out = []
    for ch in text:
        code = ord(ch)
        if SYLLABLE_BASE <= code <= SYLLABLE_LAST:
            index = code - SYLLABLE_BASE
            out.append(ROMAN_INITIALS[index // 588] + ROMAN_VOWELS[index % 588 // 28] + ROMAN_FINALS[index % 28])
        elif ch.isascii() and ch.isalnum():
            out.append(ch.lower())
        else:
            out.append("-")
    return re.sub(r"-+", "-", "".join(out)).strip("-")


def id_prefix(corpus: Corpus, category: str, audience: str) -> str:
    """The prefix most articles of this category (and audience) already use: lost-, pay-, agent-."""
    same = [a for a in corpus.articles if a.category == category]
    pool = [a for a in same if a.audience == audience] or same
    counts = Counter(a.id.split("-")[0] for a in pool)
    if counts:
        return counts.most_common(1)[0][0]
    return romanize(category.split("-")[0]) or "article"


def title_words(title: str) -> list[str]:
    from indexer import analyze

    nouns = [t.text for t in analyze(title) if t.tag.split("-")[0] in NOUN_TAGS]
    words = [romanize(w) for w in dict.fromkeys(nouns)]
    return [w for w in words if w][:ID_WORDS] or [w for w in romanize(title).split("-") if w][:ID_WORDS]


def free_id(corpus: Corpus, draft: Draft, taken: set[str] | None = None) -> str:
    """A readable id no article (and no file in the folder) has yet: base, then base-2, base-3 …"""
    taken = {a.id for a in corpus.articles} | (taken or set())
    taken |= {p.stem for p in corpus.root.rglob("*.md")}
    words = title_words(draft.title)
    base = "-".join([id_prefix(corpus, draft.category, draft.audience), *words])[:ID_MAX].strip("-")
    if not ID_PATTERN.match(base):
        base = re.sub(r"[^a-z0-9]+", "-", base).strip("-") or "article"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _yaml_value(value) -> str:
    """One YAML scalar or flow list, quoted only where YAML needs it (titles with ':' or '#')."""
    return (
        yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000).removesuffix("\n...\n").strip()
    )


def render(draft: Draft, article_id: str, today: dt.date) -> str:
    questions = "".join(f"  - {_yaml_value(q)}\n" for q in draft.questions)
    return (
        "---\n"
        f"id: {article_id}\n"
        f"title: {_yaml_value(draft.title)}\n"
        f"category: {draft.category}\n"
        + (f"questions:\n{questions}" if questions else "questions: []\n")
        + f"tags: {_yaml_value(draft.tags)}\n"
        f"audience: {draft.audience}\n"
        f"updated: {today.isoformat()}\n"
        "related: []\n"
        "---\n"
        f"{PLACEHOLDER_ANSWER}\n\n"
        "## 자세히 알아보기\n"
        f"{PLACEHOLDER_STEPS}\n"
    )


def validate_draft(corpus: Corpus, draft: Draft) -> None:
    if draft.category not in corpus.categories:
        known = ", ".join(corpus.categories)
        raise NewArticleError(f"분야 '{draft.category}'가 categories.yml에 없습니다 (있는 분야: {known})")
    if not draft.title.strip():
        raise NewArticleError("제목이 비어 있습니다")
    if draft.audience not in AUDIENCES:
        raise NewArticleError("audience는 public 또는 internal이어야 합니다")


def create(
    corpus: Corpus, draft: Draft, *, today: dt.date | None = None, article_id: str | None = None
) -> tuple[Path, str]:
    """(path the article goes to, its text), checked to parse; nothing is written here."""
    validate_draft(corpus, draft)
    draft.title = " ".join(draft.title.split())
    draft.questions = [" ".join(q.split()) for q in draft.questions if q.strip()]
    if article_id is not None:
        if not ID_PATTERN.match(article_id):
            raise NewArticleError(f"id '{article_id}'는 'lost-report'처럼 소문자 영문·숫자·하이픈이어야 합니다")
        if corpus.get(article_id) or any(p.stem == article_id for p in corpus.root.rglob("*.md")):
            raise NewArticleError(f"id '{article_id}'는 이미 있습니다")
    article_id = article_id or free_id(corpus, draft)
    path = corpus.root / draft.category / f"{article_id}.md"
    text = render(draft, article_id, today or dt.date.today())
    _check_parses(path, text)
    return path, text


def _check_parses(path: Path, text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as temp:
        probe = Path(temp) / path.name
        probe.write_text(text, encoding="utf-8")
        article, problems = parse_article(probe, str(path))
    if article is None:  # a bug in the template, never the editor's fault: say so plainly
        raise NewArticleError("새 문서가 검사를 통과하지 못했습니다: " + "; ".join(str(p) for p in problems))


def write(path: Path, text: str) -> None:
    """Create the file, never overwrite one (another editor may have taken the name meanwhile)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:
        out.write(text)
