"""Pairs of term sets whose Jaccard similarity may reach a threshold, without comparing every pair.

Comparing every pair of 20,000 articles for near-duplicates took ``kb check`` and the editor
status page many minutes. Prefix filtering (Chaudhuri et al. 2006; Bayardo et al. 2007): order
every set's terms rarest first (one order for all sets); if ``|x ∩ y| / |x ∪ y| >= t`` then x
and y share a term among the first ``len - ceil(t * len) + 1`` terms of each (their prefix).
Pairs are taken only from terms in those prefixes, so the words every article uses never pair
two articles up.

That alone is exact, but on texts written from the same few hundred words (the generated
20,000-article corpus: every body is ~98% such words) the prefixes reach words thousands of
texts share, and it is all pairs again. So a term counts as evidence only while at most
``MAX_HOLDERS`` texts have it in their prefix, plus each text's rarest term always: a copy
shares its original's rarest term, and the work stays bounded. The price: two texts made only
of common words, sharing no rare one, are compared only if their rarest terms agree.
The caller judges every candidate with its own measure and threshold.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from itertools import chain

MAX_HOLDERS = 50  # a term in more texts' prefixes than this is too common to be evidence of a copy


def prefix_length(size: int, threshold: float) -> int:
    """How many of a set's rarest terms two sets at ``threshold`` must share one of.

    The required overlap is rounded down (``int``), never up: 0.7 * 10 = 7.000000000000001 must not
    shorten the prefix."""
    return min(size, size - int(threshold * size) + 1)


def candidate_pairs(
    sets: Sequence[Collection[str]], threshold: float, focus: Collection[int] | None = None
) -> list[tuple[int, int]]:
    """Sorted pairs (i < j) of positions that may have Jaccard >= ``threshold``.

    With ``focus`` (positions), only the pairs that include one of them (the articles just saved).
    Sizes too far apart cannot reach the threshold (``|x ∩ y| / |x ∪ y| <= min / max``): not paired."""
    frequency = Counter(chain.from_iterable(sets))
    rank = {term: r for r, term in enumerate(sorted(frequency, key=lambda t: (frequency[t], t)))}
    prefixes = [sorted(map(rank.__getitem__, terms))[: prefix_length(len(terms), threshold)] for terms in sets]
    holders = Counter(chain.from_iterable(prefixes))
    evidence = [[r for k, r in enumerate(prefix) if k == 0 or holders[r] <= MAX_HOLDERS] for prefix in prefixes]
    sharing: dict[int, list[int]] = defaultdict(list)  # term rank -> positions it is evidence for
    for i, terms in enumerate(evidence):
        for r in terms:
            sharing[r].append(i)
    sizes = [len(terms) for terms in sets]
    pairs: set[tuple[int, int]] = set()
    for positions in sharing.values() if focus is None else ():
        by_size = sorted(positions, key=sizes.__getitem__)
        ordered = [sizes[i] for i in by_size]
        for a, i in enumerate(by_size):
            end = bisect_right(ordered, _largest_partner(sizes[i], threshold), lo=a + 1)
            pairs.update((i, j) if i < j else (j, i) for j in by_size[a + 1 : end])
    for i in set(focus or ()):
        low, high = threshold * sizes[i] - 1e-9, _largest_partner(sizes[i], threshold)
        for r in evidence[i]:
            pairs.update((i, j) if i < j else (j, i) for j in sharing[r] if j != i and low <= sizes[j] <= high)
    return sorted(pairs)


def _largest_partner(size: int, threshold: float) -> float:
    """The largest set size that can still reach ``threshold`` with a set of ``size`` (float slack included)."""
    return size / threshold + 1e-9
