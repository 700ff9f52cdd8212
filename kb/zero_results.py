"""Why a logged search found nothing, and which article it probably wanted.

Each zero-result query is tried again against today's snapshot (``kb.snapshot.Snapshot``) in the ways an editor would:
as an agent (an internal-only topic), in the other keyboard layout, with the spacing changed,
with a looser spelling correction than the live one dares, and word by word. The first that
finds something names the cause; its best public article is the suggestion ("add this as a
question variant of lost-report?"). Nothing found at all: a word the knowledge base lacks.
"""

from __future__ import annotations

from collections.abc import Sequence

from indexer.audience import EVERYONE, PUBLIC
from indexer.hangul import latin_to_hangul, looks_like_wrong_layout
from indexer.segment import split_known
from kb.insights import ZeroGroup

BOTH = EVERYONE
CAUSES = {
    "found_now": "지금은 결과가 나옵니다 (그 뒤 문서나 동의어가 추가됨)",
    "internal": "내부용 문서에만 있는 주제",
    "layout": "한/영 자판 실수 (전환하지 못함)",
    "spacing": "띄어쓰기",
    "typo": "맞춤법 교정기가 고치지 못한 오타",
    "missing_word": "지식 베이스에 없는 말",
    "unknown": "원인을 알 수 없음",
}


def _hits(snapshot, text: str, audiences: Sequence[str] = PUBLIC) -> list:
    if not text.strip():
        return []
    return snapshot.search(text, limit=3, audiences=audiences).hits


def _title(snapshot, article_id: str) -> str | None:
    article = snapshot.get(article_id)
    return article.title if article else None


def _loose_corrections(snapshot, text: str) -> str | None:
    """Each unknown word replaced by the nearest corpus word, without the live speller's caution."""
    speller = snapshot.engine.speller(PUBLIC)
    words, changed = text.split(" "), False
    for i, word in enumerate(words):
        if word and word not in speller:
            fixed = speller.correct(word)
            if fixed:
                words[i], changed = fixed, True
    return " ".join(words) if changed else None


def _respaced(snapshot, text: str) -> list[str]:
    """The query joined up, and split where the corpus vocabulary says words begin."""
    speller = snapshot.engine.speller(PUBLIC)
    joined = text.replace(" ", "")
    options = [joined] if joined != text else []
    out, _ = split_known(joined, speller.__contains__)
    split = " ".join(out)
    if split not in (text, joined):
        options.append(split)
    return options


def diagnose(snapshot, group: ZeroGroup) -> ZeroGroup:
    """Fill in the group's cause, a detail for the editor and the closest public article."""
    text = group.normalized
    original = group.examples[0] if group.examples else text
    attempts: list[tuple[str, str, str]] = [("found_now", text, "")]
    if any(looks_like_wrong_layout(w) for w in original.split()):
        converted = latin_to_hangul(original)
        attempts.append(("layout", converted, f"'{original}' → '{converted}'"))
    attempts += [("spacing", option, f"'{option}'(으)로 쓰면 찾습니다") for option in _respaced(snapshot, text)]
    corrected = _loose_corrections(snapshot, text)
    if corrected:
        attempts.append(("typo", corrected, f"'{text}' → '{corrected}'"))
    for cause, attempt, detail in attempts:
        hits = _hits(snapshot, attempt)
        if hits:
            group.cause, group.detail = cause, detail
            group.suggestion, group.suggestion_title = hits[0].id, _title(snapshot, hits[0].id)
            return group
    internal = [h for h in _hits(snapshot, text, BOTH) if h.audience == "internal"]
    if internal:
        group.cause, group.detail = (
            "internal",
            f"내부용 '{internal[0].id}'에만 있습니다: 공개 문서가 필요할 수 있습니다",
        )
        return group
    group.cause = "missing_word"
    best = None
    for word in text.split(" "):
        for hit in _hits(snapshot, word):
            if best is None or hit.score > best.score:
                best = hit
    if best is not None:
        group.suggestion, group.suggestion_title = best.id, _title(snapshot, best.id)
        group.detail = "낱말 하나로는 찾는 문서가 있습니다"
    return group


def diagnose_all(snapshot, groups: list[ZeroGroup]) -> list[ZeroGroup]:
    return [diagnose(snapshot, g) for g in groups]
