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


# Every kind of character the fast path must leave to the character-by-character one: combining
# marks and conjoining jamo after plain text, full-width, controls, lone surrogates, characters whose
# lower case is longer (İ), compatibility forms (…, ①, half-width katakana).
UNUSUAL = list("\u0301\u1161\u11a8\u1100\u3131Ａ①\u200b\ufeff😀İß\u0000\u007f金\ud800ﾃ…·\u00a0Σ")


def test_fast_path_equals_the_character_by_character_normalization():
    import random

    from indexer.normalize import _by_segment

    def reference(text, lower):
        out, offsets = [], []
        _by_segment(text, 0, len(text), lower, out, offsets)
        return "".join(out), [*offsets, len(text)]

    alphabet = [*"가각힣 aZ09\t\n\r.,!~", *UNUSUAL]
    rng = random.Random(16)
    texts = ["", "카드 분실 ATM", "카\u0301드", "\u1100\u1161\u11a8", "ＡＴＭ 카드"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(20000)]
    for text in texts:
        for lower in (True, False):
            assert normalize_with_offsets(text, lower) == reference(text, lower), repr(text)
