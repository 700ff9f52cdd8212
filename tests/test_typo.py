"""Typo correction on the sample knowledge base: fix real typos, leave real words alone."""

import pytest


@pytest.mark.parametrize(
    "query,expected",
    [
        ("분싫 신고", "분실 신고"),  # a word Kiwi does not know
        ("연회븨", "연회비"),
        ("할뷰", "할부"),  # Kiwi breaks it into scraps: 하 + ㄹ + 뷰
        ("포인또 조회", "포인트 조회"),
        ("고갱센터", "고객센터"),  # 고갱 is a real name (Gauguin), but 고객 dominates this corpus
        ("분실신고 헤제", "분실신고 해제"),  # 헤제 is far less plausible Korean than 해제
    ],
)
def test_typos_get_did_you_mean(real_engine, query, expected):
    assert real_engine.plan(query).did_you_mean == expected


def test_sound_alike_slip_is_searched_corrected_and_the_original_offered(real_engine):
    """결재 sounds like 결제, which heads a third of this corpus: search 결제, offer 결재 as typed."""
    plan = real_engine.plan("결재가 안돼요")
    assert plan.text == "결제가 안돼요"  # keeps the particle
    assert plan.autocorrected_from == "결재가 안돼요" and plan.did_you_mean is None
    assert "결재" not in plan.terms and "결제" in plan.terms
    corrected = real_engine.search("결재 안돼요")
    exact = real_engine.search("결재 안돼요", autocorrect=False)
    assert corrected.hits[0].id == "pay-declined"
    assert corrected.total < exact.total  # the noise of the misspelled word is gone
    assert exact.plan.autocorrected_from is None and exact.plan.did_you_mean == "결제 안돼요"


@pytest.mark.parametrize("query", ["한도 인상", "지문 인식"])
def test_real_words_that_do_not_sound_alike_are_only_suggested(real_engine, query):
    plan = real_engine.plan(query)
    assert plan.autocorrected_from is None and plan.text == query


def test_sounds_alike():
    from indexer.hangul import sounds_alike

    assert sounds_alike("결재", "결제") and sounds_alike("왠지", "웬지") and sounds_alike("예산", "얘산")
    assert not sounds_alike("인상", "이상") and not sounds_alike("지문", "질문") and not sounds_alike("결제", "결제")


@pytest.mark.parametrize(
    "query",
    [
        "지점 창구 갈 때 필요한 서류",  # 지점 is a word; 시점 is only one jamo away
        "이자 없이 나눠 내기",  # 내기 is a word; 대기 is one jamo away
        "공항 VIP 휴게실 무료",
        "넷플릭스 자동결제 끊고 싶어요",
        "새벽에도 고객센터 전화 받아요?",
        "누가 제 카드 몰래 썼어요",
        "포인트 언제 없어져요",
        "에어팟 결제",
    ],
)
def test_real_words_are_left_alone(real_engine, query):
    assert real_engine.plan(query).did_you_mean is None


def test_correction_is_searched_alongside_the_original(real_engine):
    plan = real_engine.plan("연회븨 면제")
    assert "연회븨" in plan.terms and "연회비" in plan.corrections
    assert real_engine.search("연회븨 면제").hits[0].id == "ben-annual-fee"


def test_replacing_a_real_word_is_only_suggested(real_engine):
    """인상 (raise) is a word: 이상 may be offered, but the search must stay about 한도 인상."""
    response = real_engine.search("한도 인상")
    assert not response.plan.corrections
    assert response.hits[0].id == "pay-limit-increase"
