"""The browser's search index: what Kiwi and the live engine know, precomputed as small script shards.

No analyzer runs in the browser. At export time we write (public articles only):

- ``t/<n>.js`` postings: per term (Kiwi morpheme) and per syllable bigram, the public documents
  and their field-weighted BM25F weights, read from the live build (``indexer.scoring``), so the
  browser ranks as the live search does;
- ``l/<n>.js`` a lexicon: each surface form seen in the articles (잃어버렸, 분실) -> its term, used
  to segment what the user typed (카드분실신고 -> 카드 분실 신고, 잃어버렸어요 -> 잃어버리);
- ``v/<n>.js`` the typo vocabulary (word -> document frequency) by first consonant;
- ``i/<n>.js`` 초성 readings (ㅂㅅㅅㄱ -> 분실 신고), decided as ``Suggester.decode_initials`` does;
- ``d/<n>.js`` the documents shown in results (title, short answer, text for snippets);
- ``s/<n>.js`` the suggestion list's prefix tree (kb/export_suggest.py);
- ``meta.js`` sizes, categories, popular questions and the synonym groups.

Every shard is a script calling ``KBSearchShard(kind, number, data)``: browsers may load scripts
from file:// where fetch is blocked. Shards are chosen by a hash of the term, so one query
loads only the few it needs. Output is sorted and has no timestamps: same input, same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from indexer import normalize_query
from indexer.hangul import CHOSEONG, initials, is_syllable
from indexer.query import (
    CORRECTION_WEIGHT,
    MAX_NGRAMS,
    MAX_TERMS,
    SYNONYM_WEIGHT,
)
from indexer.scoring import ScoreTable
from indexer.search import CANDIDATES, RELATIVE_CUTOFF
from indexer.segment import ENDINGS
from indexer.suggest import MAX_ENTRIES_PER_DOC
from indexer.synonyms import Synonyms
from indexer.typo import COMMON_SHARE
from indexer.weights import UNSEEN_WEIGHT
from kb.corpus import Corpus
from kb.export_lexicon import analyses, build_lexicon, stream_analyses
from kb.export_pages import article_path, popular_articles
from kb.export_suggest import MAX_DEPTH, SHOWN, entries, suggestion_nodes

WEIGHT_SCALE = 1000  # weights are written as integers (three decimals)
MAX_POSTINGS = 400  # per term, the best-weighted documents (the live search keeps 200 candidates)
SHARD_BYTES = 6000  # target size of a shard before compression
MAX_INITIALS = 6  # longest 초성 query read off the titles


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over code points: the same number in static-search.js picks the same shard."""
    h = 2166136261
    for ch in text:
        h = ((h ^ ord(ch)) * 16777619) & 0xFFFFFFFF
    return h


def _shards(total_bytes: int) -> int:
    count = 1
    while count * SHARD_BYTES < total_bytes and count < 8192:
        count *= 2
    return count


def _script(kind: str, number: int | str, data) -> str:
    return f"KBSearchShard({json.dumps(kind)},{json.dumps(number)},{_json(data)});\n"


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _postings(row) -> list[list[int]]:
    """[doc deltas, integer weights], at most MAX_POSTINGS documents (the heaviest)."""
    pairs = list(zip(row.docs.tolist(), row.weights.tolist(), strict=True))
    if len(pairs) > MAX_POSTINGS:
        pairs = sorted(sorted(pairs, key=lambda p: (-p[1], p[0]))[:MAX_POSTINGS])
    deltas, weights, previous = [], [], 0
    for doc, weight in pairs:
        deltas.append(doc - previous)
        weights.append(round(weight * WEIGHT_SCALE))
        previous = doc
    return [deltas, weights]


class SearchData:
    """Collects every table the browser needs from the corpus and the live build."""

    def __init__(
        self,
        corpus: Corpus,
        table: ScoreTable,
        term_weights,
        synonyms: Synonyms,
        index_root: Path,
        vocabulary: dict[str, int] | None = None,
    ):
        self.corpus = corpus
        self.table = table
        self.term_weights = term_weights
        self.synonym_groups = synonyms.groups  # as the build analysed them
        public = {a.id for a in corpus.public}
        # public documents in build order: their position is their number in the browser
        self.docnums = [n for n, i in enumerate(table.ids) if i in public]
        self.numbers = np.full(max(1, table.documents), -1, dtype=np.int64)  # build number -> browser number
        self.numbers[self.docnums] = np.arange(len(self.docnums))
        self.articles = [corpus.get(table.ids[n]) for n in self.docnums]
        # the live speller's public vocabulary (document frequency, max over fields), else counted here
        self.vocabulary = vocabulary if vocabulary is not None else self._vocabulary()
        internal = [a for a in corpus.articles if not a.is_public]
        self.index_root = index_root
        self.texts = Counter(t for a in self.articles for t in (a.title, *a.questions, *a.tags, a.text) if t.strip())
        internal_texts = [t for a in internal for t in (a.title, *a.questions, *a.tags, a.text)]
        # words of internal articles that no public one uses: never written anywhere
        found = analyses(internal_texts, index_root)  # the build's: no Kiwi
        self.internal_only = {t.text for analysis in found.values() for t in analysis[0]} - set(self.vocabulary)

    def _remap(self, row):
        """The row in browser numbering (public documents only, in build order)."""
        from indexer.scoring import Row

        mapped = self.numbers[row.docs]
        keep = mapped >= 0
        return Row(mapped[keep], row.weights[keep])

    def _vocabulary(self) -> dict[str, int]:
        """Public terms -> number of public documents (the typo and existence vocabulary)."""
        out: dict[str, int] = {}
        for source in (self.table.terms, self.table.common):
            for term, row in source.items():
                count = int((self.numbers[row.docs] >= 0).sum())
                if count:
                    out[term] = max(out.get(term, 0), count)
        return out

    def postings(self) -> dict[str, list]:
        """ "t" + term or "g" + bigram -> [doc deltas, weights], and for a term whose query weight
        (indexer/weights.py: how much it may steer) is not 1, that weight third."""
        out: dict[str, list] = {}
        for prefix, source in (("t", self.table.terms), ("g", self.table.grams)):
            for term, row in source.items():
                row = self._remap(row)
                if len(row.docs):
                    out[prefix + term] = _postings(row)
        for term in self.vocabulary:  # known but too common to score: still a word the speller knows
            out.setdefault("t" + term, [[], []])
            weight = self.term_weights.weight(term)
            if weight != 1.0:
                out["t" + term] = [*out["t" + term][:2], round(weight, 4)]
        return out

    def lexicon(self) -> dict[str, list]:
        """Surface form -> [term, document frequency] (kb/export_lexicon.py)."""
        synonym_terms = sorted({t for group in self.synonym_groups for variant in group for t in variant})
        found = stream_analyses(self.texts, self.index_root)  # the build's: no Kiwi, one text at a time
        return build_lexicon(self.texts, found, synonym_terms, self.vocabulary, self.internal_only)

    def initials(self) -> dict[str, str]:
        """초성 needle -> reading, as ``Suggester.decode_initials`` reads it (commonest; most spaces)."""
        readings: dict[str, Counter] = defaultdict(Counter)
        spellings: dict[tuple[str, str], set[str]] = defaultdict(set)
        for article in self.articles:
            for text in [article.title, *article.questions][:MAX_ENTRIES_PER_DOC]:
                normalized = normalize_query(text)
                positions = [i for i, ch in enumerate(normalized) if not ch.isspace()]
                squashed = "".join(initials(normalized).split())
                for at in range(len(squashed)):
                    start = positions[at]
                    if start > 0 and normalized[start - 1] != " ":
                        continue
                    for size in range(2, min(MAX_INITIALS, len(squashed) - at) + 1):
                        needle = squashed[at : at + size]
                        if not all(ch in CHOSEONG for ch in needle) or squashed.find(needle) != at:
                            continue
                        reading = normalized[start : positions[at + size - 1] + 1]
                        if all(is_syllable(ch) or ch == " " for ch in reading):
                            key = "".join(reading.split())
                            readings[needle][key] += 1
                            spellings[needle, key].add(reading)
        out = {}
        for needle, counter in readings.items():
            best = counter.most_common(1)[0][0]
            out[needle] = max(spellings[needle, best], key=lambda r: (r.count(" "), r))
        return out

    def synonyms(self) -> list[list[list[str]]]:
        """Synonym groups as analyzed term sequences; variants with an internal-only word are left out."""
        groups = []
        for variants in self.synonym_groups:
            kept = [list(v) for v in variants if not any(t in self.internal_only for t in v)]
            if len(kept) > 1:
                groups.append(kept)
        return groups

    def documents(self) -> list[list]:
        return [
            [
                a.id,
                a.title,
                a.category,
                a.short_answer,
                a.text,
                a.updated.isoformat() if a.updated else "",
            ]
            for a in self.articles
        ]


def _digit(n: int) -> str:
    return "0123456789abcdefghijklmnopqrstuvwxyz"[n]


def _sharded(kind: str, items: dict, count: int, key) -> Iterator[tuple[str, str]]:
    shards: list[dict] = [{} for _ in range(count)]
    for name, value in items.items():
        shards[key(name) % count][name] = value
    for number, shard in enumerate(shards):
        yield f"{kind}/{number}.js", _script(kind, number, shard)


def ending_syllables(lexicon: dict[str, list], least: int = 3) -> str:
    """The syllables particles and endings are made of (는, 데, 려, 요): those of ENDINGS, and those
    in at least ``least`` function pieces of the lexicon. A known stem followed only by these is
    read as a real word, not a typo."""
    counts = Counter(ch for surface, entry in lexicon.items() if not entry[0] for ch in set(surface) if is_syllable(ch))
    chosen = {ch for ch, n in counts.items() if n >= least} | {ch for ending in ENDINGS for ch in ending}
    return "".join(sorted(chosen))


def search_files(corpus: Corpus, index_root: Path) -> Iterator[tuple[str, str]]:
    """(path under static/search/, script text) for every file of the browser's index, from the
    live build under ``index_root``: its score table (the weights the live search ranks by), its
    synonyms and the analyses its analysis cache holds, so no Kiwi runs for what it analysed."""
    from indexer import live_path
    from indexer.build import read_synonyms
    from indexer.tables import load as load_tables

    build = live_path(index_root)
    tables = load_tables(build)
    data = SearchData(
        corpus, tables.scores, tables.weights, read_synonyms(build), index_root, tables.vocabulary["public"]
    )
    postings, lexicon, initials_table = data.postings(), data.lexicon(), data.initials()
    vocabulary = {w: df for w, df in data.vocabulary.items() if len(w) >= 2 and all(is_syllable(c) for c in w)}
    documents = data.documents()

    suggestions = suggestion_nodes(entries(data.articles))
    counts = {
        "s": _shards(len(_json(suggestions).encode())),
        "t": _shards(len(_json(postings).encode())),
        "l": _shards(len(_json(lexicon).encode())),
        "i": _shards(len(_json(initials_table).encode())),
    }
    per_doc = max(1, SHARD_BYTES // max(1, len(_json(documents).encode()) // max(1, len(documents))))
    files: list[tuple[str, str]] = []
    files += _sharded("t", postings, counts["t"], fnv1a)
    files += _sharded("s", suggestions, counts["s"], fnv1a)
    files += _sharded("l", lexicon, counts["l"], lambda s: fnv1a(s[0]))
    files += _sharded("i", initials_table, counts["i"], lambda s: fnv1a(s[:2]))
    by_initial: dict[str, dict[str, int]] = defaultdict(dict)
    for word, df in vocabulary.items():
        by_initial[str((ord(word[0]) - 0xAC00) // 588)][word] = df
    files += [(f"v/{k}.js", _script("v", int(k), v)) for k, v in sorted(by_initial.items(), key=lambda kv: int(kv[0]))]
    for start in range(0, len(documents), per_doc):
        files.append((f"d/{start // per_doc}.js", _script("d", start // per_doc, documents[start : start + per_doc])))

    digest = hashlib.sha256()
    for path, text in files:
        digest.update(path.encode() + b"\0" + text.encode())
    categories = corpus.categories
    meta = {
        "version": digest.hexdigest()[:12],
        "documents": len(documents),
        "shards": {**counts, "d": per_doc},
        "vocabulary_initials": sorted(int(k) for k in by_initial),
        "categories": [[key, c.label] for key, c in categories.items()],
        # each document's category as one base-36 digit (its place in "categories"): chips count
        # every kept result without loading its document
        "document_categories": "".join(
            _digit(list(categories).index(d[2]) if d[2] in categories else len(categories)) for d in documents
        ),
        "popular": [[a.title, article_path(a.id)] for a in popular_articles(corpus)],
        # a word this common is the corpus's own subject: a sound-alike spelling of it is searched as it
        "common": max(5, int(len(documents) * COMMON_SHARE)),
        "synonyms": data.synonyms(),
        "weights": {
            "correction": CORRECTION_WEIGHT,
            "synonym": SYNONYM_WEIGHT,
            "scale": WEIGHT_SCALE,
            "unseen": UNSEEN_WEIGHT,
        },
        "endings": list(ENDINGS),
        "ending_syllables": ending_syllables(lexicon),
        "limits": {
            "terms": MAX_TERMS,
            "ngrams": MAX_NGRAMS,
            "candidates": CANDIDATES,
            "cutoff": RELATIVE_CUTOFF,
            "suggestions": SHOWN,
            "suggestion_depth": MAX_DEPTH,
        },
    }
    yield "meta.js", f"window.KB_SEARCH_META={_json(meta)};\n"
    yield from files
