"""The watcher's candidate index gives ``candidate_pairs``' own pairs, save after save.

``CandidateIndex`` keeps the prefixes between calls and sorts again only those a save can change
(kb/checks/similar.py); any prefix it forgets to redo would drop or add a pair here."""

import random

import pytest

from kb.checks.similar import MAX_HOLDERS, CandidateIndex, candidate_pairs


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    return [f"t{n:04d}" for n in range(size)]


def _draw(rng: random.Random, words: list[str]) -> frozenset[str]:
    """A set of skewed terms: a few very common ones (more than MAX_HOLDERS prefixes hold some),
    many rare ones, now and then an empty set or a tiny one."""
    size = rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 30])
    return frozenset(words[min(int(rng.paretovariate(0.6)) - 1, len(words) - 1)] for _ in range(size))


@pytest.mark.parametrize("threshold", [0.7, 0.85])
@pytest.mark.parametrize("seed", range(6))
def test_the_index_gives_candidate_pairs_own_pairs_after_every_edit(threshold, seed):
    rng = random.Random(seed)
    words = _vocabulary(rng, 400)
    sets = [_draw(rng, words) for _ in range(400)]
    sets += [frozenset(rng.sample(words[:12], rng.randint(2, 6))) for _ in range(120)]  # common words only
    sets += [sets[k] for k in range(0, 40, 3)]  # the very same set object at two positions
    sets += [frozenset()] * 5
    index = CandidateIndex(threshold)
    assert max(len(rows) for rows in _holders(sets, threshold).values()) > MAX_HOLDERS  # both kinds of evidence
    for step in range(60):
        sets = list(sets)
        kind = rng.random()
        if kind < 0.5:  # a save: one set replaced by an edited copy (terms added and taken away)
            p = rng.randrange(len(sets))
            terms = set(sets[p])
            for _ in range(rng.randint(0, 3)):
                terms.discard(rng.choice(words))
            terms |= {rng.choice(words) for _ in range(rng.randint(0, 3))}
            sets[p] = frozenset(terms)
        elif kind < 0.65:  # a new article
            sets.insert(rng.randrange(len(sets) + 1), _draw(rng, words))
        elif kind < 0.8:  # an article removed
            del sets[rng.randrange(len(sets))]
        elif kind < 0.9:  # several saved at once, a new word among them
            for p in rng.sample(range(len(sets)), 5):
                sets[p] = frozenset({*sets[p], f"new{step}"})
        else:  # two articles swap places (a rename)
            a, b = rng.sample(range(len(sets)), 2)
            sets[a], sets[b] = sets[b], sets[a]
        focus = set(rng.sample(range(len(sets)), rng.randint(1, 12)))
        assert index.pairs(sets, focus) == candidate_pairs(sets, threshold, focus), f"step {step}"


def _holders(sets, threshold):
    from collections import Counter
    from itertools import chain

    from kb.checks.similar import prefix_length

    frequency = Counter(chain.from_iterable(sets))
    found: dict[str, set[int]] = {}
    for i, terms in enumerate(sets):
        for term in sorted(terms, key=lambda t: (frequency[t], t))[: prefix_length(len(terms), threshold)]:
            found.setdefault(term, set()).add(i)
    return found
