"""The search engine: open the live index, answer queries, report what was corrected.

One ``SearchEngine`` per process; it reopens the index when a new build is switched in,
so ``kb index`` on a running server takes effect without a restart.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.scoring import BM25F

from indexer.build import live_path
from indexer.hangul import is_initials_query
from indexer.highlight import Snippet, make_snippet
from indexer.query import QueryPlan, plan_query, query_terms, to_whoosh
from indexer.schema import TEXT_FIELDS
from indexer.suggest import Suggester, Suggestion
from indexer.synonyms import Synonyms
from indexer.typo import Speller

CANDIDATES = 200
COMMON_TERM_SHARE = 0.3  # a term in more than 30% of a field's documents is skipped
COMMON_TERM_MIN_DOCS = 50  # ... unless the corpus is small: then every term is cheap
RELATIVE_CUTOFF = 0.2


@dataclass
class Hit:
    id: str
    title: str
    category: str
    audience: str
    score: float
    short_answer: str
    updated: str
    snippet: Snippet
    title_snippet: Snippet


@dataclass
class SearchResponse:
    plan: QueryPlan
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    category_counts: dict[str, int] = field(default_factory=dict)

    @property
    def query(self) -> str:
        return self.plan.original


@dataclass
class _Generation:
    """One build of the index and what is derived from it once (shared, read-only)."""

    path: Path
    index: object
    spellers: dict[str, Speller]  # "public": public articles' words only; "all": for agents
    suggester: Suggester
    docs: dict[int, tuple[str, str, str]]  # docnum -> (id, category, audience), for counts and filters
    _allowed: dict[tuple[str, ...], set[int]] = field(default_factory=dict)

    def allowed(self, audiences: Sequence[str]) -> set[int]:
        """Document numbers visible to ``audiences``: a plain set, so Whoosh need not run a filter query."""
        key = tuple(sorted(audiences))
        if key not in self._allowed:
            self._allowed[key] = {n for n, (_, _, audience) in self.docs.items() if audience in key}
        return self._allowed[key]

    def speller(self, audiences: Sequence[str]) -> Speller:
        return self.spellers["public" if "internal" not in audiences else "all"]


class SearchEngine:
    """Thread-safe: Whoosh readers keep file cursors, so each thread gets its own searcher
    (opened once per thread and build); the vocabulary and suggestions are shared."""

    def __init__(self, index_root: str | os.PathLike, synonyms: Synonyms | None = None):
        self.index_root = Path(index_root)
        self.synonyms = synonyms or Synonyms()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._generation: _Generation | None = None
        self._refresh()

    def _refresh(self) -> _Generation:
        """The current build, reopened if ``current`` now points at a newer one."""
        path = live_path(self.index_root)
        generation = self._generation
        if generation is not None and generation.path == path:
            return generation
        with self._lock:
            if self._generation is None or self._generation.path != path:
                ix = whoosh_index.open_dir(str(path))
                with ix.searcher() as searcher:
                    reader = searcher.reader()
                    stored = list(reader.iter_docs())
                    public_docs = {n for n, f in stored if f["audience"] == "public"}
                    spellers = {
                        "all": Speller(_vocabulary(reader), searcher.doc_count()),
                        # customers' corrections and layout fixes must not reveal internal-only words
                        "public": Speller(_vocabulary(reader, public_docs), len(public_docs)),
                    }
                    suggester = Suggester([fields for _, fields in stored])
                    docs = {n: (f["id"], f["category"], f["audience"]) for n, f in stored}
                self._generation = _Generation(path, ix, spellers, suggester, docs)
            return self._generation

    def _searcher(self, generation: _Generation):
        """This thread's searcher on ``generation`` (Whoosh readers must not be shared between threads)."""
        local = self._local
        if getattr(local, "generation", None) is not generation:
            old = getattr(local, "searcher", None)
            if old is not None:
                old.close()
            local.searcher = generation.index.searcher(weighting=BM25F(B=0.75, K1=1.2))
            local.generation = generation
        return local.searcher

    def plan(self, text: str, audiences: Sequence[str] = ("public",)) -> QueryPlan:
        return self._plan(text, audiences, self._refresh())

    def _plan(self, text: str, audiences: Sequence[str], generation: _Generation) -> QueryPlan:
        speller = generation.speller(audiences)
        plan = plan_query(text, speller, self.synonyms)
        # 초성 (ㅂㅅㅅㄱ, or 카드 ㅂㅅ): search for the commonest reading in titles and questions
        # (분실 신고), shown like a layout fix. A whole-initials query is read as one phrase.
        decode = generation.suggester.decode_initials
        if plan.initials:
            reading = decode(plan.text, audiences)
        else:
            words = plan.text.split(" ")
            readings = [decode(w, audiences) if is_initials_query(w) else None for w in words]
            reading = " ".join(r or w for r, w in zip(readings, words, strict=True)) if any(readings) else None
        if reading:
            plan = plan_query(reading, speller, self.synonyms)
            plan.original, plan.initials = text, True
        return plan

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        category: str | None = None,
        audiences: Sequence[str] = ("public",),
        visible: Callable[[str], bool] | None = None,
    ) -> SearchResponse:
        """Ranked hits for ``text``; never raises on what a user typed.

        ``visible(id)`` is a second gate the application applies from its own copy of the
        articles, so an index older than the articles can never show what is now internal.
        """
        generation = self._refresh()  # once: plan, search and hits all use the same build
        plan = self._plan(text, audiences, generation)
        response = SearchResponse(plan=plan)
        q = to_whoosh(plan)
        if q is None and not plan.initials:
            return response
        searcher = self._searcher(generation)
        if q is None:  # initials with no reading: match them in titles and questions
            suggestions = generation.suggester.suggest(plan.text, limit=CANDIDATES, audiences=audiences)
            kept = [(searcher.document_number(id=s.id), 1.0 / rank) for rank, s in enumerate(suggestions, 1)]
        else:
            q = _without_common_terms(q, searcher)
            ranked = searcher.search(q, limit=CANDIDATES, filter=generation.allowed(audiences))
            scored = [(ranked.docnum(i), ranked.score(i)) for i in range(ranked.scored_length())]
            best = scored[0][1] if scored else 0.0
            # Loose matches (a shared bigram, one common word) are not answers: keep hits
            # within reach of the best one, so counts and "no results" mean something.
            kept = [(n, score) for n, score in scored if score >= best * RELATIVE_CUTOFF]
        docs = generation.docs
        if visible is not None:
            kept = [(n, score) for n, score in kept if visible(docs[n][0])]
        response.category_counts = dict(Counter(docs[n][1] for n, _ in kept))
        if category:
            kept = [(n, score) for n, score in kept if docs[n][1] == category]
        response.total = len(kept)
        terms = query_terms(plan)
        grams = set(plan.ngrams)
        for n, score in kept[:limit]:
            response.hits.append(_hit(searcher.stored_fields(n), score, terms, grams))
        return response

    def suggest(self, text: str, *, limit: int = 8, audiences: Sequence[str] = ("public",)) -> list[Suggestion]:
        """Titles and question variants matching a half-typed query (jamo prefix, 초성)."""
        return self._refresh().suggester.suggest(text, limit=limit, audiences=audiences)

    def close(self) -> None:
        """Close this thread's searcher (others close theirs when they next see a new build)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = self._local.generation = None


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


def _hit(stored: dict, score: float, terms: set[str], grams: set[str]) -> Hit:
    body, short = stored["body"], stored.get("short_answer", "")
    # The short answer is shown on its own; the snippet shows where the rest of the body matches.
    rest = body[len(short) :].strip() if short and body.startswith(short) else body
    snippet = make_snippet(rest or body, terms, grams)
    if not snippet.spans and rest:
        whole = make_snippet(body, terms, grams)
        snippet = whole if whole.spans else snippet
    return Hit(
        id=stored["id"],
        title=stored["title"],
        category=stored["category"],
        audience=stored["audience"],
        score=round(score, 4),
        short_answer=short,
        updated=stored.get("updated", ""),
        snippet=snippet,
        title_snippet=make_snippet(stored["title"], terms, grams, size=200),
    )


def _vocabulary(reader, docs: set[int] | None = None) -> dict[str, int]:
    """Word -> document frequency (max over fields), counting only ``docs`` if given."""
    vocabulary: dict[str, int] = {}
    for fieldname in TEXT_FIELDS:
        for term in reader.field_terms(fieldname):
            if docs is None:
                frequency = reader.doc_frequency(fieldname, term)
            else:
                frequency = sum(1 for n in reader.postings(fieldname, term).all_ids() if n in docs)
            if frequency:
                vocabulary[term] = max(vocabulary.get(term, 0), frequency)
    return vocabulary
