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

from indexer.common import COMMON_SHARE, CommonWords, article_text

FIELDS = (("title", "title_highlights"), ("snippet", "snippet_highlights"))
MAX_CACHED_WORDS = 4096


class Commonness:
    """Whether a word is in at least half of a build's articles (COMMON_SHARE).

    A build made by this version carries the common strings (``indexer/common.py``, a set
    lookup); an older build has them counted here, once per word, by searching every text.
    """

    def __init__(self, articles, common_strings: list[str] | None = None):
        self._articles = articles
        self._texts: list[str] | None = None
        self.lock = threading.Lock()
        self.words = CommonWords(common_strings, self.texts) if common_strings is not None else None
        self.shares: dict[str, float] = {}

    def texts(self) -> list[str]:
        if self._texts is None:
            self._texts = [article_text(a.title, a.text) for a in self._articles]
        return self._texts

    def is_common(self, word: str) -> bool:
        if self.words is not None:
            return self.words.is_common(word)
        return self.share(word) >= COMMON_SHARE

    def share(self, word: str) -> float:
        """The share of articles containing ``word``, by searching them (builds without the table)."""
        with self.lock:
            if word not in self.shares:
                if len(self.shares) >= MAX_CACHED_WORDS:
                    self.shares.clear()
                texts = self.texts()
                self.shares[word] = sum(word in t for t in texts) / max(1, len(texts))
            return self.shares[word]


_per_build: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_per_build_lock = threading.Lock()


def commonness(snapshot) -> Commonness:
    with _per_build_lock:
        found = _per_build.get(snapshot)
        if found is None:
            found = _per_build[snapshot] = Commonness(snapshot.articles, snapshot.engine.common_strings)
        return found


def _marked(result: dict) -> set[str]:
    return {result[text][s[0] : s[1]].lower() for text, spans in FIELDS for s in result.get(spans) or ()}


def unmarked_words(words: set[str], is_common) -> set[str]:
    """Which of one result's marked ``words`` to leave unmarked; ``is_common(word)``: in half the articles."""
    long_words = {w for w in words if len(w) > 1}
    drop = words - long_words if long_words else set()
    common = {w for w in long_words if is_common(w)}
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
        drop = unmarked_words(words, counts.is_common)
        if drop:
            for text, spans in FIELDS:
                kept = [s for s in result.get(spans) or () if result[text][s[0] : s[1]].lower() not in drop]
                result[spans] = kept
    return results
