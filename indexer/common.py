"""The strings found in at least half of a build's articles (카드, 결제, 습니다), found once per build.

Results leave such words unmarked beside rarer ones (``kb/highlights.py``): whether a marked
word is common used to be counted by searching every article's text for it, ~20 ms per new
word at 20,000 articles. Every substring of a common string is common too, so the common
strings are found level by level (bigrams, then the trigrams whose two bigrams are common, ...)
like frequent itemsets, with numpy, and stored as a table; a word's commonness is then a set
lookup. Strings longer than ``MAX_CHARS`` are not stored: a longer word is common only if all
its ``MAX_CHARS`` windows are, and only then is the text searched (``CommonWords.is_common``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

COMMON_SHARE = 0.5  # in at least this share of the articles: common
MAX_CHARS = 24
_CHUNK = 2000  # articles counted at once (bounds memory at any corpus size)


def article_text(title: str, text: str) -> str:
    """What commonness is counted on: the title and the article's text, lower case."""
    return f"{title}\n{text}".lower()


def common_strings(texts: Sequence[str], share: float = COMMON_SHARE) -> list[str]:
    """Every string of 2 to MAX_CHARS characters found in at least ``share`` of ``texts``."""
    if not texts:
        return []
    need = share * len(texts)
    chunks = [_Chunk(texts[i : i + _CHUNK]) for i in range(0, len(texts), _CHUNK)]
    alphabet = np.unique(np.concatenate([c.codes for c in chunks]))
    # level 1, counted densely (texts x characters): a longer common string has only common characters
    frequency = np.zeros(len(alphabet), dtype=np.int64)
    for chunk in chunks:
        chunk.ids = np.searchsorted(alphabet, chunk.codes).astype(np.int32)
        seen = np.zeros((int(chunk.docs[-1]) + 1, len(alphabet)), dtype=bool)
        seen[chunk.docs, chunk.ids] = True
        frequency += seen.sum(axis=0)
    frequency[alphabet == 0] = 0  # the separator between texts
    common = np.flatnonzero(frequency >= need)
    renumber = np.full(len(alphabet), -1, dtype=np.int32)
    renumber[common] = np.arange(len(common), dtype=np.int32)
    for chunk in chunks:
        chunk.ids = renumber[chunk.ids]
    names = [chr(c) for c in alphabet[common].tolist()]
    found: list[str] = []
    for _ in range(2, MAX_CHARS + 1):
        # a string one longer is two overlapping common strings: (left id, right id) names it
        width = max(1, len(names))
        keys = [chunk.pairs(width) for chunk in chunks]
        unique, counts = _sum_counts([k for k, _ in keys])
        kept = unique[counts >= need]
        if not len(kept):
            break
        names = [names[k // width] + names[k % width][-1] for k in kept.tolist()]
        found += names
        for chunk, (_, positions) in zip(chunks, keys, strict=True):
            chunk.advance(positions, kept, width)
    return found


class _Chunk:
    """Some texts joined by a separator, with the id of the common string starting at each position."""

    def __init__(self, texts: Sequence[str]):
        joined = "\0".join(t.replace("\0", " ") for t in texts) + "\0"
        self.codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        ends = self.codes == 0
        self.docs = (np.cumsum(ends) - ends).astype(np.int32)  # text number of each position
        self.ids = np.empty(0, dtype=np.int32)

    def pairs(self, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Distinct (text, longer string) keys of this chunk, and where the longer strings start."""
        left, right = self.ids[:-1], self.ids[1:]
        positions = np.flatnonzero((left >= 0) & (right >= 0))
        keys = left[positions].astype(np.int64) * width + right[positions]
        per_text = _distinct(self.docs[positions].astype(np.uint64) << np.uint64(40) | keys.astype(np.uint64))
        return (per_text & np.uint64((1 << 40) - 1)).astype(np.int64), positions

    def advance(self, positions: np.ndarray, kept: np.ndarray, width: int) -> None:
        keys = self.ids[positions].astype(np.int64) * width + self.ids[positions + 1]
        at = np.clip(np.searchsorted(kept, keys), 0, len(kept) - 1)
        ids = np.full(len(self.ids), -1, dtype=np.int32)
        ids[positions] = np.where(kept[at] == keys, at, -1)
        self.ids = ids


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort: numpy's hashing ``unique`` was several times slower here)."""
    values = np.sort(values)
    keep = np.ones(len(values), dtype=bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


def _sum_counts(keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Keys over all chunks, each with the number of texts holding it (chunks hold distinct texts)."""
    every = np.sort(np.concatenate(keys))
    if not len(every):
        return every, every
    starts = np.flatnonzero(np.concatenate([[True], every[1:] != every[:-1]]))
    return every[starts], np.diff(np.concatenate([starts, [len(every)]]))


class CommonWords:
    """Whether a word is common in a build: a lookup, and a search of the texts only for long words."""

    def __init__(self, strings: Sequence[str], texts: Callable[[], Sequence[str]]):
        self.strings = frozenset(strings)
        self._texts = texts  # called only for a word longer than MAX_CHARS whose every window is common

    def is_common(self, word: str) -> bool:
        word = word.lower()
        if len(word) <= MAX_CHARS:
            return word in self.strings
        windows = (word[i : i + MAX_CHARS] for i in range(len(word) - MAX_CHARS + 1))
        if not all(w in self.strings for w in windows):
            return False
        texts = self._texts()
        return sum(word in t for t in texts) >= COMMON_SHARE * max(1, len(texts))
