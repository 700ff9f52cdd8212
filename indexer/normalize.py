"""Text normalization that remembers where every character came from.

macOS sends NFD Hangul (conjoining jamo), phones send full-width Latin and digits, and
people paste emoji. NFKC + lower case makes them comparable; the offset map lets
highlighting point back into the original text.
"""

from __future__ import annotations

import re
import unicodedata

from indexer.hangul import to_compat_jamo

_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")
_SURROGATES = re.compile("[\ud800-\udfff]")  # lone halves of UTF-16 pairs: not text, and unencodable


def _segments(text: str):
    """Yield (start, segment) where a segment is a base character plus what combines with it."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or _starts_segment(text[i]):
            yield start, text[start:i]
            start = i


def _starts_segment(ch: str) -> bool:
    code = ord(ch)
    if 0x1161 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF:  # medial/final conjoining jamo
        return False
    return unicodedata.combining(ch) == 0


# Characters that NFKC, the control filter and lower() map to exactly one character without
# looking at a neighbour: ASCII, tabs and line breaks, precomposed Hangul syllables. Most of an
# article is made of them, so only the runs of other characters (and the one before each run,
# which a combining mark may join) take the character-by-character path: a build normalizes
# every text of the corpus (for Kiwi and for n-grams), and that path was a third of writing one.
_OTHER = re.compile(r"[^\t\n\r\x20-\x7e\uac00-\ud7a3]+")


def normalize_with_offsets(text: str, lower: bool = True) -> tuple[str, list[int]]:
    """Return (normalized text, offsets) with offsets[i] = index in ``text`` of normalized char i.

    A final entry ``len(text)`` makes ``offsets[end]`` valid for exclusive ends.
    Lone conjoining jamo become compatibility jamo (ㄱ), the form users type.
    """
    out: list[str] = []
    offsets: list[int] = []
    done = 0
    for match in _OTHER.finditer(text):
        begin = max(done, match.start() - 1)
        _simple(text, done, begin, lower, out, offsets)
        _by_segment(text, begin, match.end(), lower, out, offsets)
        done = match.end()
    _simple(text, done, len(text), lower, out, offsets)
    offsets.append(len(text))
    return "".join(out), offsets


def _simple(text: str, start: int, end: int, lower: bool, out: list[str], offsets: list[int]) -> None:
    if start < end:
        piece = text[start:end]
        out.append(piece.lower() if lower else piece)
        offsets.extend(range(start, end))


def _by_segment(text: str, start: int, end: int, lower: bool, out: list[str], offsets: list[int]) -> None:
    """text[start:end] one segment (a base character and what combines with it) at a time."""
    for at, segment in _segments(text[start:end]):
        normalized = unicodedata.normalize("NFKC", segment)
        if len(normalized) == 1 and 0x1100 <= ord(normalized) <= 0x11FF:
            normalized = to_compat_jamo(normalized)
        if _CONTROL.fullmatch(normalized or "x") or _SURROGATES.search(normalized):
            normalized = " "
        if lower:
            normalized = normalized.lower()
        out.append(normalized)
        offsets.extend([start + at] * len(normalized))


def normalize(text: str, lower: bool = True) -> str:
    """NFKC, lower case, conjoining jamo to compatibility jamo, no control characters."""
    return normalize_with_offsets(text, lower)[0]


MAX_QUERY_CHARS = 200  # what a user types as a question; longer input is cut, never refused


def normalize_query(text: str, max_length: int = MAX_QUERY_CHARS, lower: bool = True) -> str:
    """What the engine sees of a user's query: normalized, single-spaced, bounded in length.

    ``lower=False`` keeps Shift: on a Korean keyboard it types ㅆ, ㅖ and the other double jamo.
    """
    text = _SURROGATES.sub(" ", _CONTROL.sub(" ", text or ""))
    return _SPACES.sub(" ", normalize(text[: max_length * 2], lower)).strip()[:max_length]


def source_end(offsets: list[int], end: int) -> int:
    """Where normalized position ``end`` (exclusive) ends in the original text.

    A character can normalize to several (드 + combining accent stays two): an end that
    falls inside such a group is moved to the group's end, so a highlight covers all of it.
    """
    end = min(end, len(offsets) - 1)
    while 0 < end < len(offsets) - 1 and offsets[end] == offsets[end - 1]:
        end += 1
    return offsets[end]
