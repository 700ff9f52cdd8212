"""As-you-type: the last, half-typed word is a prefix (카드 분 → 카드 분실), as search boxes elsewhere work.

Instant search asks with ``prefix=1`` while the user is still typing the last word. The completion
is read off the suggestions for the same text (titles and question variants that match every word,
the last one as a jamo prefix, so 분ㅅ and 칻 work mid-composition): their words that begin with
what was typed are extended one syllable at a time while most of them agree, then cut after the
morpheme that completes the typed text (분 → 분실, not 분실했을); a word that already appears whole
is left as typed. Enter and shared links search the text as
written; only the keystroke results complete.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from indexer.analysis import analyze
from indexer.hangul import decompose, is_hangul
from indexer.normalize import normalize_query

AGREEMENT = 0.6  # share of the candidate words that must agree on the next syllable
END = ""  # a candidate word that ends here


def _words(texts: Iterable[str]) -> list[str]:
    """The Hangul runs of the texts (punctuation and digits split words: 신고하나요? → 신고하나요)."""
    words = []
    for text in texts:
        run = ""
        for ch in normalize_query(text) + " ":
            if is_hangul(ch):
                run += ch
            elif run:
                words.append(run)
                run = ""
    return words


def complete_word(typed: str, texts: Iterable[str]) -> str:
    """The completion of ``typed`` that the words of ``texts`` agree on, or ``typed`` itself."""
    if not typed or not all(is_hangul(ch) for ch in typed):
        return typed  # Latin (maybe a layout slip), digits, 초성: the engine reads those as they are
    keys = decompose(typed, True)
    candidates = [w for w in _words(texts) if decompose(w, True).startswith(keys)]
    if not candidates or typed in candidates:
        return typed
    current = typed[:-1]  # the last syllable may be half-built (분ㅅ, 칻): rebuilt from the candidates
    while True:
        pool = [w for w in candidates if w.startswith(current)]
        nexts = Counter(w[len(current)] if len(w) > len(current) else END for w in pool)
        best, count = nexts.most_common(1)[0] if nexts else (END, 0)
        if best == END or count < AGREEMENT * len(pool):
            break
        current += best
    current = _first_morpheme(current, typed)
    return current if len(current) >= len(typed) and decompose(current, True).startswith(keys) else typed


def _first_morpheme(word: str, typed: str) -> str:
    """Cut a completion after the morpheme that completes what was typed: 분실했을 → 분실, 재발급받나요 → 재발급."""
    for term in analyze(word):
        if term.end < len(typed):
            continue
        if word[: term.end] != typed:
            return word[: term.end]
        if not term.tag.startswith("XP"):  # 신고 is whole already (신고하나요 adds only an ending)
            return typed
    return word


def complete_last_word(text: str, texts: Iterable[str]) -> str:
    """``text`` with its last word completed (see ``complete_word``); unchanged if it ends in a space."""
    if not text or text[-1].isspace():
        return text
    head, _, last = text.rpartition(" ")
    completed = complete_word(normalize_query(last), texts)
    if completed == normalize_query(last):
        return text
    return f"{head} {completed}" if head else completed
