"""Korean analysis: Kiwi content morphemes and a character n-gram fallback.

Both are Whoosh tokenizers that keep positions and character offsets into the text as
written (highlighting needs them). They hold no Kiwi object: Whoosh pickles analyzers
into the index schema, so Kiwi comes from a per-process cache (loading it takes ~2 s).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

from indexer.hangul import is_hangul
from indexer.normalize import normalize_with_offsets, source_end

# Kiwi tags that carry meaning in a FAQ: nouns, numerals, verb/adjective stems, roots,
# foreign words, Hanja, numbers, and Kiwi's special tokens (phone numbers, URLs).
CONTENT_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "VV", "VA", "XR", "XPN", "MAG", "SL", "SH", "SN"})
SPECIAL_TAG_PREFIX = "W_"
# Morphemes that occur in almost every question and separate nothing.
STOP_FORMS = frozenset(
    {
        "것",
        "수",
        "등",
        "때",
        "중",
        "데",
        "뿐",
        "거",
        "게",
        "건",
        "분",
        "번",
        "곳",
        "점",
        "하",
        "되",
        "이",
        "있",
        "않",
        "말",
        "어떻",
        "어떠",
        "그렇",
        "이렇",
        "같",
        "좀",
        "더",
        "잘",
        "왜",
        "꼭",
        "또",
        "그냥",
        "자꾸",
        "너무",
        "어떻게",
        "어디",
        "언제",
        "다",
        "혹시",
        "무엇",
        "뭐",
        "제",
        "저",
        "나",
        "내가",
    }
)


# Morphemes that glue into a compound noun inside one word: 선결 + 제 → 선결제, 재 + 발급 → 재발급.
COMPOUND_TAGS = frozenset({"NNG", "NNP", "XPN", "XSN", "XR"})
COMPOUND_TAG = "CMP"

# Card-company words Kiwi's model splits wrongly (이중결제 → 이/MM 중/NNB 결제).
# Changing this list changes analysis: bump ANALYZER_VERSION in indexer/build.py.
DOMAIN_WORDS = (("이중", "NNG"), ("사기", "NNG"), ("무이자", "NNG"))
# Determiners that count things in a question ("두 번 결제됐어요").
KEPT_DETERMINERS = frozenset({"한", "두", "세", "네"})


@dataclass(frozen=True)
class Term:
    """One indexed term and where it sits in the original text ([start, end))."""

    text: str
    tag: str
    start: int
    end: int
    known: bool = True  # False for a word Kiwi's dictionary lacks (a typo, or a new word)


@lru_cache(maxsize=1)
def get_kiwi():
    """The process-wide Kiwi instance; built on first use, never at import time."""
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    for word, tag in DOMAIN_WORDS:
        kiwi.add_user_word(word, tag)
    return kiwi


Analysis = tuple[tuple[Term, ...], tuple[Term, ...]]  # a text's morphemes, and its compounds

_cache: OrderedDict[str, Analysis] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 50_000
# A build's own analyses, read before the LRU while the build writes its index: a corpus of any
# size is analysed once, and a long-running server does not keep them after the build.
_pinned: list[Mapping[str, Analysis]] = []


@lru_cache(maxsize=1 << 16)  # a few thousand (form, tag) pairs make most of a corpus's tokens
def _is_content(form: str, tag: str) -> bool:
    if tag.startswith(SPECIAL_TAG_PREFIX):
        return True
    base = _base(tag)
    if base == "MM":
        return form in KEPT_DETERMINERS
    return base in CONTENT_TAGS and form not in STOP_FORMS


@lru_cache(maxsize=256)
def _base(tag: str) -> str:
    """VV-R, VA-I (regular/irregular variants) -> VV, VA."""
    return tag.split("-")[0]


def _analysis_from_tokens(tokens, offsets: list[int]) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    return _terms_from_tokens(tokens, offsets), _compounds_from_tokens(tokens, offsets)


def _compounds_from_tokens(tokens, offsets: list[int]) -> tuple[Term, ...]:
    """Runs of two or more noun pieces written together (선결제하기 → 선결제, 분실신고하려면 → 분실신고).

    Kiwi segments one compound differently by context (선결제 alone is 선결 + 제, in 할부 선결제 one
    noun), so the run as written is indexed beside its parts, like Nori's mixed decompounding:
    then 선결제, 선결제하기 and 할부 선결제 meet whatever Kiwi made of each.
    """
    compounds, run = [], []

    def close_run():
        if len(run) >= 2 and any(_base(t.tag) in ("NNG", "NNP", "XR") for t in run):
            start, end = run[0].start, run[-1].start + run[-1].len
            src_start, src_end = offsets[min(start, len(offsets) - 1)], source_end(offsets, end)
            compounds.append(Term(_surface(run), COMPOUND_TAG, src_start, max(src_end, src_start + 1)))
        run.clear()

    for token in tokens:
        piece = _base(token.tag) in COMPOUND_TAGS
        glued = run and token.start == run[-1].start + run[-1].len
        if piece and (glued or not run):
            if run and not glued:
                close_run()
            run.append(token)
            continue
        if run:
            close_run()
        if piece:
            run.append(token)
    if run:
        close_run()
    return tuple(compounds)


def _surface(run) -> str:
    return "".join(t.form for t in run).lower()


def _terms_from_tokens(tokens, offsets: list[int]) -> tuple[Term, ...]:
    terms = []
    unknown = unknown_word_id()
    for token in tokens:
        form, tag = token.form, token.tag
        if not _is_content(form, tag):
            continue
        start = offsets[min(token.start, len(offsets) - 1)]
        end = source_end(offsets, token.start + token.len)
        terms.append(Term(form.lower(), tag, start, max(end, start + 1), token.id != unknown))
    return tuple(terms)


@lru_cache(maxsize=4096)
def plausibility(text: str) -> float:
    """Kiwi's log-probability of its best analysis: how much text looks like real Korean.

    Used to tell a typo (헤제, far less likely than 해제) from a real word (지점 vs 시점).
    """
    return float(get_kiwi().analyze(text, top_n=1)[0][1])


@lru_cache(maxsize=1)
def unknown_word_id() -> int:
    """The id Kiwi gives every out-of-dictionary noun (read off a nonsense word, not hard-coded)."""
    return get_kiwi().tokenize("뷁꿻")[0].id


def analyze(text: str) -> list[Term]:
    """Content morphemes of ``text`` with offsets into ``text`` as given (not normalized)."""
    return list(_analysis(text)[0])


def compounds(text: str) -> list[Term]:
    """Compound nouns written as one word in ``text`` (see ``_compounds_from_tokens``)."""
    return list(_analysis(text)[1])


def index_terms(text: str) -> list[Term]:
    """What the index holds for ``text``: its morphemes, each compound after its last part."""
    terms, extra = _analysis(text)
    if not extra:
        return list(terms)
    merged = sorted([*terms, *extra], key=lambda t: (t.end, t.tag == COMPOUND_TAG))
    return merged


def _analysis(text: str) -> Analysis:
    if not text or not text.strip():
        return (), ()
    with _cache_lock:
        for pinned in reversed(_pinned):
            found = pinned.get(text)
            if found is not None:
                return found
        cached = _cache.get(text)
        if cached is not None:
            _cache.move_to_end(text)
            return cached
    normalized, offsets = normalize_with_offsets(text)
    result = _analysis_from_tokens(get_kiwi().tokenize(normalized), offsets)
    _remember(text, result)
    return result


def analyze_many(texts: Iterable[str]) -> None:
    """Warm the cache for many texts at once; Kiwi's batch call uses all its workers."""
    with _cache_lock:
        todo = [
            t
            for t in dict.fromkeys(texts)
            if t and t.strip() and t not in _cache and not any(t in pinned for pinned in _pinned)
        ]
    for text, result in analyze_batch(todo).items():
        _remember(text, result)


def analyze_batch(texts: list[str], progress: Callable[[int, int], None] | None = None) -> dict[str, Analysis]:
    """Analyses of ``texts`` (non-blank) by Kiwi's batch call, which runs on all its worker threads
    (Kiwi's default: one per core). ``progress(done, total)`` is told as results arrive."""
    if not texts:
        return {}
    normalized = [normalize_with_offsets(t) for t in texts]
    results = get_kiwi().tokenize([n for n, _ in normalized])
    analyses = {}
    for done, (text, (_, offsets), tokens) in enumerate(zip(texts, normalized, results, strict=True), 1):
        analyses[text] = _analysis_from_tokens(tokens, offsets)
        if progress:
            progress(done, len(texts))
    return analyses


def analyze_each(texts: list[str]) -> dict[str, Analysis]:
    """Analyses of ``texts`` (non-blank), one Kiwi call each in this thread: what a forked writer
    process uses, since the Kiwi it inherits has lost the worker threads of the batch call."""
    kiwi = get_kiwi()
    analyses = {}
    for text in texts:
        normalized, offsets = normalize_with_offsets(text)
        analyses[text] = _analysis_from_tokens(kiwi.tokenize(normalized), offsets)
    return analyses


@contextmanager
def pinned(analyses: Mapping[str, Analysis]) -> Iterator[None]:
    """Serve these analyses first while the block runs (a build's index writer), then forget them."""
    with _cache_lock:
        _pinned.append(analyses)
    try:
        yield
    finally:
        with _cache_lock:
            del _pinned[next(i for i, m in enumerate(_pinned) if m is analyses)]


def forget() -> None:
    """Empty the in-process analysis caches (benchmarks time a query as if never seen)."""
    with _cache_lock:
        _cache.clear()
    plausibility.cache_clear()


def _remember(text: str, result: Analysis) -> None:
    with _cache_lock:
        _cache[text] = result
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)


_WORD = re.compile(r"[0-9a-z]+|[\uac00-\ud7a3\u3131-\u3163]+|[^\s0-9a-z\uac00-\ud7a3\u3131-\u3163\W]+")


def ngrams(text: str) -> list[Term]:
    """Syllable bigrams inside each word (unigrams for one-syllable words), whole Latin/number runs.

    Catches what morphology misses: unknown words, compounds Kiwi splits oddly, partial typos.
    """
    normalized, offsets = normalize_with_offsets(text)
    terms: list[Term] = []
    for match in _WORD.finditer(normalized):
        word, base = match.group(), match.start()
        if not is_hangul(word[0]) or len(word) == 1:
            terms.append(Term(word, "NG", offsets[base], source_end(offsets, base + len(word))))
            continue
        for i in range(len(word) - 1):
            terms.append(Term(word[i : i + 2], "NG", offsets[base + i], source_end(offsets, base + i + 2)))
    return terms


def ngram_texts(text: str) -> list[str]:
    """``[t.text for t in ngrams(text)]`` without the offsets: the index writer and the build's
    statistics need only the n-grams themselves, ~900 of them per article."""
    normalized = normalize_with_offsets(text)[0]
    grams: list[str] = []
    for word in _WORD.findall(normalized):
        if not is_hangul(word[0]) or len(word) == 1:
            grams.append(word)
        else:
            grams += [word[i : i + 2] for i in range(len(word) - 1)]
    return grams


_reused = threading.local()


@contextmanager
def reusing_terms() -> Iterator[dict]:
    """Tokenizers in this thread remember what they made of each text until the caller clears the
    returned dict: a build reads every field of a document for its statistics, then the Whoosh writer
    tokenizes the same values again (n-grams were a third of a warm build). Cleared per document,
    nothing accumulates; other threads (a server answering queries) are not affected."""
    memo: dict = {}
    _reused.memo = memo
    try:
        yield memo
    finally:
        _reused.memo = None


class _TermTokenizer(Tokenizer):
    """Adapts a ``text -> list[Term]`` function to Whoosh's token stream protocol."""

    def terms(self, value: str) -> list[Term]:
        """``_terms``, or what this thread's build already made of ``value`` (``reusing_terms``)."""
        memo = getattr(_reused, "memo", None)
        if memo is None:
            return self._terms(value)
        key = (type(self), value)
        found = memo.get(key)
        if found is None:
            found = memo[key] = self._terms(value)
        return found

    def _terms(self, value: str) -> list[Term]:
        raise NotImplementedError

    def texts(self, value: str) -> list[str]:
        """The terms' texts alone (what the index stores: positions follow their order)."""
        memo = getattr(_reused, "memo", None)
        if memo is None:
            return self._texts(value)
        key = (type(self), value, "texts")
        found = memo.get(key)
        if found is None:
            found = memo[key] = self._texts(value)
        return found

    def _texts(self, value: str) -> list[str]:
        return [term.text for term in self.terms(value)]

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not chars:  # the index writer: texts and positions only
            for i, text in enumerate(self.texts(value)):
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = start_pos + i
                yield token
            return
        for i, term in enumerate(self.terms(value)):
            token.text = term.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term.text
            if positions:
                token.pos = start_pos + i
            if chars:
                token.startchar = start_char + term.start
                token.endchar = start_char + term.end
            yield token


class KiwiTokenizer(_TermTokenizer):
    """Content morphemes (particles and endings dropped, verbs reduced to their stems)."""

    def _terms(self, value: str) -> list[Term]:
        return analyze(value)


class KeywordTokenizer(_TermTokenizer):
    """Tags, one a line: keywords an editor wrote as units, so each is analysed on its own (Kiwi
    reads 연회비 whole, but cuts it 연 + 회비 after 포인트) and a compound is kept whole beside its parts."""

    def _terms(self, value: str) -> list[Term]:
        return by_line(value, index_terms)


def by_line(value: str, terms_of: Callable[[str], list[Term]]) -> list[Term]:
    """``terms_of`` applied to each line of ``value``, offsets into ``value``. The build analyses
    (and caches) each tag alone, so the index writer then finds every tag's analysis cached."""
    if "\n" not in value:
        return terms_of(value)
    out, at = [], 0
    for line in value.split("\n"):
        out += [Term(t.text, t.tag, t.start + at, t.end + at, t.known) for t in terms_of(line)]
        at += len(line) + 1
    return out


class NgramTokenizer(_TermTokenizer):
    """Syllable bigrams, the recall net under morphology."""

    def _terms(self, value: str) -> list[Term]:
        return ngrams(value)

    def _texts(self, value: str) -> list[str]:
        return ngram_texts(value)


def korean_analyzer() -> KiwiTokenizer:
    return KiwiTokenizer()


def keyword_analyzer() -> KeywordTokenizer:
    return KeywordTokenizer()


def ngram_analyzer() -> NgramTokenizer:
    return NgramTokenizer()
