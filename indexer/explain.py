"""Why a query finds (or misses) an article: the editor's view of one search.

Every step of ``query.plan_query`` is reported (normalization, layout fix, 초성 reading,
terms, corrections, synonyms, n-grams), then the ranking before the cut-off, then, for one
article, each weighted query term's share of its score, read from Whoosh's own matchers so
the parts add up to the score the live search gives. An expected article that is missing
gets a reason an editor can act on: no shared term (add a question variant or synonym),
cut off (too weak next to the best hit), ranked below what is shown, or internal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from whoosh import query as wq

from indexer.analysis import analyze, get_kiwi
from indexer.normalize import normalize_query
from indexer.query import NGRAM_WEIGHTS, QueryPlan, to_whoosh
from indexer.search import CANDIDATES, RELATIVE_CUTOFF, SearchEngine, _without_common_terms

FIELD_LABELS = {
    "title": "제목",
    "questions": "질문",
    "tags": "태그",
    "body": "본문",
    "head_ng": "제목·질문 글자조각",
    "body_ng": "본문 글자조각",
}
KIND_LABELS = {"term": "낱말", "correction": "오타 교정", "synonym": "동의어", "ngram": "글자조각(n-gram)"}


@dataclass
class Part:
    """One weighted query term and what it added to an article's score."""

    kind: str  # term | correction | synonym | ngram
    field: str
    text: str
    boost: float
    score: float

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class Ranked:
    id: str
    title: str
    audience: str
    score: float
    rank: int
    kept: bool  # above the relative cut-off


@dataclass
class Morpheme:
    form: str
    tag: str
    kept: bool  # False: a particle, ending or stop word the analyzer drops


@dataclass
class ArticleReport:
    id: str
    found: bool  # in the index at all
    audience: str = ""
    rank: int | None = None  # among all scored candidates (1-based), None if unmatched
    score: float = 0.0
    parts: list[Part] = field(default_factory=list)
    reason: str | None = None  # why it is not among the results shown, or None
    article_terms: list[str] = field(default_factory=list)  # for "no shared term": what the article has


@dataclass
class Explanation:
    query: str
    normalized: str
    plan: QueryPlan
    morphemes: list[Morpheme]
    dropped_common: list[tuple[str, str]]  # (field, term) skipped as too common
    ranked: list[Ranked]
    cutoff: float
    limit: int
    article: ArticleReport | None = None


def morphemes(text: str) -> list[Morpheme]:
    """Every Kiwi morpheme with whether the analyzer keeps it: what was dropped, and why not a match."""
    if not text.strip():
        return []
    kept = {(t.text, t.tag) for t in analyze(text)}
    return [Morpheme(t.form, t.tag, (t.form.lower(), t.tag) in kept) for t in get_kiwi().tokenize(text)]


def _kind(sub: wq.Query, plan: QueryPlan) -> str:
    if not isinstance(sub, wq.Term):
        return "synonym"
    if sub.fieldname in NGRAM_WEIGHTS:
        return "ngram"
    if sub.text in plan.terms:
        return "term"
    if sub.text in plan.corrections:
        return "correction"
    if sub.text in plan.compounds:
        return "compound"
    return "synonym"


def _describe(sub: wq.Query) -> tuple[str, str, float]:
    if isinstance(sub, wq.Term):
        return sub.fieldname, sub.text, sub.boost
    leaves = [leaf for leaf in sub.leaves() if isinstance(leaf, wq.Term)]
    fields = sorted({leaf.fieldname for leaf in leaves})
    words = list(dict.fromkeys(leaf.text for leaf in leaves))
    return ",".join(fields), " ".join(words), max((leaf.boost for leaf in leaves), default=1.0)


def _parts(query: wq.Query, searcher, docnum: int, plan: QueryPlan) -> list[Part]:
    subqueries = query.subqueries if isinstance(query, wq.Or) else [query]
    context = searcher.context()
    parts = []
    for sub in subqueries:
        matcher = sub.matcher(searcher, context)
        if not matcher.is_active():
            continue
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            fieldname, text, boost = _describe(sub)
            parts.append(Part(_kind(sub, plan), fieldname, text, boost, matcher.score()))
    return sorted(parts, key=lambda p: -p.score)


def explain(
    engine: SearchEngine,
    text: str,
    *,
    article_id: str | None = None,
    audiences: Sequence[str] = ("public",),
    limit: int = 10,
    article_terms: Callable[[str], list[str]] | None = None,
) -> Explanation:
    """``article_terms(id)``: the words of an article's title, questions and tags, to show beside
    "no shared term" (the build stores titles only; the application knows the rest)."""
    plan = engine.plan(text, audiences)
    searcher = engine._searcher()
    query = to_whoosh(plan)
    dropped: list[tuple[str, str]] = []
    scored: list[tuple[int, float]] = []
    if query is not None:
        trimmed = _without_common_terms(query, searcher)
        if isinstance(query, wq.Or) and isinstance(trimmed, wq.Or):
            kept = {id(s) for s in trimmed.subqueries}
            dropped = [(s.fieldname, s.text) for s in query.subqueries if id(s) not in kept]
        query = trimmed
        results = searcher.search(query, limit=CANDIDATES, filter=engine.allowed(audiences))
        scored = [(results.docnum(i), results.score(i)) for i in range(results.scored_length())]
    best = scored[0][1] if scored else 0.0
    cutoff = best * RELATIVE_CUTOFF
    ranked = []
    for rank, (docnum, score) in enumerate(scored, 1):
        doc_id, _, audience = engine.documents[docnum]
        title = searcher.stored_fields(docnum)["title"]
        ranked.append(Ranked(doc_id, title, audience, score, rank, score >= cutoff))
    explanation = Explanation(
        query=text,
        normalized=normalize_query(text),
        plan=plan,
        morphemes=morphemes(plan.text or normalize_query(text)),
        dropped_common=dropped,
        ranked=ranked,
        cutoff=cutoff,
        limit=limit,
    )
    if article_id:
        report = _article_report(engine, searcher, query, plan, article_id, ranked)
        if report.found and not report.parts:
            report.article_terms = article_terms(article_id) if article_terms else []
        report.reason = _reason(report, audiences, limit, cutoff)
        explanation.article = report
    return explanation


def _article_report(engine, searcher, query, plan, article_id, ranked) -> ArticleReport:
    docnum = next((n for n, (doc_id, _, _) in enumerate(engine.documents) if doc_id == article_id), None)
    if docnum is None:
        return ArticleReport(article_id, found=False)
    report = ArticleReport(article_id, found=True, audience=engine.documents[docnum][2])
    if query is not None:
        report.parts = _parts(query, searcher, docnum, plan)
        report.score = sum(p.score for p in report.parts)
    position = next((r for r in ranked if r.id == article_id), None)
    report.rank = position.rank if position else None
    return report


def _reason(report: ArticleReport, audiences: Sequence[str], limit: int, cutoff: float) -> str | None:
    if not report.found:
        return "missing"  # no such id in the index (a new article not indexed yet, or a typo in the id)
    if report.audience not in audiences:
        return "internal"
    if not report.parts:
        return "no_shared_term"
    if report.score < cutoff:
        return "cut_off"
    if report.rank is None or report.rank > limit:
        return "below_limit"
    return None
