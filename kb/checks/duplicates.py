"""Near-duplicates judged on the analyzer's terms, not the exact text.

Two articles that say the same thing split the votes, the clicks and the ranking between
them; a question asked the same way in two articles makes one of them unreachable for it.
"카드를 잃어버렸어요" and "카드 잃어버렸어요" are the same question to the engine, so they are
compared as the engine sees them: sets of content morphemes (``indexer.analyze``).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence

from indexer.analysis import ngram_texts
from kb.articles import Article
from kb.checks import ERROR, WARNING, Finding, per_article
from kb.checks.similar import CandidateIndex, candidate_pairs
from kb.checks.terms import load, remember, terms
from kb.corpus import Corpus

COPY_SIMILARITY = 0.9  # Jaccard of body terms: a copy with a few words changed
NEAR_SIMILARITY = 0.7  # the same answer reworded: worth a look
MIN_TERMS = 8  # bodies shorter than this are compared only through their questions
QUESTION_SIMILARITY = 0.85  # of terms or syllable bigrams: the same question reworded
MAX_GRAMS_REMEMBERED = 300_000  # questions' bigram sets kept between checks (like terms.MAX_REMEMBERED)

_GRAMS: dict[str, frozenset[str]] = {}
_INDEXES: dict[str, CandidateIndex] = {}  # bodies, question bigrams, question words: kept between saves
_INDEX_LOCK = threading.Lock()


def texts_to_compare(corpus: Corpus) -> list[str]:
    """Every text this check reads as terms: bodies, titles, questions."""
    return [text for a in corpus.articles for text in (a.text, a.title, *a.questions)]


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if a or b else 0.0


def question_grams(text: str) -> frozenset[str]:
    """The syllable bigrams of one question, remembered: the watcher checks on every save, and
    making them again for all 20,000 articles' titles and questions took ~1 s of each save."""
    found = _GRAMS.get(text)
    if found is None:
        found = frozenset(ngram_texts(text))
        remember(_GRAMS, {text: found}, MAX_GRAMS_REMEMBERED)
    return found


def _question_lines(article: Article) -> list[tuple[str, int]]:
    """The title and every question variant, each with its line."""
    lines = article.item_lines.get("questions", [])
    fallback = article.lines.get("questions", article.lines.get("title", 2))
    questions = [(q, lines[i] if i < len(lines) else fallback) for i, q in enumerate(article.questions)]
    return [(article.title, article.lines.get("title", 2)), *questions]


def check_duplicates(corpus: Corpus, changed: Collection[str] | None = None) -> list[Finding]:
    """Near-duplicate articles and questions; with ``changed`` (article ids), only the pairs that
    include a changed article (the others were judged when they were saved)."""
    articles = corpus.articles
    load(texts_to_compare(corpus))  # one Kiwi batch for what is not remembered yet
    return [*_duplicate_articles(articles, changed), *_duplicate_questions(articles, changed)]


def _pairs(
    kind: str, sets: Sequence[frozenset[str]], threshold: float, focus: list[int] | None
) -> list[tuple[int, int]]:
    """``candidate_pairs``; for the changed articles (the watcher, after every save) from an index
    kept between calls, which redoes only what the save changed (same pairs: tests/test_similar.py)."""
    if focus is None:
        return candidate_pairs(sets, threshold)
    with _INDEX_LOCK:
        index = _INDEXES.get(kind)
        if index is None or index.threshold != threshold:
            index = _INDEXES[kind] = CandidateIndex(threshold)
        return index.pairs(sets, focus)


def _duplicate_articles(articles: list[Article], changed: Collection[str] | None = None) -> list[Finding]:
    sets = [terms(a.text) for a in articles]
    focus = None if changed is None else [i for i, a in enumerate(articles) if a.id in changed]
    findings = []
    compared = [terms if len(terms) >= MIN_TERMS else frozenset() for terms in sets]
    for i, j in _pairs("bodies", compared, NEAR_SIMILARITY, focus):
        score = similarity(sets[i], sets[j])
        if score < NEAR_SIMILARITY:
            continue
        a, b = articles[i], articles[j]
        copy = score >= COPY_SIMILARITY
        where_a = f"{a.path}:{a.lines.get('body', 1)}"
        where_b = f"{b.path}:{b.lines.get('body', 1)}"
        message = (
            f"본문이 '{b.id}' ({where_b})와 거의 같습니다 (용어 {score:.0%} 일치)"
            if copy
            else f"본문이 '{b.id}' ({where_b})와 많이 비슷합니다 (용어 {score:.0%} 일치)"
        )
        fix = (
            f"한 문서로 합치고, 다른 쪽 질문은 questions에 옮기세요 ({where_a} ↔ {where_b})"
            if copy
            else "같은 답이라면 합치고, 다르다면 차이가 드러나게 고쳐 쓰세요"
        )
        findings.append(Finding(a.path, a.lines.get("body", 1), message, ERROR if copy else WARNING, fix))
    return findings


def _duplicate_questions(articles: list[Article], changed: Collection[str] | None = None) -> list[Finding]:
    """A question (or title) another article also asks: the same words to the analyzer.

    Kiwi may read one verb two ways in two phrasings (잃어버렸어요 → 잃어버리 or 잃), so the
    syllable bigrams the engine also indexes are compared too; the closer of the two counts.
    """
    asked = [
        (a, q, line) for a in articles for q, line in per_article(a, "questions", (), lambda a=a: _question_lines(a))
    ]
    words = [terms(q) for _, q, _ in asked]
    grams = [question_grams(q) for _, q, _ in asked]
    findings = []
    reported: set[tuple[str, str]] = set()
    focus = None if changed is None else [i for i, (a, _, _) in enumerate(asked) if a.id in changed]
    pairs = {
        *_pairs("question bigrams", grams, QUESTION_SIMILARITY, focus),
        *_pairs("question words", words, QUESTION_SIMILARITY, focus),
    }
    for i, j in sorted(pairs):  # in order: which question of two articles is reported stays the same
        (a, qa, la), (b, qb, lb) = asked[i], asked[j]
        if a.id == b.id or a.audience != b.audience or (a.id, b.id) in reported:
            continue  # an internal script may repeat a public question on purpose: customers never see both
        close = similarity(words[i], words[j]) >= QUESTION_SIMILARITY  # the closer of the two counts
        if not (close or similarity(grams[i], grams[j]) >= QUESTION_SIMILARITY) or len(grams[i] | grams[j]) < 3:
            continue
        reported.add((a.id, b.id))
        findings.append(
            Finding(
                b.path,
                lb,
                f"질문 '{qb}'은(는) '{a.id}'의 '{qa}' ({a.path}:{la})와 검색엔진에게 같은 질문입니다",
                WARNING,
                "어느 문서의 답인지 정해 한쪽에만 두세요",
            )
        )
    return findings
