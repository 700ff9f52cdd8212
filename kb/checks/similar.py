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

from bisect import bisect_left, bisect_right, insort
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


class CandidateIndex:
    """``candidate_pairs(sets, threshold, focus)`` for a list of sets that changes a little between
    calls: the watcher checks after every save, and ranking and cutting the prefixes of all ~80,000
    term sets again took ~1 s of each save at 20,000 articles, for the pairs of one article.

    The index keeps every set's prefix and, per term, which prefixes hold it (and as their first or
    last term). A call matches the new list to the sets it holds (by identity: unchanged texts keep
    their remembered set objects), takes out the sets that went and adds the new ones, and when a
    term's count changed, sorts again only the prefixes that order can change: those holding the
    term, and, for a term that got rarer, those it may now enter (their last term lies between its
    old and new place). Every other prefix keeps its terms in the same order, so the result is
    ``candidate_pairs``' own (tests/test_similar.py compares them over random edits).
    """

    def __init__(self, threshold: float):
        self.threshold = threshold
        self.sets: list[Collection[str]] = []  # as last given, by position
        self.rows: list[int] = []  # position -> row
        self.row_sets: dict[int, Collection[str]] = {}
        self.prefix: dict[int, list[str]] = {}  # row -> its prefix, rarest first
        self.frequency: Counter[str] = Counter()
        self.by_frequency: dict[int, list[str]] = defaultdict(list)  # count -> its terms, sorted
        self.holding: dict[str, set[int]] = defaultdict(set)  # term -> rows whose prefix holds it
        self.first: dict[str, set[int]] = defaultdict(set)  # term -> rows whose prefix starts with it
        self.last: dict[str, set[int]] = defaultdict(set)  # term -> rows whose prefix ends with it
        self.next_row = 0

    def pairs(self, sets: Sequence[Collection[str]], focus: Collection[int]) -> list[tuple[int, int]]:
        """Sorted pairs (i < j) that include a position in ``focus``, as ``candidate_pairs`` gives them."""
        self._update(sets)
        position = {row: p for p, row in enumerate(self.rows)} if focus else {}
        sizes = [len(s) for s in sets]
        pairs: set[tuple[int, int]] = set()
        for i in set(focus):
            low, high = self.threshold * sizes[i] - 1e-9, _largest_partner(sizes[i], self.threshold)
            prefix = self.prefix[self.rows[i]]
            for k, term in enumerate(prefix):
                if k and len(self.holding[term]) > MAX_HOLDERS:
                    continue  # not evidence for i (its first term always is)
                sharing = self.holding[term] if len(self.holding[term]) <= MAX_HOLDERS else self.first[term]
                for row in sharing:
                    j = position[row]
                    if j != i and low <= sizes[j] <= high:
                        pairs.add((i, j) if i < j else (j, i))
        return sorted(pairs)

    def _key(self, term: str) -> tuple[int, str]:
        return self.frequency[term], term

    def _update(self, sets: Sequence[Collection[str]]) -> None:
        old = self.sets
        if len(sets) == len(old):
            changed = [p for p, (a, b) in enumerate(zip(sets, old, strict=True)) if a is not b]
            gone = [self.rows[p] for p in changed]
            for p in changed:
                self.rows[p] = self._new_row(sets[p])
            added = [self.rows[p] for p in changed]
        else:  # articles added or removed: match the sets it holds by identity
            free: dict[int, list[int]] = defaultdict(list)
            for row in self.rows:
                free[id(self.row_sets[row])].append(row)
            rows, added = [], []
            for terms in sets:
                found = free.get(id(terms))
                if found:
                    rows.append(found.pop())
                else:
                    rows.append(self._new_row(terms))
                    added.append(rows[-1])
            gone = [row for left in free.values() for row in left]
            self.rows = rows
        self.sets = list(sets)
        if not gone and not added:
            return
        before: dict[str, int] = {}
        for row, sign in [(row, -1) for row in gone] + [(row, 1) for row in added]:
            for term in self.row_sets[row]:
                before.setdefault(term, self.frequency[term])
                self.frequency[term] += sign
        for row in gone:
            self._forget(row)
            del self.row_sets[row]
        moved = {term: count for term, count in before.items() if self.frequency[term] != count}
        if len(moved) > 1000:  # the first call, or much of the list changed: group every term once
            self._regroup()
        else:
            for term, count in moved.items():
                if count:
                    level = self.by_frequency[count]
                    del level[bisect_left(level, term)]
                if self.frequency[term]:
                    insort(self.by_frequency[self.frequency[term]], term)
                else:
                    del self.frequency[term]
        again = set(added)
        for term, count in moved.items():
            again |= self.holding.get(term, set())
            if 0 < self.frequency[term] < count:  # rarer now: it may enter prefixes it was not in
                again |= self._may_enter(term, count)
        for row in again:
            if row in self.prefix:
                self._forget(row)
        for row in again:
            self._index(row)

    def _regroup(self) -> None:
        self.frequency = Counter({term: count for term, count in self.frequency.items() if count})
        self.by_frequency = defaultdict(list)
        for term, count in self.frequency.items():
            self.by_frequency[count].append(term)
        for level in self.by_frequency.values():
            level.sort()

    def _new_row(self, terms: Collection[str]) -> int:
        row = self.next_row
        self.next_row += 1
        self.row_sets[row] = terms
        return row

    def _may_enter(self, term: str, count: int) -> set[int]:
        """Rows holding ``term`` outside their prefix whose last prefix term now sorts after it
        (the last term's key lies between the term's new key and its old one)."""
        now = self.frequency[term]
        rows: set[int] = set()
        for frequency in range(now, count + 1):
            level = self.by_frequency.get(frequency, [])
            start = bisect_right(level, term) if frequency == now else 0
            end = bisect_left(level, term) if frequency == count else len(level)
            for other in level[start:end]:
                for row in self.last.get(other, ()):
                    if term in self.row_sets[row]:
                        rows.add(row)
        return rows

    def _index(self, row: int) -> None:
        terms = self.row_sets[row]
        prefix = sorted(terms, key=self._key)[: prefix_length(len(terms), self.threshold)]
        self.prefix[row] = prefix
        for term in prefix:
            self.holding[term].add(row)
        if prefix:
            self.first[prefix[0]].add(row)
            self.last[prefix[-1]].add(row)

    def _forget(self, row: int) -> None:
        prefix = self.prefix.pop(row)
        for term in prefix:
            self._discard(self.holding, term, row)
        if prefix:
            self._discard(self.first, prefix[0], row)
            self._discard(self.last, prefix[-1], row)

    @staticmethod
    def _discard(index: dict[str, set[int]], term: str, row: int) -> None:
        rows = index.get(term)
        if rows is not None:
            rows.discard(row)
            if not rows:
                del index[term]
