"""The one place that turns what a user typed into a Whoosh query.

Steps, each visible in the resulting ``QueryPlan`` (``kb search --explain`` prints it):
normalize → repair keyboard layout → analyze → correct typos against the corpus →
expand synonyms → weighted query over title, questions, tags, body and n-grams.
Nothing here raises on user input: any text gives a plan, possibly an empty one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq

from indexer.analysis import analyze, compounds, ngrams
from indexer.hangul import is_initials_query, is_syllable, latin_to_hangul, looks_like_wrong_layout
from indexer.normalize import normalize_query
from indexer.segment import split_known
from indexer.synonyms import Synonyms
from indexer.typo import Speller
from indexer.weights import TermWeights

FIELD_WEIGHTS = {"title": 3.0, "questions": 2.5, "tags": 2.0, "body": 1.0}
NGRAM_WEIGHTS = {"head_ng": 0.6, "body_ng": 0.15}
SYNONYM_WEIGHT = 0.8
CORRECTION_WEIGHT = 0.9
COMPOUND_WEIGHT = 1.0
MAX_TERMS = 16
MAX_NGRAMS = 24


@dataclass
class QueryPlan:
    original: str
    text: str = ""
    layout_fixed: bool = False
    initials: bool = False  # a 초성 query (ㅂㅅㅅㄱ); ``text`` is then its reading (분실 신고), if one was found
    terms: list[str] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)
    did_you_mean: str | None = None
    # a near-certain correction was searched instead of what was typed (결재 안돼요 → 결제 안돼요);
    # this is what was typed, offered as "…(으)로 검색하기"
    autocorrected_from: str | None = None
    synonyms: list[tuple[str, list[str]]] = field(default_factory=list)
    ngrams: list[str] = field(default_factory=list)
    # compound nouns the query writes together or apart that the index holds whole (선결제하기, 선 결제 → 선결제)
    compounds: list[str] = field(default_factory=list)
    # how much each term may steer (indexer/weights.py); a term not listed weighs 1
    weights: dict[str, float] = field(default_factory=dict)

    def weight(self, term: str) -> float:
        return self.weights.get(term, 1.0)


def fix_layout(text: str, speller: Speller) -> str | None:
    """Convert Latin words typed in English mode when the Hangul reading is a corpus word.

    ``text`` keeps its case (Shift types ㅆ, ㅖ …). A reading must contain a known content
    word of two syllables or more, so SMS (→ 는) or an (→ 무) stay English.
    """
    out, changed = [], False
    for word in text.split(" "):
        if looks_like_wrong_layout(word) and word.lower() not in speller:
            converted = latin_to_hangul(word)
            if any(len(t.text) >= 2 and t.text in speller for t in analyze(converted)):
                out.append(converted)
                changed = True
                continue
        out.append(word.lower())
    return " ".join(out) if changed else None


NOUN_TAGS = ("NNG", "NNP", "XR", "SL")


@dataclass(frozen=True)
class Correction:
    """One word's fix and how far to trust it.

    ``sure``: a non-word (분싫) was fixed: search the fix beside the original.
    ``certain``: a real word replaced by a sound-alike corpus word (결재 → 결제): search the fix
    instead of the original and offer the original as a link. Neither: only "did you mean".
    """

    word: str
    sure: bool
    certain: bool = False


def correct_word(word: str, speller: Speller) -> Correction | None:
    """Fix a typo in one word, keeping its particles: 결재가 → 결제가, 분싫신고 → 분실신고.

    Only nouns are corrected: verb endings and adverbs vary
    too much to guess safely. An unknown noun is replaced by its nearest corpus word; a word
    that Kiwi could only break into one-syllable scraps (분싫 → 분 + 싫) is matched whole,
    then re-segmented. Replacing a real dictionary word (지문 → 질문) is never "sure": it is
    offered as "did you mean", not searched, unless the two sound alike (``Speller.is_certain``).
    """
    if len(word) < 2 or not all(is_syllable(ch) for ch in word) or word in speller:
        return None
    terms = analyze(word)
    unknown_nouns = [
        t for t in terms if t.tag.split("-")[0] in NOUN_TAGS and len(t.text) >= 2 and t.text not in speller
    ]
    fixed, changed, sure, certain = word, False, False, True
    for term in reversed(unknown_nouns):
        replacement = speller.correct(term.text, real_word=term.known)
        if replacement:
            fixed = fixed[: term.start] + replacement + fixed[term.end :]
            changed, sure = True, sure or not term.known
            certain = certain and term.known and speller.is_certain(term.text, replacement)
    if changed:
        return Correction(fixed, sure, certain)
    # Beyond single nouns, rewrite the whole word only on evidence of a typo: a word Kiwi's
    # dictionary lacks, or one-syllable scraps (할뷰 → 하 + 뷰). Real words (지점, 내기) stay.
    oov = [t for t in terms if not t.known and t.text not in speller]  # Kiwi lacks it, and so do we
    scraps = [t for t in terms if len(t.text) == 1 and t.text not in speller and t.tag[0] in "NVX"]
    if not oov and not scraps:
        return None
    for cut in range(0, min(3, len(word) - 1)):
        stem, rest = word[: len(word) - cut], word[len(word) - cut :]
        replacement = speller.correct(stem)
        if replacement:
            return Correction(replacement + rest, True)
    resegmented = _resegment(word, speller)
    return Correction(resegmented, True) if resegmented else None


def _resegment(word: str, speller: Speller) -> str | None:
    """The word cut into corpus words, the scraps between them corrected (분싫신고 -> 분실신고)."""
    pieces, changed = split_known(word, speller.__contains__, speller.correct)
    return "".join(pieces) if changed else None


def find_compounds(text: str, terms: list[str], speller: Speller) -> list[str]:
    """Other segmentations of ``text``'s compounds that the index holds (Nori's mixed mode, at query time).

    Kiwi cuts one compound differently by context (선결제: one noun after 할부, 선결 + 제 alone,
    선 + 결제 in 선결제하기), and the index keeps whatever it cut in each article (whole compounds
    only in tags). So each run of nouns written together is also looked up whole (선결제하기 →
    선결제), as Kiwi reads it alone (선결제 → 선결) and split against the vocabulary (연회비반환 →
    연회비 + 반환); neighbouring words are joined (분실 신고 → 분실신고: a tag written as one word).
    """
    found = []
    for run in compounds(text):
        found += [run.text, *(t.text for t in analyze(run.text))]
        found += split_known(run.text, speller.__contains__)[0]
    analyzed = analyze(text)
    for left, right in zip(analyzed, analyzed[1:], strict=False):
        if not text[left.end : right.start].strip():
            found.append(left.text + right.text)
    seen = set(terms)
    return [c for c in dict.fromkeys(found) if c in speller and c not in seen]


def plan_query(
    text: str,
    speller: Speller,
    synonyms: Synonyms,
    weights: TermWeights | None = None,
    *,
    autocorrect: bool = True,
) -> QueryPlan:
    """``autocorrect``: rewrite what was typed when the reading is near-certain (keyboard layout,
    sound-alike typos). Off when the user asked for exactly what they typed (``exact=1`` links)."""
    plan = QueryPlan(original=text)
    normalized = normalize_query(text)
    if not normalized:
        return plan
    fixed = fix_layout(normalize_query(text, lower=False), speller) if autocorrect else None
    if fixed:
        normalized, plan.layout_fixed = fixed, True
    plan.text = normalized
    if is_initials_query(normalized):
        plan.initials = True
        return plan
    words = normalized.split(" ")
    corrections = [correct_word(word, speller) for word in words]
    if autocorrect and any(c and c.certain for c in corrections):
        plan.autocorrected_from = normalized
        words = [c.word if c and c.certain else w for w, c in zip(words, corrections, strict=True)]
        corrections = [None if c and c.certain else c for c in corrections]
        normalized = plan.text = " ".join(words)
    plan.terms = list(dict.fromkeys(t.text for t in analyze(normalized)))[:MAX_TERMS]
    plan.compounds = find_compounds(normalized, plan.terms, speller)

    suggested = [c.word if c else w for w, c in zip(words, corrections, strict=True)]
    searched = [c.word if c and c.sure else w for w, c in zip(words, corrections, strict=True)]
    if suggested != words:
        plan.did_you_mean = " ".join(suggested)
    if searched != words:
        known = set(plan.terms)
        for term in analyze(" ".join(searched)):
            if term.text not in known and term.text in speller:
                plan.corrections[term.text] = term.text
                known.add(term.text)

    all_terms = plan.terms + list(plan.corrections)
    for expansion in synonyms.expansions(all_terms):
        source = " ".join(all_terms[expansion.start : expansion.end])
        # an alternative counts only where all its words occur: one the index lacks can never match
        alternatives = [" ".join(alt) for alt in expansion.alternatives if all(t in speller for t in alt)]
        if alternatives:
            plan.synonyms.append((source, alternatives))
    plan.ngrams = list(
        dict.fromkeys(g for word in _content_spans(" ".join(searched)) for g in (t.text for t in ngrams(word)))
    )[:MAX_NGRAMS]
    if weights is not None:
        alternatives = [t for _, alts in plan.synonyms for alt in alts for t in alt.split(" ")]
        for term in [*plan.terms, *plan.compounds, *plan.corrections, *alternatives]:
            plan.weights[term] = weights.weight(term)
    return plan


def _content_spans(text: str) -> list[str]:
    """Each word cut after its last content morpheme, so endings (했어요) make no n-grams."""
    spans = []
    for word in text.split(" "):
        terms = analyze(word)
        if terms:
            spans.append(word[: max(t.end for t in terms)])
        elif not any(is_syllable(ch) for ch in word):
            spans.append(word)
    return [s for s in spans if s]


def _term_queries(term: str, weight: float) -> list[wq.Query]:
    return [wq.Term(f, term, boost=w * weight) for f, w in FIELD_WEIGHTS.items()]


def _phrase_query(terms: list[str], weight: float) -> list[wq.Query]:
    if len(terms) == 1:
        return _term_queries(terms[0], weight)
    return [wq.And([wq.Or(_term_queries(t, weight / len(terms))) for t in terms])]


def weighted_terms(plan: QueryPlan) -> list[tuple[tuple[str, ...], float]]:
    """The plan's term groups over the Kiwi fields and their weights: what every scorer sums.

    A group of several terms is a synonym phrase: it counts only where all its terms occur.
    Field weights (FIELD_WEIGHTS) multiply these; n-grams are separate (``plan.ngrams``, NGRAM_WEIGHTS).
    """
    out = [((t,), plan.weight(t)) for t in plan.terms]
    # a compound bridges segmentations (선결 + 제 vs 선결제); its parts already score, so it adds a little
    out += [((t,), COMPOUND_WEIGHT * plan.weight(t)) for t in plan.compounds]
    out += [((t,), CORRECTION_WEIGHT * plan.weight(t)) for t in plan.corrections]
    for source, alternatives in plan.synonyms:
        # a synonym group names one thing: it steers as much as its most distinctive wording
        words = [t for phrase in (source, *alternatives) for t in phrase.split(" ")]
        weight = SYNONYM_WEIGHT * max(plan.weight(t) for t in words)
        out += [(tuple(alt.split(" ")), weight) for alt in alternatives]
    return out


def to_whoosh(plan: QueryPlan) -> wq.Query | None:
    """One flat OR of weighted terms: the same scores as nested ORs per field, measured faster in Whoosh."""
    parts: list[wq.Query] = []
    for terms, weight in weighted_terms(plan):
        parts += _phrase_query(list(terms), weight)
    for gram in plan.ngrams:
        parts += [wq.Term(f, gram, boost=w) for f, w in NGRAM_WEIGHTS.items()]
    return wq.Or(parts) if parts else None


def query_terms(plan: QueryPlan) -> set[str]:
    """Every term a matching document may contain: used to highlight snippets."""
    terms = set(plan.terms) | set(plan.corrections) | set(plan.compounds)
    for _, alternatives in plan.synonyms:
        for alt in alternatives:
            terms.update(alt.split(" "))
    return terms
