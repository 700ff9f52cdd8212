import unicodedata

from indexer.analysis import analyze
from indexer.normalize import normalize, normalize_query, normalize_with_offsets


def test_nfd_hangul_becomes_nfc():
    nfd = unicodedata.normalize("NFD", "카드 분실")
    assert len(nfd) > len("카드 분실")
    assert normalize(nfd) == "카드 분실"


def test_offsets_point_into_the_original_text():
    original = unicodedata.normalize("NFD", "분실") + " ＡＴＭ"
    normalized, offsets = normalize_with_offsets(original)
    assert normalized == "분실 atm"
    assert original[offsets[3] : offsets[6]] == "ＡＴＭ"
    assert offsets[-1] == len(original)


def test_full_width_and_case():
    assert normalize("ＣＶＣ　번호１２３") == "cvc 번호123"


def test_lone_conjoining_jamo_become_compatibility_jamo():
    assert normalize("\u1107\u1109") == "ㅂㅅ"


def test_query_normalization_drops_controls_and_bounds_length():
    assert normalize_query("  결제\u200b\t 취소\n") == "결제 취소"
    assert len(normalize_query("가" * 5000)) == 200
    assert normalize_query(None) == ""


def test_analyze_survives_unusual_text():
    for text in ["😀😀", "ㅋㅋㅋ", "金融 카드", "\u0000\u0001", "a" * 3000, "카드🙂분실", "①②③", "\ufeff카드"]:
        for term in analyze(text):
            assert 0 <= term.start < term.end <= len(text)


def test_highlight_offsets_cover_combining_marks():
    text = "카드\u0301 분실"
    first = analyze(text)[0]
    assert text[first.start : first.end] == "카드\u0301"
