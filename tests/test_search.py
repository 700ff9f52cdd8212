"""Search behaviour on a small corpus: what a customer types finds the right answer."""

import unicodedata

import pytest


def top(engine, q, **kw):
    hits = engine.search(q, **kw).hits
    return hits[0].id if hits else None


@pytest.mark.parametrize(
    "query,expected",
    [
        ("카드를 잃어버렸어요", "lost-report"),  # particles, verb conjugation, question variant
        ("카드분실신고", "lost-report"),  # compound without spaces
        ("분실 신고 방법", "lost-report"),
        ("결재가 안 돼요", "pay-declined"),  # 결재 for 결제
        ("zkem qnstlf", "lost-report"),  # English keyboard mode
        ("포인트 돈으로 바꾸기", "pts-cash-out"),  # synonym 현금화 ~ 돈으로 바꾸다
        ("상담원 연결", "cc-phone-hours"),
        ("1566-1000", "cc-phone-hours"),
        ("재발급", "lost-reissue"),
        ("외국에서 카드 사용", "pay-overseas"),
    ],
)
def test_customer_queries_find_the_answer_first(engine, query, expected):
    assert top(engine, query) == expected


def test_nfd_query_behaves_like_nfc(engine):
    nfd = unicodedata.normalize("NFD", "카드를 잃어버렸어요")
    assert [h.id for h in engine.search(nfd).hits] == [h.id for h in engine.search("카드를 잃어버렸어요").hits]


def test_full_width_query(engine):
    assert top(engine, "１５６６－１０００") == "cc-phone-hours"


def test_typo_gets_did_you_mean_and_results(engine):
    response = engine.search("분싫 신고")
    assert response.plan.did_you_mean == "분실 신고"
    assert response.hits[0].id == "lost-report"


def test_layout_fix_is_reported(engine):
    plan = engine.search("zkem qnstlf").plan
    assert plan.layout_fixed and plan.text == "카드 분실"
    assert not engine.search("ATM").plan.layout_fixed


def test_internal_articles_only_for_agents(engine):
    assert "agent-script" not in [h.id for h in engine.search("상담 시작 스크립트").hits]
    agents = engine.search("상담 시작 스크립트", audiences=("public", "internal"))
    assert agents.hits[0].id == "agent-script" and agents.hits[0].audience == "internal"


def test_category_filter_and_counts(engine):
    response = engine.search("결제", category="payments")
    assert response.hits and {h.category for h in response.hits} == {"payments"}
    assert response.category_counts["payments"] >= 2


def test_snippets_highlight_from_offsets(engine):
    hit = engine.search("카드를 잃어버렸어요").hits[0]
    marked = [text for text, on in hit.snippet.parts() if on]
    assert "잃어버리" in marked[0] or "분실" in "".join(marked)
    for start, end in hit.snippet.spans:
        assert 0 <= start < end <= len(hit.snippet.text)


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "\n\t",
        "!!!",
        "(",
        ")",
        '"',
        "*",
        "?",
        "AND OR NOT",
        "title:분실",
        "카드 AND",
        "~2",
        "ㅋㅋㅋ",
        "ㅂ",
        "😀",
        "😀 카드 분실 🙏",
        "金融",
        "ﾊﾝｶｸ",
        "\u0000",
        "\u200b",
        "a" * 1000,
        "가" * 1000,
        "분ㅅ",
        "NULL",
        "<script>",
        "카드" * 300,
        "%",
        "\\",
        "ᄏᄃ",
    ],
)
def test_any_input_gives_results_or_a_clean_empty_answer(engine, query):
    response = engine.search(query)
    assert isinstance(response.hits, list)


def test_concurrent_searches_match_serial_results(engine):
    """Whoosh readers are not thread-safe; the engine gives each thread its own searcher."""
    from concurrent.futures import ThreadPoolExecutor

    queries = ["카드 분실", "결재 오류", "포인트 현금화", "해외 결제", "상담원 연결", "재발급", "zkem qnstlf"] * 6
    expected = {q: [h.id for h in engine.search(q).hits] for q in set(queries)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda q: (q, [h.id for h in engine.search(q).hits]), queries))
    for query, ids in results:
        assert ids == expected[query], query


def test_public_corrections_never_reveal_internal_words(engine):
    from indexer.hangul import hangul_to_latin

    # 스크립트 appears only in the internal article
    assert engine.plan("스크립투").did_you_mean is None
    assert not engine.plan(hangul_to_latin("스크립트")).layout_fixed
    agents = ("public", "internal")
    assert "스크립트" in (engine.plan("스크립투", agents).did_you_mean or "")
    assert engine.plan(hangul_to_latin("스크립트"), agents).text == "스크립트"


def test_layout_fix_keeps_shift_and_leaves_english_alone(real_engine):
    assert real_engine.plan("rPwhk qusrud").text == "계좌 변경"  # Shift+p types ㅖ
    for english in ["SMS", "sms 인증", "an", "ATM", "visa", "samsung pay"]:
        assert not real_engine.plan(english).layout_fixed, english


def test_lone_surrogates_are_dropped(engine):
    assert [h.id for h in engine.search("\ud800카드 분실").hits][:1] == ["lost-report"]


def test_query_weights_come_from_the_articles_heads(real_engine):
    """A word that heads many articles (카드) or none (가이드) steers less than a distinctive one."""
    plan = real_engine.plan("카드 선결제 가이드")
    assert plan.weight("선결제") == 1.0
    assert plan.weight("카드") < 1.0 and plan.weight("가이드") < 1.0
    from indexer.query import weighted_terms

    assert ((("선결제",), 1.0)) in weighted_terms(plan)


def test_query_compounds_are_resegmented_against_the_vocabulary():
    from indexer.query import find_compounds
    from indexer.typo import Speller

    speller = Speller({w: 1 for w in ("선결제", "선결", "연회비", "반환", "분실신고", "결제", "할부")})
    # 선결제하기 is cut 선 + 결제 by Kiwi: looked up whole, and as Kiwi reads 선결제 alone (선결 + 제)
    assert set(find_compounds("할부 선결제하기", ["할부", "선", "결제"], speller)) == {"선결제", "선결"}
    # Kiwi cuts 연회비반환 into 연 + 회비 + 반환: the vocabulary's own word 연회비 is found in it
    assert "연회비" in find_compounds("연회비반환", ["연", "회비", "반환"], speller)
    # neighbouring words joined, when the index holds them as one word (a tag)
    assert find_compounds("분실 신고", ["분실", "신고"], speller) == ["분실신고"]
    assert find_compounds("분실 신고", ["분실", "신고"], Speller({"분실": 1})) == []


def test_a_whole_word_match_is_not_outranked_by_the_same_word_cut_in_parts(real_engine):
    # ben-annual-fee asks exactly this; cancel-annual-fee-refund's title has 연회비, which Kiwi cuts
    # into 연 + 회비 there: indexing the compound beside those parts counted it twice
    assert real_engine.search("연회비 언제 나가요", limit=1).hits[0].id == "ben-annual-fee"


def test_compounds_meet_however_they_are_written(real_engine):
    for query in ("할부 선결제하기", "할부 선결제", "할부 선 결제"):
        assert "inst-prepay" in [h.id for h in real_engine.search(query, limit=3).hits], query
    assert "선결제" in real_engine.plan("할부 선 결제").compounds
