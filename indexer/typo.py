"""Jamo-level spelling correction against the index's own vocabulary.

Korean typos are one keystroke off (분싫 for 분실, 할뷰 for 할부): compare decomposed
jamo, and only suggest words the corpus actually contains, preferring frequent ones.
Distances are computed by rapidfuzz (C++), so a query with typos stays in single-digit
milliseconds even with tens of thousands of vocabulary words.
"""

from __future__ import annotations

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from indexer.hangul import decompose, is_syllable


class Speller:
    def __init__(self, vocabulary: dict[str, int]):
        """``vocabulary`` maps a word to its document frequency."""
        self.vocabulary = vocabulary
        self._words = [w for w in vocabulary if len(w) >= 2 and all(is_syllable(ch) for ch in w)]
        self._jamo = [decompose(w, split_compounds=True) for w in self._words]

    def __contains__(self, word: str) -> bool:
        return word in self.vocabulary

    def correct(self, word: str) -> str | None:
        """The best known word within one jamo edit (two for words of 3+ syllables), or None."""
        if word in self.vocabulary or len(word) < 2 or not all(is_syllable(ch) for ch in word):
            return None
        limit = 1 if len(word) <= 2 else 2
        matches = process.extract(
            decompose(word, split_compounds=True),
            self._jamo,
            scorer=Levenshtein.distance,
            score_cutoff=limit,
            limit=None,
        )
        candidates = [
            (distance, -self.vocabulary[self._words[i]], self._words[i])
            for _, distance, i in matches
            if abs(len(self._words[i]) - len(word)) <= 1
        ]
        return min(candidates)[2] if candidates else None
