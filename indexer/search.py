"""The search engine over ONE build: answer queries with ids, scores and snippet spans.

A ``SearchEngine`` opens one fixed, verified build folder and never reopens itself: which
build is live is the application's business (``kb/snapshot.py`` swaps whole snapshots).
Titles, answers and dates are not the engine's to return; the application joins hits
with the build's own articles.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage
from whoosh.scoring import BM25F

from indexer import tables
from indexer.artifact import DamagedBuild, verify_build
from indexer.audience import PUBLIC, Audiences
from indexer.build import read_synonyms
from indexer.hangul import is_initials_query
from indexer.highlight import Snippet, SnippetSource, make_snippet, match_spans
from indexer.normalize import MAX_QUERY_CHARS, normalize_query
from indexer.query import QueryPlan, plan_query, query_terms, to_whoosh, weighted_terms
from indexer.scoring import COMMON_TERM_MIN_DOCS, COMMON_TERM_SHARE
from indexer.typo import Speller

CANDIDATES = 200
RELATIVE_CUTOFF = 0.2
SCORERS = ("table", "whoosh")


@dataclass
class Hit:
    """One ranked document: what the engine knows about it, nothing the application renders."""

    id: str
    category: str
    audience: str
    score: float
    snippet: Snippet
    title_highlights: list[tuple[int, int]]  # [start, end) in the article's title


@dataclass
class SearchResponse:
    plan: QueryPlan
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    category_counts: dict[str, int] = field(default_factory=dict)

    @property
    def query(self) -> str:
        return self.plan.original


class SearchEngine:
    """Thread-safe: Whoosh readers keep file cursors, so each thread gets its own searcher;
    the vocabulary and suggestions are shared. ``close`` closes every thread's searcher."""

    def __init__(
        self,
        build: str | os.PathLike,
        *,
        verified: bool = False,
        scorer: str = "table",
        previous: SearchEngine | None = None,
        unchanged: Collection[str] = (),
        derived: tables.Tables | None = None,
    ):
        """Open the build folder ``build`` (an index root is followed to its live build).

        The build is checked against its checksums first unless the caller just did
        (``verified``): a damaged build raises ``DamagedBuild`` instead of crashing later.
        ``scorer``: "table" ranks with the build's score table (indexer/scoring.py), "whoosh" with
        Whoosh's own matchers; same rankings, the table ~100x faster at 20,000 articles.
        ``previous``: the engine of the build this one replaces, and ``unchanged`` the files (paths
        in the build) the two builds have with the same checksum: what they made of those files
        (the suggester and its suffix arrays, the spellers) is taken over, not made again.
        ``derived``: the build's tables as the build in this process derived them (``tables.load``).
        """
        if scorer not in SCORERS:
            raise ValueError(f"scorer must be one of {SCORERS}, not {scorer!r}")
        self.scorer = scorer
        path = Path(build)
        if (path / "current").exists():
            path = (path / "current").resolve()
        self.path = path
        self.meta = None if verified else verify_build(path)
        # No mmap: a segment truncated under a running server then raises an error instead of SIGBUS.
        self.index = FileStorage(str(path), supports_mmap=False, readonly=True).open_index()
        # Ranking reads the score table in memory, not the segments, so a segment truncated under a
        # running server would go unnoticed: a size check per search (a stat each) finds it.
        self._segment_sizes = {f: f.stat().st_size for f in path.iterdir() if f.suffix in (".seg", ".toc")}
        reuse = previous is not None and not previous.closed
        same_suggestions = reuse and f"{tables.TABLES}/{tables.SUGGESTIONS}" in unchanged
        derived = tables.load(path, suggester=previous.suggester if same_suggestions else None, derived=derived)
        self.documents = derived.documents
        self.suggester = derived.suggester
        self.weights = derived.weights
        self.scores = derived.scores
        self.common_strings = derived.common  # None for a build made before the table existed
        self.synonyms = read_synonyms(path)
        if reuse and f"{tables.TABLES}/{tables.VOCABULARY}" in unchanged:
            self._spellers = previous._spellers
        else:
            self._spellers = {
                audience: Speller(derived.vocabulary[audience], derived.counts[audience])
                for audience in ("all", "public")
            }
        self._allowed: dict[Audiences, set[int]] = {}
        self._masks: dict[Audiences, object] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._searchers: list = []  # every searcher opened, closed with the engine
        self._idle: list = []  # searchers no request is using now
        self.closed = False

    def _open_searcher(self):
        with self._lock:
            if self.closed:
                raise RuntimeError(f"search engine on {self.path} is closed")
            searcher = self.index.searcher(weighting=BM25F(B=0.75, K1=1.2))
            self._searchers.append(searcher)
        return searcher

    def _searcher(self):
        """This thread's own searcher, kept for the thread's life (explanations, tests)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._local.searcher = self._open_searcher()
        return searcher

    @contextmanager
    def _borrowed(self) -> Iterator:
        """A searcher for one search, then handed to the next (Whoosh readers keep file cursors: never two
        at once). Not one per thread: a server with a thread per connection (``kb serve``) opened a searcher
        per request (~2 ms of reading the segment's tables) and kept every one of them open."""
        with self._lock:
            searcher = self._idle.pop() if self._idle else None
        searcher = searcher or self._open_searcher()
        try:
            yield searcher
        finally:
            with self._lock:
                if not self.closed:
                    self._idle.append(searcher)

    def allowed(self, audiences: Audiences) -> set[int]:
        """Document numbers visible to ``audiences``: a plain set, so Whoosh need not run a filter query."""
        key = tuple(sorted(audiences))
        if key not in self._allowed:
            self._allowed[key] = {n for n, (_, _, audience) in enumerate(self.documents) if audience in key}
        return self._allowed[key]

    def speller(self, audiences: Audiences) -> Speller:
        return self._spellers["public" if "internal" not in audiences else "all"]

    def prepare_spellers(self) -> None:
        """Spell the vocabularies out now (``Speller.prepare``), so no query with a typo waits for it."""
        for speller in self._spellers.values():
            speller.prepare()

    def plan(self, text: str, audiences: Audiences = PUBLIC, *, autocorrect: bool = True) -> QueryPlan:
        """What ``text`` is read as. A 초성 query (ㅂㅅㅅㄱ, or 카드 ㅂㅅ) is first read as the
        commonest words in titles and questions (분실 신고), then planned once, like a layout fix."""
        text = text[:MAX_QUERY_CHARS]
        reading = self._initials_reading(text, audiences) if autocorrect else None
        plan = plan_query(
            reading or text, self.speller(audiences), self.synonyms, self.weights, autocorrect=autocorrect
        )
        if reading:
            plan.original, plan.initials = text, True
        return plan

    def _initials_reading(self, text: str, audiences: Audiences) -> str | None:
        words = normalize_query(text).split(" ")
        if not any(is_initials_query(w) for w in words):
            return None
        decode = self.suggester.decode_initials
        if is_initials_query(" ".join(words)):  # all initials: read as one phrase
            return decode(" ".join(words), audiences)
        readings = [decode(w, audiences) if is_initials_query(w) else None for w in words]
        return " ".join(r or w for r, w in zip(readings, words, strict=True)) if any(readings) else None

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        category: str | None = None,
        audiences: Audiences = PUBLIC,
        autocorrect: bool = True,
    ) -> SearchResponse:
        """Ranked hits for ``text``, only documents ``audiences`` may see; never raises on what a user typed.

        ``autocorrect=False`` searches exactly what was typed (the "…(으)로 검색하기" link)."""
        plan = self.plan(text, audiences, autocorrect=autocorrect)
        response = SearchResponse(plan=plan)
        has_terms = bool(weighted_terms(plan) or plan.ngrams)
        if not has_terms and not plan.initials:
            return response
        with self._borrowed() as searcher:
            allowed = self.allowed(audiences)
            if not has_terms:  # initials with no reading: match them in titles and questions
                suggestions = self.suggester.suggest(plan.text, limit=CANDIDATES, audiences=audiences)
                kept = [(searcher.document_number(id=s.id), 1.0 / rank) for rank, s in enumerate(suggestions, 1)]
                kept = [(n, score) for n, score in kept if n in allowed]
            else:
                scored = self.rank(plan, audiences)
                best = scored[0][1] if scored else 0.0
                # Loose matches (a shared bigram, one common word) are not answers: keep hits
                # within reach of the best one, so counts and "no results" mean something.
                kept = [(n, score) for n, score in scored if score >= best * RELATIVE_CUTOFF]
            docs = self.documents
            response.category_counts = dict(Counter(docs[n][1] for n, _ in kept))
            if category:
                kept = [(n, score) for n, score in kept if docs[n][1] == category]
            response.total = len(kept)
            self._check_segments()
            terms, grams = query_terms(plan), set(plan.ngrams)
            for n, score in kept[:limit]:
                stored = searcher.stored_fields(n)
                title, title_offsets = stored["title"], stored["title_offsets"]
                article_id, article_category, audience = docs[n]
                response.hits.append(
                    Hit(
                        id=article_id,
                        category=article_category,
                        audience=audience,
                        score=round(score, 4),
                        snippet=make_snippet(SnippetSource.from_stored(stored["snippet"]), terms, grams),
                        title_highlights=match_spans(title, title_offsets, terms, grams),
                    )
                )
        return response

    def rank(self, plan: QueryPlan, audiences: Audiences = PUBLIC, limit: int = CANDIDATES) -> list[tuple[int, float]]:
        """The best (document number, BM25F score) for ``plan`` among what ``audiences`` may see."""
        if self.scorer == "whoosh":
            with self._borrowed() as searcher:
                return whoosh_rank(searcher, plan, self.allowed(audiences), limit)
        key = tuple(sorted(audiences))
        if key not in self._masks:
            self._masks[key] = self.scores.mask(self.allowed(audiences))
        return self.scores.rank(plan, self._masks[key], limit)

    def _check_segments(self) -> None:
        for segment, size in self._segment_sizes.items():
            try:
                now = segment.stat().st_size
            except OSError:
                now = -1
            if now != size:
                raise DamagedBuild(f"{self.path}: {segment.name} changed under the running server")

    def suggest(self, text: str, *, limit: int = 8, audiences: Audiences = PUBLIC):
        """Titles and question variants matching a half-typed query (jamo prefix, 초성)."""
        return self.suggester.suggest(text[:MAX_QUERY_CHARS], limit=limit, audiences=audiences)

    def close(self) -> None:
        """Close every thread's searcher: call it when no request uses this engine any more."""
        with self._lock:
            self.closed = True
            searchers, self._searchers, self._idle = self._searchers, [], []
        for searcher in searchers:
            searcher.close()
        self.index.close()


def whoosh_rank(searcher, plan: QueryPlan, allowed: set[int], limit: int) -> list[tuple[int, float]]:
    """Whoosh's own ranking of ``plan`` (the reference the score table reproduces)."""
    q = to_whoosh(plan)
    if q is None:
        return []
    trimmed = _without_common_terms(q, searcher)
    ranked = searcher.search(trimmed, limit=limit, filter=allowed)
    if not ranked.scored_length() and trimmed is not q:  # only common terms matched: score them after all
        ranked = searcher.search(q, limit=limit, filter=allowed)
    return [(ranked.docnum(i), ranked.score(i)) for i in range(ranked.scored_length())]


def _without_common_terms(q: wq.Query, searcher) -> wq.Query:
    """Drop terms found in most documents of a field (카드 in bodies): they barely move BM25
    scores but make Whoosh score thousands of postings. Never drops everything."""
    if not isinstance(q, wq.Or):
        return q
    limit = max(COMMON_TERM_MIN_DOCS, searcher.doc_count() * COMMON_TERM_SHARE)
    kept = [
        sub
        for sub in q.subqueries
        if not isinstance(sub, wq.Term) or searcher.doc_frequency(sub.fieldname, sub.text) <= limit
    ]
    return wq.Or(kept) if kept else q
