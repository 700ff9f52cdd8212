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

import json
import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

COMMON_SHARE = 0.5  # in at least this share of the articles: common
MAX_CHARS = 24
_CHUNK = 2000  # articles counted at once (bounds memory at any corpus size)


def article_text(title: str, text: str) -> str:
    """What commonness is counted on: the title and the article's text, lower case."""
    return f"{title}\n{text}".lower()


def common_strings(texts: Sequence[str], share: float = COMMON_SHARE) -> list[str]:
    """Every string of 2 to MAX_CHARS characters found in at least ``share`` of ``texts``, shortest
    first, then in code point order."""
    if not texts:
        return []
    return _frequent(texts, share * len(texts))[0]


def _frequent(texts: Sequence[str], need: float, holders: bool = False):
    """(strings, counts, holds) of every string of 2 to MAX_CHARS characters in at least ``need``
    texts, level by level; ``holds`` (if asked, else None): one row of bits per text, bit i set
    when the text holds string i (``np.packbits`` rows). Made per chunk and level as small
    boolean blocks: a list of every (text, string) pair was ~1.7 GB at 20,000 articles."""
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
    counts: list[np.ndarray] = []
    held: list[list[np.ndarray]] = [[] for _ in chunks]  # per chunk: a (texts, strings) block per level
    for _ in range(2, MAX_CHARS + 1):
        # a string one longer is two overlapping common strings: (left id, right id) names it
        width = max(1, len(names))
        keys = [chunk.pairs(width) for chunk in chunks]
        unique, number = _sum_counts([k for _, k, _ in keys])
        chosen = number >= need
        kept = unique[chosen]
        if not len(kept):
            break
        if holders:
            for chunk, blocks, (docs, k, _) in zip(chunks, held, keys, strict=True):
                at = np.clip(np.searchsorted(kept, k), 0, len(kept) - 1)
                hit = kept[at] == k
                block = np.zeros((chunk.size, len(kept)), dtype=bool)
                block[docs[hit], at[hit]] = True
                blocks.append(block)
        names = [names[k // width] + names[k % width][-1] for k in kept.tolist()]
        found += names
        counts.append(number[chosen])
        for chunk, (_, _, positions) in zip(chunks, keys, strict=True):
            chunk.advance(positions, kept, width)
    total = np.concatenate(counts) if counts else np.empty(0, np.int64)
    if not holders:
        return found, total, None
    rows = [np.packbits(np.hstack(blocks), axis=1) if blocks else np.zeros((c.size, 0), np.uint8)
            for c, blocks in zip(chunks, held, strict=True)]
    return found, total, np.concatenate(rows)


class _Chunk:
    """Some texts joined by a separator, with the id of the common string starting at each position."""

    def __init__(self, texts: Sequence[str]):
        joined = "\0".join(t.replace("\0", " ") for t in texts) + "\0"
        self.codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        ends = self.codes == 0
        self.docs = (np.cumsum(ends) - ends).astype(np.int32)  # text number of each position
        self.size = len(texts)
        self.ids = np.empty(0, dtype=np.int32)

    def pairs(self, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distinct (text, longer string) pairs of this chunk, and where the longer strings start."""
        left, right = self.ids[:-1], self.ids[1:]
        positions = np.flatnonzero((left >= 0) & (right >= 0))
        keys = left[positions].astype(np.int64) * width + right[positions]
        per_text = _distinct(self.docs[positions].astype(np.uint64) << np.uint64(40) | keys.astype(np.uint64))
        docs = (per_text >> np.uint64(40)).astype(np.int64)
        return docs, (per_text & np.uint64((1 << 40) - 1)).astype(np.int64), positions

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


MARGIN_SHARE = 0.05  # counts kept down to this share below the threshold: so many articles may be added
MIN_COUNTED = 100  # below this many articles, counting again is quick: no counts are kept


@dataclass
class CommonCounts:
    """The counts behind a build's common strings, kept so the next build need not count again.

    Why: counting every text's substrings takes seconds at 20,000 articles, and one changed
    article moves each count by at most one. So a build keeps, for every string in at least
    ``floor`` articles (a margin below the threshold), how many articles hold it and which ones;
    the next build takes the removed articles' strings off, adds the new articles' strings, and
    reads the common strings off the counts: exactly what counting all texts gives, as long as no
    string outside the table can have reached the threshold. ``ceiling`` is the most articles
    such a string can be in (each added article raises it by one); past that, count again.
    """

    strings: list[str]  # shortest first, then code point order (as common_strings returns them)
    counts: np.ndarray  # int64: articles holding each string
    ceiling: int  # no string outside ``strings`` is in more articles than this
    ids: list[str]  # one row of ``holds`` per article
    holds: np.ndarray  # uint8 (articles, bytes): bit i of a row = the article holds strings[i]

    @classmethod
    def count(cls, ids: Sequence[str], texts: Sequence[str], share: float = COMMON_SHARE) -> CommonCounts | None:
        """Count from nothing; None for a corpus too small to be worth keeping counts for."""
        if len(texts) < MIN_COUNTED:
            return None
        floor = max(2, math.ceil(share * len(texts)) - int(MARGIN_SHARE * len(texts)))
        strings, counts, holds = _frequent(texts, floor, holders=True)
        return cls(strings, counts.astype(np.int64), floor - 1, list(ids), holds)

    def common(self, share: float = COMMON_SHARE) -> list[str] | None:
        """The strings in at least ``share`` of the articles; None when the counts cannot tell."""
        need = share * len(self.ids)
        if self.ceiling >= need:
            return None
        return [s for s, n in zip(self.strings, self.counts.tolist(), strict=True) if n >= need]

    def update(self, removed: Collection[str], added: Sequence[tuple[str, str]]) -> CommonCounts:
        """The counts after removing the articles ``removed`` (ids) and adding ``added`` (id, text)."""
        gone = np.fromiter((i in removed for i in self.ids), bool, len(self.ids))
        counts = self.counts - self._unpacked(self.holds[gone]).sum(axis=0)
        index = {s: i for i, s in enumerate(self.strings)}
        rows = np.zeros((len(added), len(self.strings)), dtype=bool)
        for row, (_, text) in enumerate(added):
            rows[row, list(_held(text.replace("\0", " "), index))] = True
        return CommonCounts(
            self.strings,
            counts + rows.sum(axis=0),
            self.ceiling + len(added),
            [i for i, g in zip(self.ids, gone, strict=True) if not g] + [i for i, _ in added],
            np.concatenate([self.holds[~gone], np.packbits(rows, axis=1)]),
        )

    def _unpacked(self, packed: np.ndarray) -> np.ndarray:
        return np.unpackbits(packed, axis=1, count=len(self.strings)).astype(np.int64)

    def save(self, path) -> None:
        meta = {"strings": self.strings, "ceiling": self.ceiling, "ids": self.ids}
        with open(path, "wb") as out:
            np.savez(out, meta=np.array(json.dumps(meta, ensure_ascii=False)), counts=self.counts, holds=self.holds)

    @classmethod
    def load(cls, path) -> CommonCounts:
        with np.load(path) as arrays:
            meta = json.loads(str(arrays["meta"]))
            return cls(meta["strings"], arrays["counts"], meta["ceiling"], meta["ids"], arrays["holds"])


def _held(text: str, index: dict[str, int]) -> set[int]:
    """The numbers (in ``index``) of the strings ``text`` holds. A string not in ``index`` is in
    fewer articles than the floor, and so is every longer string starting with it: stop there."""
    found = set()
    for start in range(len(text) - 1):
        for end in range(start + 2, min(start + MAX_CHARS, len(text)) + 1):
            number = index.get(text[start:end])
            if number is None:
                break
            found.add(number)
    return found


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
