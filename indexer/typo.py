"""Jamo-level spelling correction against the index's own vocabulary.

Korean typos are one keystroke off (분싫 for 분실, 할뷰 for 할부): compare decomposed
jamo, and only suggest words the corpus actually contains, preferring frequent ones.
Distances are computed by rapidfuzz (C++), so a query with typos stays in single-digit
milliseconds even with tens of thousands of vocabulary words. Only words of the right length
are compared (a replacement is at most one syllable longer or shorter), answers are kept per
speller (one build's vocabulary: the same word always gets the same answer), and the vocabulary
is spelled out in jamo from a table of the 11,172 syllables instead of character by character.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property, lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from indexer.analysis import plausibility
from indexer.hangul import SYLLABLE_BASE, SYLLABLE_LAST, decompose, is_syllable, sounds_alike

COMMON_SHARE = 0.1  # a word in 10% of the articles is "common in this corpus"
CLEAR_GAIN = 3.0  # log-probability gain that marks the original as a typo on its own
COMMON_GAIN = 0.8  # smaller gain that suffices towards a common corpus word
MAX_REMEMBERED = 8192  # corrections kept per speller (then forgotten all at once)


@lru_cache(maxsize=1)
def _syllable_jamo() -> dict[str, str]:
    """Every Hangul syllable spelled out in keystrokes (분 → ㅂㅜㄴ), made once per process."""
    return {chr(c): decompose(chr(c), split_compounds=True) for c in range(SYLLABLE_BASE, SYLLABLE_LAST + 1)}


def spell_out(word: str) -> str:
    """``decompose(word, split_compounds=True)`` for a word of Hangul syllables only, by table."""
    table = _syllable_jamo()
    return "".join([table[ch] for ch in word])


_SPELLED: dict[str, str | None] = {}  # word -> its jamo (None: not 2+ Hangul syllables), across builds
_SPELLED_ENTRIES = 500_000


def _spelled(word: str) -> str | None:
    """A vocabulary word in jamo, remembered: a server switching builds after one edit makes new
    spellers of nearly the same 20,000-word vocabularies (a quarter of a second each otherwise)."""
    found = _SPELLED.get(word, False)
    if found is False:
        if len(_SPELLED) >= _SPELLED_ENTRIES:
            _SPELLED.clear()
        found = _SPELLED[word] = spell_out(word) if len(word) >= 2 and all(is_syllable(ch) for ch in word) else None
    return found


class Speller:
    def __init__(self, vocabulary: dict[str, int], documents: int = 0):
        """``vocabulary`` maps a word to its document frequency (summed over fields)."""
        self.vocabulary = vocabulary
        self.common = max(5, int(documents * COMMON_SHARE))
        self._near: dict[int, tuple[list[int], list[str]]] = {}  # syllable count -> words one syllable off at most
        self._remembered: dict[tuple[str, bool], str | None] = {}

    @cached_property
    def _spelled_out(self) -> tuple[list[str], list[str], dict[int, list[int]]]:
        """The Hangul words of the vocabulary, their jamo, and their numbers by syllable count.

        Made on first need (``prepare``), not with the speller: a server switching builds after a
        save made two of these (~0.1 s at 20,000 articles) before the new build could go live;
        the watcher now prepares them right after the switch (kb/watch.py)."""
        spelled = [(w, _spelled(w)) for w in self.vocabulary]
        words = [w for w, jamo in spelled if jamo is not None]
        jamo = [jamo for _, jamo in spelled if jamo is not None]
        by_length: dict[int, list[int]] = defaultdict(list)
        for i, w in enumerate(words):
            by_length[len(w)].append(i)
        return words, jamo, dict(by_length)

    def prepare(self) -> None:
        """Spell the vocabulary out now, so no query waits for it."""
        _ = self._spelled_out

    def __contains__(self, word: str) -> bool:
        return word in self.vocabulary

    def correct(self, word: str, *, real_word: bool = False) -> str | None:
        """The best known word within one jamo edit (two for words of 3+ syllables), or None.

        ``real_word``: the word is in Kiwi's dictionary (지점, 내기, 결재), so the replacement must
        be clearly more plausible Korean (헤제 → 해제), or common in this corpus and somewhat
        more plausible (결재 → 결제). Thresholds measured in tests/test_typo.py's examples.
        """
        if word in self.vocabulary or len(word) < 2 or not all(is_syllable(ch) for ch in word):
            return None
        key = (word, real_word)
        if key not in self._remembered:
            if len(self._remembered) >= MAX_REMEMBERED:
                self._remembered.clear()
            self._remembered[key] = self._correct(word, real_word)
        return self._remembered[key]

    def _near_length(self, syllables: int) -> tuple[list[int], list[str]]:
        """The words one syllable shorter or longer at most (no other can replace a word) and their jamo."""
        if syllables not in self._near:
            _, jamo, by_length = self._spelled_out
            numbers = sorted(i for n in (syllables - 1, syllables, syllables + 1) for i in by_length.get(n, ()))
            self._near[syllables] = (numbers, [jamo[i] for i in numbers])
        return self._near[syllables]

    def _correct(self, word: str, real_word: bool) -> str | None:
        limit = 1 if len(word) <= 2 else 2
        numbers, jamo = self._near_length(len(word))
        matches = process.extract(spell_out(word), jamo, scorer=Levenshtein.distance, score_cutoff=limit, limit=None)
        words = self._spelled_out[0]
        candidates = [(distance, -self.vocabulary[words[numbers[i]]], words[numbers[i]]) for _, distance, i in matches]
        for _, _, candidate in sorted(candidates):
            if not real_word or self._replaces_real_word(word, candidate):
                return candidate
        return None

    def is_certain(self, word: str, replacement: str) -> bool:
        """A real-word correction safe to search instead of the original: the two sound alike
        (결재 → 결제: a spelling slip, not a different keystroke) and the replacement is a word
        of this corpus's own subject (common here), while the original does not occur here at all."""
        return (
            word not in self.vocabulary
            and self.vocabulary.get(replacement, 0) >= self.common
            and sounds_alike(word, replacement)
        )

    def _replaces_real_word(self, word: str, candidate: str) -> bool:
        gain = plausibility(candidate) - plausibility(word)
        return gain >= CLEAR_GAIN or (gain >= COMMON_GAIN and self.vocabulary[candidate] >= self.common)
