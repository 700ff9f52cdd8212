import json
from pathlib import Path

import pytest

from indexer import hangul

VECTORS = json.loads((Path(__file__).parent / "vectors" / "hangul.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("text,expected", VECTORS["latin_to_hangul"])
def test_latin_to_hangul(text, expected):
    assert hangul.latin_to_hangul(text) == expected


@pytest.mark.parametrize("text,expected", VECTORS["hangul_to_latin"])
def test_hangul_to_latin(text, expected):
    assert hangul.hangul_to_latin(text) == expected


@pytest.mark.parametrize("text,expected", VECTORS["decompose"])
def test_decompose(text, expected):
    assert hangul.decompose(text) == expected


@pytest.mark.parametrize("text,expected", VECTORS["initials"])
def test_initials(text, expected):
    assert hangul.initials(text) == expected


@pytest.mark.parametrize("a,b,expected", VECTORS["jamo_distance"])
def test_jamo_distance(a, b, expected):
    assert hangul.jamo_distance(a, b) == expected


def test_round_trip_through_the_keyboard():
    for word in ["카드 분실 신고", "무이자 할부", "포인트 현금화", "괜찮아요", "읽었어요"]:
        assert hangul.latin_to_hangul(hangul.hangul_to_latin(word)) == word


def test_real_latin_words_do_not_look_like_wrong_layout():
    assert hangul.looks_like_wrong_layout("qnstlf")
    for word in ["ATM", "visa", "cvc", "app", "1566"]:
        assert not hangul.looks_like_wrong_layout(word), word


def test_initials_query():
    assert hangul.is_initials_query("ㅂㅅㅅㄱ")
    assert hangul.is_initials_query("ㅂㅅ ㅅㄱ")
    assert not hangul.is_initials_query("ㅂ")
    assert not hangul.is_initials_query("분ㅅ")
