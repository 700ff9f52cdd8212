"""Every public article is found by its own words: its title, each question variant, and two
inflected forms of each (the last word as 하려면 / 했는데), in the top 3.

This is the engine's self-consistency over the whole sample: index-time and query-time analysis
must agree on the article's own phrasing however it is conjugated (분실 신고 → 분실 신고하려면).
The few that miss are listed in the failure message and in docs/benchmarks.md with the reason.
"""

from __future__ import annotations

from indexer.analysis import get_kiwi
from kb.corpus import load_corpus
from tests.conftest import REPO

ENDINGS = ("하려면", "했는데")
NOUN_PIECES = ("NNG", "NNP", "XPN", "XSN", "XR")
MIN_SHARE = 0.995  # measured: see docs/benchmarks.md ("Consistency over the sample")


def inflected(text: str) -> list[str]:
    """``text`` with its last word as <noun or 하다-stem>하려면 / 했는데, if the word allows it."""
    words = text.rstrip("?.! ").split(" ")
    last = words[-1]
    tokens = get_kiwi().tokenize(last)
    run = 0
    while run < len(tokens) and tokens[run].tag.split("-")[0] in NOUN_PIECES:
        run += 1
    if not run or tokens[0].tag.split("-")[0] not in ("NNG", "NNP", "XPN"):
        return []
    rest = tokens[run:]
    is_stem = not rest or rest[0].tag.startswith("J") or (rest[0].form == "하" and rest[0].tag[:2] in ("XS", "VV"))
    if not is_stem:
        return []
    stem = last[: tokens[run - 1].start + tokens[run - 1].len]
    return [" ".join([*words[:-1], stem + ending]) for ending in ENDINGS]


def probes(article) -> list[tuple[str, str]]:
    out = []
    for kind, text in [("title", article.title), *(("question", q) for q in article.questions)]:
        out.append((kind, text))
        out += [(f"{kind}+ending", form) for form in inflected(text)]
    return out


def test_inflected_forms_are_made_from_nouns_and_stems():
    assert inflected("카드를 분실했을 때 어떻게 신고하나요?") == [
        "카드를 분실했을 때 어떻게 신고하려면",
        "카드를 분실했을 때 어떻게 신고했는데",
    ]
    assert inflected("할부 선결제") == ["할부 선결제하려면", "할부 선결제했는데"]
    assert inflected("잃어버렸어요") == []  # a verb that is not 하다: left alone


def test_every_article_is_found_by_its_own_words(real_engine):
    corpus = load_corpus(REPO / "articles")
    total, misses = 0, []
    for article in corpus.articles:
        if not article.is_public:
            continue
        for kind, query in probes(article):
            total += 1
            ids = [hit.id for hit in real_engine.search(query, limit=3).hits]
            if article.id not in ids:
                misses.append(f"{article.id} [{kind}] {query!r} -> {ids}")
    assert total > 500
    found = 1 - len(misses) / total
    report = "\n".join(misses)
    print(f"\n{total - len(misses)}/{total} found in the top 3 ({found:.3f}); misses:\n{report}")
    assert found >= MIN_SHARE, f"{len(misses)} of {total} probes miss the top 3:\n{report}"
