"""The speller's shortcuts (syllable table, length buckets, remembered answers) change nothing it says.

``ReferenceSpeller`` is the speller as it was before them, kept here as the reference: every query of
the dev, holdout and natural sets (and typos made from their words) is planned with both, twice (the
second time from remembered answers), and the plans must be identical.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from indexer.hangul import compose, decompose, is_syllable
from indexer.query import plan_query
from indexer.typo import Speller, spell_out

QUERIES = Path(__file__).resolve().parents[1] / "bench" / "queries"


class ReferenceSpeller(Speller):
    """The pre-shortcut speller: every vocabulary word compared, nothing remembered."""

    def correct(self, word: str, *, real_word: bool = False) -> str | None:
        if word in self.vocabulary or len(word) < 2 or not all(is_syllable(ch) for ch in word):
            return None
        words = [w for w in self.vocabulary if len(w) >= 2 and all(is_syllable(ch) for ch in w)]
        jamo = [decompose(w, split_compounds=True) for w in words]
        limit = 1 if len(word) <= 2 else 2
        matches = process.extract(
            decompose(word, split_compounds=True), jamo, scorer=Levenshtein.distance, score_cutoff=limit, limit=None
        )
        candidates = [
            (distance, -self.vocabulary[words[i]], words[i])
            for _, distance, i in matches
            if abs(len(words[i]) - len(word)) <= 1
        ]
        for _, _, candidate in sorted(candidates):
            if not real_word or self._replaces_real_word(word, candidate):
                return candidate
        return None


def query_sets() -> list[str]:
    out = []
    for name in ("dev.tsv", "holdout.tsv", "natural.tsv"):
        for line in (QUERIES / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                out.append(line.split("\t")[0])
    return out


def typos(queries: list[str]) -> list[str]:
    """One keystroke changed in a word of each query (the last jamo doubled or dropped)."""
    out = []
    for query in queries[::3]:
        words = query.split(" ")
        word = max(words, key=len)
        keys = decompose(word, True)
        for changed in (keys[:-1], keys + keys[-1]):
            out.append(query.replace(word, compose(changed), 1))
    return out


def test_spell_out_is_decompose():
    for code in range(0xAC00, 0xD7A4, 7):
        word = chr(code) + chr(0xD7A3 - (code - 0xAC00))
        assert spell_out(word) == decompose(word, split_compounds=True)


def test_same_plans_as_the_reference_speller(real_engine):
    vocabulary, documents = real_engine.speller(("public",)).vocabulary, len(real_engine.documents)
    fast, reference = Speller(vocabulary, documents), ReferenceSpeller(vocabulary, documents)
    queries = query_sets()
    queries += typos(queries)
    assert len(queries) > 500
    changed = 0
    for _ in range(2):  # the second round answers from what the first remembered
        for query in queries:
            plan = plan_query(query, fast, real_engine.synonyms, real_engine.weights)
            expected = plan_query(query, reference, real_engine.synonyms, real_engine.weights)
            assert asdict(plan) == asdict(expected), query
            changed += bool(plan.corrections or plan.did_you_mean)
    assert changed > 50  # the typos were corrected: the comparison covers the speller's answers
