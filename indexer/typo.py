"""Jamo-level spelling correction against the index's own vocabulary.

Korean typos are one keystroke off (분싫 for 분실, 할뷰 for 할부): compare decomposed
jamo, and only suggest words the corpus actually contains, preferring frequent ones.
"""

from __future__ import annotations

from collections import defaultdict

from indexer.hangul import decompose, is_syllable, jamo_distance


class Speller:
    def __init__(self, vocabulary: dict[str, int]):
        """``vocabulary`` maps a word to its document frequency."""
        self.vocabulary = vocabulary
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in vocabulary:
            if len(word) >= 2 and all(is_syllable(ch) for ch in word):
                self._by_length[len(word)].append(word)

    def __contains__(self, word: str) -> bool:
        return word in self.vocabulary

    def correct(self, word: str) -> str | None:
        """The best known word within one jamo edit (two for words of 3+ syllables), or None."""
        if word in self.vocabulary or len(word) < 2 or not all(is_syllable(ch) for ch in word):
            return None
        limit = 1 if len(word) <= 2 else 2
        keystrokes = len(decompose(word, split_compounds=True))
        best: tuple[int, int, str] | None = None
        for length in (len(word) - 1, len(word), len(word) + 1):
            for candidate in self._by_length.get(length, ()):
                if abs(len(decompose(candidate, split_compounds=True)) - keystrokes) > limit:
                    continue
                distance = jamo_distance(word, candidate, limit)
                if distance <= limit:
                    key = (distance, -self.vocabulary[candidate], candidate)
                    if best is None or key < best:
                        best = key
        return best[2] if best else None
