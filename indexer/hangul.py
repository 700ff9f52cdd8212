"""Hangul arithmetic: jamo decomposition, initial consonants and keyboard layout repair.

Korean typos happen at the jamo level (분실 → 분싫 changes one final consonant), and
a keyboard left in English mode turns 카드 into ``zkem``. Both are fixed by working on
jamo, so these helpers are the single place that knows the Unicode Hangul layout.
``tests/vectors/hangul.json`` pins their behaviour as input -> expected pairs; the static
export's JavaScript twin (site/static/hangul.js) passes the same file in Node.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

SYLLABLE_BASE = 0xAC00
SYLLABLE_LAST = 0xD7A3

CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
JUNGSEONG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
JONGSEONG = [
    "",
    "ㄱ",
    "ㄲ",
    "ㄳ",
    "ㄴ",
    "ㄵ",
    "ㄶ",
    "ㄷ",
    "ㄹ",
    "ㄺ",
    "ㄻ",
    "ㄼ",
    "ㄽ",
    "ㄾ",
    "ㄿ",
    "ㅀ",
    "ㅁ",
    "ㅂ",
    "ㅄ",
    "ㅅ",
    "ㅆ",
    "ㅇ",
    "ㅈ",
    "ㅊ",
    "ㅋ",
    "ㅌ",
    "ㅍ",
    "ㅎ",
]

# Compound jamo as typed on the 2-set (두벌식) keyboard: two keys each.
COMPOUND_VOWELS = {"ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ", "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ"}
COMPOUND_FINALS = {
    "ㄳ": "ㄱㅅ",
    "ㄵ": "ㄴㅈ",
    "ㄶ": "ㄴㅎ",
    "ㄺ": "ㄹㄱ",
    "ㄻ": "ㄹㅁ",
    "ㄼ": "ㄹㅂ",
    "ㄽ": "ㄹㅅ",
    "ㄾ": "ㄹㅌ",
    "ㄿ": "ㄹㅍ",
    "ㅀ": "ㄹㅎ",
    "ㅄ": "ㅂㅅ",
}
_VOWEL_PAIRS = {v: k for k, v in COMPOUND_VOWELS.items()}
_FINAL_PAIRS = {v: k for k, v in COMPOUND_FINALS.items()}

# 2-set layout: Latin key -> compatibility jamo.
KEY_TO_JAMO = {
    "q": "ㅂ",
    "w": "ㅈ",
    "e": "ㄷ",
    "r": "ㄱ",
    "t": "ㅅ",
    "y": "ㅛ",
    "u": "ㅕ",
    "i": "ㅑ",
    "o": "ㅐ",
    "p": "ㅔ",
    "a": "ㅁ",
    "s": "ㄴ",
    "d": "ㅇ",
    "f": "ㄹ",
    "g": "ㅎ",
    "h": "ㅗ",
    "j": "ㅓ",
    "k": "ㅏ",
    "l": "ㅣ",
    "z": "ㅋ",
    "x": "ㅌ",
    "c": "ㅊ",
    "v": "ㅍ",
    "b": "ㅠ",
    "n": "ㅜ",
    "m": "ㅡ",
    "Q": "ㅃ",
    "W": "ㅉ",
    "E": "ㄸ",
    "R": "ㄲ",
    "T": "ㅆ",
    "O": "ㅒ",
    "P": "ㅖ",
}
JAMO_TO_KEY = {j: k for k, j in KEY_TO_JAMO.items()}

# Conjoining jamo (NFD Hangul, U+1100..) -> compatibility jamo, for lone jamo in NFD text.
_CONJOINING_INITIAL = {0x1100 + i: c for i, c in enumerate(CHOSEONG)}
_CONJOINING_MEDIAL = {0x1161 + i: c for i, c in enumerate(JUNGSEONG)}
_CONJOINING_FINAL = {0x11A8 + i: c for i, c in enumerate(JONGSEONG[1:])}


def is_syllable(ch: str) -> bool:
    return SYLLABLE_BASE <= ord(ch) <= SYLLABLE_LAST


def is_jamo(ch: str) -> bool:
    """Compatibility jamo (ㄱ..ㅣ), the form an IME shows while composing."""
    return 0x3131 <= ord(ch) <= 0x3163


def is_hangul(ch: str) -> bool:
    return is_syllable(ch) or is_jamo(ch)


def to_compat_jamo(ch: str) -> str:
    """Map a conjoining jamo left over after NFC to its compatibility form."""
    code = ord(ch)
    return _CONJOINING_INITIAL.get(code) or _CONJOINING_MEDIAL.get(code) or _CONJOINING_FINAL.get(code) or ch


def decompose(text: str, split_compounds: bool = False) -> str:
    """Spell text out in jamo: 분실 → ㅂㅜㄴㅅㅣㄹ. Non-Hangul characters pass through.

    With ``split_compounds`` a compound jamo becomes its two keystrokes (ㅘ → ㅗㅏ),
    which is what both typo distance and keyboard conversion want.
    """
    out: list[str] = []
    for ch in text:
        if is_syllable(ch):
            index = ord(ch) - SYLLABLE_BASE
            parts = [CHOSEONG[index // 588], JUNGSEONG[(index % 588) // 28], JONGSEONG[index % 28]]
        else:
            parts = [to_compat_jamo(ch)]
        for part in parts:
            if split_compounds:
                part = COMPOUND_VOWELS.get(part) or COMPOUND_FINALS.get(part) or part
            out.append(part)
    return "".join(out)


# Vowels that modern Seoul Korean pronounces alike: the commonest spelling mistakes (결재/결제, 웬/왠).
_SAME_SOUND_VOWELS = {v: group for group in ("ㅐㅔ", "ㅒㅖ", "ㅙㅞㅚ") for v in group}


def sounds_alike(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ only in vowels pronounced alike (결재 and 결제)."""
    if a == b or len(a) != len(b) or not all(is_syllable(ch) for ch in a + b):
        return False
    for x, y in zip(decompose(a), decompose(b), strict=True):
        if x != y and _SAME_SOUND_VOWELS.get(x, x) != _SAME_SOUND_VOWELS.get(y, y):
            return False
    return True


def initials(text: str) -> str:
    """The initial consonants of each syllable (초성): 분실 신고 → ㅂㅅ ㅅㄱ."""
    return "".join(CHOSEONG[(ord(ch) - SYLLABLE_BASE) // 588] if is_syllable(ch) else ch for ch in text)


def is_initials_query(text: str) -> bool:
    """True for a query made only of consonant jamo (ㅂㅅㅅㄱ), as people type to save keystrokes."""
    letters = [ch for ch in text if not ch.isspace()]
    return len(letters) >= 2 and all(ch in CHOSEONG for ch in letters)


def compose(jamo: str) -> str:
    """Assemble a keystroke sequence of compatibility jamo into syllables, as a 2-set IME does.

    Anything that is not a jamo is copied through; an incomplete syllable stays as jamo.
    """
    out: list[str] = []
    i = 0
    n = len(jamo)
    while i < n:
        ch = jamo[i]
        if ch not in CHOSEONG or i + 1 >= n or not _is_vowel(jamo[i + 1]):
            if _is_vowel(ch) and i + 1 < n and ch + jamo[i + 1] in _VOWEL_PAIRS:
                out.append(_VOWEL_PAIRS[ch + jamo[i + 1]])
                i += 2
            else:
                out.append(ch)
                i += 1
            continue
        initial = ch
        vowel = jamo[i + 1]
        i += 2
        if i < n and vowel + jamo[i] in _VOWEL_PAIRS:
            vowel = _VOWEL_PAIRS[vowel + jamo[i]]
            i += 1
        final = ""
        if i < n and jamo[i] in JONGSEONG and jamo[i] not in ("ㄸ", "ㅃ", "ㅉ"):
            # A consonant is a final only if it does not start the next syllable.
            if not (i + 1 < n and _is_vowel(jamo[i + 1])):
                final = jamo[i]
                i += 1
                if i < n and final + jamo[i] in _FINAL_PAIRS and not (i + 1 < n and _is_vowel(jamo[i + 1])):
                    final = _FINAL_PAIRS[final + jamo[i]]
                    i += 1
        out.append(_syllable(initial, vowel, final))
    return "".join(out)


def _is_vowel(ch: str) -> bool:
    return ch in JUNGSEONG


def _syllable(initial: str, vowel: str, final: str) -> str:
    code = SYLLABLE_BASE + (CHOSEONG.index(initial) * 21 + JUNGSEONG.index(vowel)) * 28 + JONGSEONG.index(final)
    return chr(code)


def latin_to_hangul(text: str) -> str:
    """What the user meant if the keyboard was in English mode: ``zkem qnstlf`` → 카드 분실.

    Upper-case letters without a shifted jamo (e.g. ``A``) are read as lower case,
    as the IME does.
    """
    keys = []
    for ch in text:
        if ch in KEY_TO_JAMO:
            keys.append(KEY_TO_JAMO[ch])
        elif ch.lower() in KEY_TO_JAMO:
            keys.append(KEY_TO_JAMO[ch.lower()])
        else:
            keys.append(ch)
    return compose("".join(keys))


def hangul_to_latin(text: str) -> str:
    """The keys pressed to type Hangul text on a 2-set keyboard (the inverse mistake)."""
    return "".join(JAMO_TO_KEY.get(j, j) for j in decompose(text, split_compounds=True))


def looks_like_wrong_layout(word: str) -> bool:
    """A Latin word whose conversion is clean Hangul (no stray jamo), e.g. ``qnstlf``.

    Real Latin words (ATM, visa) usually break the consonant-vowel pattern and leave jamo.
    """
    if not word.isascii() or not word.isalpha():
        return False
    converted = latin_to_hangul(word)
    return all(is_syllable(ch) for ch in converted)


def jamo_distance(a: str, b: str) -> int:
    """Edit distance in jamo keystrokes: 분실 ~ 분싫 is 1 (the typo measure ``typo.Speller`` uses)."""
    return Levenshtein.distance(decompose(a, split_compounds=True), decompose(b, split_compounds=True))
