"""The browser's lexicon (surface form -> term), read off the analyses the build already made.

The browser cuts what the user typed (카드분실신고, 잃어버렸어요) against the surface forms Kiwi
found in the articles. Those come from the build's analysis cache (indexer/analysis_cache.py):
each content term carries its place in the text, so its surface is the text there, and what a
word holds between and after its content terms (를, 었어요) is function material (term "").
So an export runs no Kiwi for a text the build analysed; only texts the cache lacks (a cache
removed or unwritable) go to Kiwi once more.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from indexer.analysis import Analysis, analyze_batch
from indexer.analysis_cache import iter_cached
from indexer.hangul import is_syllable
from indexer.normalize import normalize

VERB_TAGS = ("VV", "VA")
_SYLLABLES = re.compile(r"[\uac00-\ud7a3]+")
_SPACE = re.compile(r"\s")
_RUNS = re.compile(r"[\uac00-\ud7a3]+|[^\uac00-\ud7a3\s]+")  # within a word: Hangul apart from the rest


def analyses(texts: Iterable[str], index_root: Path) -> dict[str, Analysis]:
    """Every text's analysis: from the build's cache, Kiwi only for what it lacks."""
    return dict(stream_analyses(texts, index_root))


def stream_analyses(texts: Iterable[str], index_root: Path) -> Iterator[tuple[str, Analysis]]:
    """(text, analysis) for every text, one at a time: the build's cache first, then Kiwi for
    what it lacks (a cache removed, or written by another analyser)."""
    from indexer.build import ANALYZER_VERSION

    wanted = [t for t in dict.fromkeys(texts) if t and t.strip()]
    seen = set()
    for text, analysis in iter_cached(wanted, index_root, ANALYZER_VERSION):
        seen.add(text)
        yield text, analysis
    missing = [t for t in wanted if t not in seen]
    if missing:
        yield from analyze_batch(missing).items()


def _surface(piece: str, memo: dict[str, str]) -> str:
    if _SYLLABLES.fullmatch(piece):
        return piece  # NFKC and lower case leave Hangul syllables alone
    if piece not in memo:
        memo[piece] = normalize(piece)
    return memo[piece]


def surface_forms(text: str, analysis: Analysis, memo: dict[str, str]) -> list[tuple[str, str, str]]:
    """(surface as written, term, tag) for the pieces of ``text``: its content terms, then the
    function material left around them in each word (term "", tag "")."""
    out: list[tuple[str, str, str]] = []
    masked = list(text)
    for term in analysis[0]:
        masked[term.start : term.end] = " " * (term.end - term.start)
        surface = text[term.start : term.end]
        if not _SPACE.search(surface):
            out.append((_surface(surface, memo), term.text, term.tag))
    for run in _RUNS.findall("".join(masked)):
        out.append((_surface(run, memo), "", ""))
    return out


def _contracted(stem: str) -> list[str]:
    """Spellings of a vowel-final verb stem before 어/았/ㄴ/ㄹ endings: 바꾸 -> 바꿔, 바꿨, 바꾼, 바꿀.

    Only what differs from the stem itself (a stem with a final consonant is a prefix of its forms).
    """
    last = stem[-1]
    if not is_syllable(last):
        return []
    index = ord(last) - 0xAC00
    initial, vowel, final = index // 588, (index % 588) // 28, index % 28
    if final:
        return []
    contractions = {8: 9, 13: 14, 20: 6, 0: 0, 4: 4, 18: 4}  # ㅗ→ㅘ ㅜ→ㅝ ㅣ→ㅕ ㅏ ㅓ ㅡ→ㅓ
    forms = []

    def syllable(v: int, f: int) -> str:
        return chr(0xAC00 + (initial * 21 + v) * 28 + f)

    for f in (4, 8, 17, 20):  # ㄴ ㄹ ㅂ ㅆ on the stem's own vowel (간, 갈, 갑니다, 갔)
        forms.append(stem[:-1] + syllable(vowel, f))
    if vowel in contractions:
        v = contractions[vowel]
        forms += [stem[:-1] + syllable(v, 0), stem[:-1] + syllable(v, 20)]
    return forms


def build_lexicon(
    texts: Counter,
    found: Iterable[tuple[str, Analysis]],
    synonym_terms: Iterable[str],
    vocabulary: Mapping[str, int],
    internal_only: set[str],
) -> dict[str, list]:
    """Surface form -> [term, document frequency] (+ 1 for a compound the index holds whole);
    term "" for particles and endings (known, but not searched). ``texts``: how often each text
    occurs; ``found``: (text, analysis) pairs, read one at a time."""
    seen: dict[str, Counter] = defaultdict(Counter)
    stems = set()
    memo: dict[str, str] = {}
    for text, analysis in found:
        times = texts.get(text, 0)
        for surface, term, tag in surface_forms(text, analysis, memo):
            if term in internal_only:
                continue
            seen[surface][term] += times
            if term and tag.split("-")[0] in VERB_TAGS:
                stems.add(term)
    tokens = {t for terms in seen.values() for t in terms}
    for term in synonym_terms:  # what a synonym group's words are read as
        if term not in internal_only:
            seen[term][term] += 1
            tokens.add(term)
    for term in vocabulary:
        seen[term][term] += 1
    for stem in sorted(stems):
        for form in _contracted(stem):
            seen[form][stem] += 1
    lexicon = {}
    for surface, terms in seen.items():
        if not surface.strip() or " " in surface:
            continue
        term = min(terms, key=lambda t: (-terms[t], t))
        lexicon[surface] = [term, vocabulary.get(term, 0)]
        if term and term not in tokens:
            # a compound the index holds whole (분실신고): a query is cut into its parts, and the
            # compound is added beside them, as indexer/query.find_compounds does
            lexicon[surface].append(1)
    return lexicon
