"""Find every string of a fixed list that contains a word, without looking at each string.

Suggestions run on every keystroke and match a word anywhere in a title's jamo (분ㅅ in
…카드 분실…), so a scan of every title per keystroke grew with the corpus (27 ms at 20,000
titles). A suffix array instead: every suffix of every string, sorted once when a build is
opened; the suffixes that start with a word are one contiguous range, found by bisection
(~20 string comparisons whatever the corpus size), and the range lists (string, position)
pairs as numpy arrays.
"""

from __future__ import annotations

import bisect

import numpy as np

SEPARATOR = "\0"  # never in normalized text (control characters are dropped)
SORTED_CHARS = 12  # suffixes are sorted on this many characters; a longer word is checked by startswith
_PACK = 4  # characters per uint64 sort key (16 bits each)


class SubstringIndex:
    """A suffix array over ``texts`` joined by a separator."""

    def __init__(self, texts: list[str]):
        texts = [t.replace(SEPARATOR, "\ufffd") for t in texts]
        self.count = len(texts)
        self.haystack = SEPARATOR.join(texts) + SEPARATOR
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
        self.starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)  # each text's offset
        self.suffixes = _sorted_suffixes(self.haystack)  # haystack offsets, in suffix order

    def _prefix_range(self, word: str) -> tuple[int, int]:
        """The suffixes that start with ``word``'s first SORTED_CHARS characters."""
        probe = word[:SORTED_CHARS]
        size = len(probe)
        hay, suffixes = self.haystack, self.suffixes

        def key(i: int) -> str:
            start = suffixes[i]
            return hay[start : start + size]

        lo = bisect.bisect_left(range(len(suffixes)), probe, key=key)
        hi = bisect.bisect_right(range(len(suffixes)), probe, lo=lo, key=key)
        return lo, hi

    def occurrences(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """(text numbers, positions in those texts) of every occurrence of ``word``, in no order.

        The empty word occurs at position 0 of every text, as ``str.find`` says."""
        if not word:
            return np.arange(self.count, dtype=np.int64), np.zeros(self.count, dtype=np.int64)
        lo, hi = self._prefix_range(word)
        offsets = self.suffixes[lo:hi].astype(np.int64)
        if len(word) > SORTED_CHARS:
            hay = self.haystack
            offsets = offsets[np.fromiter((hay.startswith(word, o) for o in offsets), dtype=bool, count=len(offsets))]
        texts = np.searchsorted(self.starts, offsets, side="right") - 1
        return texts, offsets - self.starts[texts]

    def first_positions(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """(text numbers ascending, first position of ``word`` in each): ``str.find`` for every text at once."""
        texts, positions = self.occurrences(word)
        order = np.lexsort((positions, texts))
        texts, positions = texts[order], positions[order]
        first = np.ones(len(texts), dtype=bool)
        first[1:] = texts[1:] != texts[:-1]
        return texts[first], positions[first]

    def containing(self, word: str) -> np.ndarray:
        """A boolean mask over the texts: which contain ``word``."""
        mask = np.zeros(self.count, dtype=bool)
        mask[self.occurrences(word)[0]] = True
        return mask


def _sorted_suffixes(haystack: str) -> np.ndarray:
    """Offsets of every suffix not starting at a separator, sorted by their first SORTED_CHARS characters.

    Sorted in numpy: characters become their rank in the haystack's alphabet (order kept, the
    separator lowest), SORTED_CHARS ranks are packed into uint64 keys, and ``lexsort`` orders them;
    shorter-than-needed tails pad with the lowest rank, as a shorter string sorts first.
    """
    codes = np.frombuffer(haystack.encode("utf-32-le"), dtype=np.uint32)
    alphabet, ranks = np.unique(codes, return_inverse=True)
    if len(alphabet) >= 0xFFFF:  # cannot happen with real text; sort in Python rather than overflow
        starts = (i for i, ch in enumerate(haystack) if ch != SEPARATOR)
        return np.asarray(sorted(starts, key=lambda i: haystack[i : i + SORTED_CHARS]), dtype=np.int32)
    ranks = ranks.astype(np.uint64) + np.uint64(1)  # 0 pads past the end
    size = len(codes)
    padded = np.concatenate([ranks, np.zeros(SORTED_CHARS, dtype=np.uint64)])
    starts = np.flatnonzero(codes != ord(SEPARATOR))
    keys = []
    for first in range(0, SORTED_CHARS, _PACK):
        key = np.zeros(size, dtype=np.uint64)
        for j in range(first, first + _PACK):
            key = (key << np.uint64(16)) | padded[j : j + size]
        keys.append(key[starts])
    return starts[np.lexsort(keys[::-1])].astype(np.int32)
