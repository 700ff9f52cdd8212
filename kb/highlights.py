"""Mark what tells a result apart, not what nearly every article shares.

In a card company's help center nearly every article says 카드 (and 결제, 앱): marking them in
each title and snippet only adds yellow. Within a result, a marked word found in at least half of
all articles is left unmarked when the result has another, rarer marked word, and a lone syllable
(안 of 안돼요) is not marked beside longer words. A result marked only with a common word keeps it
(its only sign of why it matched). Works on the result dicts of ``kb.results``, which the pages,
the API and the JS all render, so they agree.
"""

from __future__ import annotations

import threading
import weakref

COMMON_SHARE = 0.5  # in at least this share of the articles: not a distinguishing word
FIELDS = (("title", "title_highlights"), ("snippet", "snippet_highlights"))
MAX_CACHED_WORDS = 4096


class Commonness:
    """How many of a build's articles contain a word, counted once per word and build."""

    def __init__(self, articles):
        self.texts = [f"{a.title}\n{a.text}".lower() for a in articles]
        self.shares: dict[str, float] = {}
        self.lock = threading.Lock()

    def share(self, word: str) -> float:
        with self.lock:
            if word not in self.shares:
                if len(self.shares) >= MAX_CACHED_WORDS:
                    self.shares.clear()
                self.shares[word] = sum(word in t for t in self.texts) / max(1, len(self.texts))
            return self.shares[word]


_per_build: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_per_build_lock = threading.Lock()


def commonness(snapshot) -> Commonness:
    with _per_build_lock:
        found = _per_build.get(snapshot)
        if found is None:
            found = _per_build[snapshot] = Commonness(snapshot.articles)
        return found


def _marked(result: dict) -> set[str]:
    return {result[text][s[0] : s[1]].lower() for text, spans in FIELDS for s in result.get(spans) or ()}


def unmarked_words(words: set[str], share) -> set[str]:
    """Which of one result's marked ``words`` to leave unmarked; ``share(word)`` in [0, 1]."""
    long_words = {w for w in words if len(w) > 1}
    drop = words - long_words if long_words else set()
    common = {w for w in long_words if share(w) >= COMMON_SHARE}
    if long_words - common:  # a rarer word is marked: that is what distinguishes this result
        drop |= common
    return drop


def mark_distinguishing(results: list[dict], snapshot) -> list[dict]:
    """Remove the spans of common and lone-syllable words from each result (in place)."""
    counts = None
    for result in results:
        words = _marked(result)
        if not words:
            continue
        counts = counts or commonness(snapshot)
        drop = unmarked_words(words, counts.share)
        if drop:
            for text, spans in FIELDS:
                kept = [s for s in result.get(spans) or () if result[text][s[0] : s[1]].lower() not in drop]
                result[spans] = kept
    return results
