"""Cutting a word typed without spaces into known pieces, the way the browser search does.

The live engine has Kiwi for this; the static export has only a lexicon of the surface forms
Kiwi found in the articles: content pieces (분실, 잃어버렸 -> their terms) and function pieces
(particles, endings: 를, 었어요). This is the Python twin of ``segment`` in
site/static/hangul.js; both are held to tests/vectors/hangul.json, and ENDINGS travels to the
browser in the export's meta.js.
"""

from __future__ import annotations

from collections.abc import Callable

CONTENT, FUNCTION = "content", "function"

# Particles and verb endings that may close a word after its last known piece (카드를, 잃어버렸어요).
ENDINGS = tuple(
    (
        "을 를 이 가 은 는 에 의 도 만 와 과 로 으로 에서 에게 한테 께 까지 부터 보다 처럼 이나 나 랑 이랑 요 이요 "
        "어요 아요 여요 해요 했어요 었어요 았어요 였어요 예요 이에요 에요 인가요 나요 까요 할까요 을까요 죠 지요 "
        "는데 는데요 은데 인데 인데요 했는데 했는데요 데요 고 하고 해서 어서 아서 면 으면 하면 려면 으려면 하려면 "
        "하나요 되나요 돼요 되요 됐어요 안돼요 합니다 습니다 니다 입니다 세요 으세요 하세요 주세요 해주세요 "
        "하는 한 할 된 될 되는 하기 되기 게 하게 해도 어도 아도 지만 거나 든지 이든 든 다 하다 되다 했다 "
        "가요 네요 어야 아야 해야 싶어요 싶은데 있나요 없나요 되는데 하는데"
    ).split()
)
_ENDINGS = frozenset(ENDINGS)
MAX_PIECE = 10


def segment(word: str, kind: Callable[[str], str | None], endings=_ENDINGS) -> list[tuple[int, int]]:
    """[start, end) of the content pieces of ``word``: 카드분실신고 -> 카드|분실|신고.

    ``kind(text)`` says what a piece is: CONTENT, FUNCTION (covers text, yields no term) or None.
    A one-character content piece counts at the start of a word (앱으로, 달) or at its end, before
    nothing but an ending (카드값을, 연결안됨), never in the middle (주문무르기 is not 무 + 르기).
    Maximizes, in order: characters covered (by pieces or one
    closing ending), the sum of 2*len² over content pieces of two or more characters (+1 for the
    ending), then fewer pieces.
    """
    n = len(word)
    best: list[tuple | None] = [None] * (n + 1)  # (covered, score, -pieces), previous position, is content
    best[0] = ((0, 0, 0), -1, False)
    final = None
    for i in range(n):
        if best[i] is None:
            continue
        (covered, score, pieces), _, _ = best[i]
        if best[i + 1] is None or (covered, score, pieces) > best[i + 1][0]:
            best[i + 1] = ((covered, score, pieces), i, False)
        for j in range(i + 1, min(n, i + MAX_PIECE) + 1):
            what = kind(word[i:j])
            size = j - i
            if what is None or (what == CONTENT and size == 1 and not _single_fits(word, i, j, kind, endings)):
                continue
            gain = 2 * size * size if what == CONTENT and size >= 2 else 0
            key = (covered + size, score + gain, pieces - 1)
            if best[j] is None or key > best[j][0]:
                best[j] = (key, i, what == CONTENT)
        if i > 0 and word[i:] in endings:
            key = (covered + n - i, score + 1, pieces)
            if final is None or key > final[0]:
                final = (key, i)
    position = n
    if final is not None and (best[n] is None or final[0] > best[n][0]):
        position = final[1]
    out = []
    while position > 0 and best[position] is not None:
        _, previous, is_content = best[position]
        if is_content:
            out.append((previous, position))
        position = previous
    return out[::-1]


def split_known(
    word: str, known: Callable[[str], bool], fix: Callable[[str], str | None] | None = None
) -> tuple[list[str], bool]:
    """``word`` cut where the vocabulary says words begin: 카드분실신고 -> [카드, 분실, 신고].

    The one split against a vocabulary, used wherever a word must be cut without Kiwi's help
    (a typo Kiwi scraps, a zero-result query respaced, a query compound matched to what the index
    holds). ``segment``'s rules decide the known pieces (of two characters or more): most text
    covered, then the longest pieces. The text between them stays as written, or, with ``fix``
    (a spelling corrector), is mended window by window (4, 3, then 2 characters). Returns the
    pieces, in order, and whether ``fix`` changed any.
    """

    def kind(piece: str) -> str | None:
        return CONTENT if len(piece) >= 2 and known(piece) else None

    pieces, changed, at = [], False, 0
    for start, end in [*segment(word, kind, frozenset()), (len(word), len(word))]:
        gap = word[at:start]
        i = 0
        while fix is not None and i < len(gap):
            for size in (4, 3, 2):
                fixed = fix(gap[i : i + size]) if i + size <= len(gap) else None
                if fixed:
                    pieces.append(fixed)
                    changed, i = True, i + size
                    break
            else:
                pieces.append(gap[i])
                i += 1
        if fix is None and gap:
            pieces.append(gap)
        if end > start:
            pieces.append(word[start:end])
        at = end
    return pieces, changed


def _single_fits(word: str, i: int, j: int, kind, endings) -> bool:
    rest = word[j:]
    return i == 0 or not rest or rest in endings or kind(rest) == FUNCTION


def explained(word: str, kind: Callable[[str], str | None], endings=_ENDINGS) -> bool:
    """Whether known pieces and one closing ending cover all of ``word`` (else it may hold a typo)."""
    n = len(word)
    reach = [False] * (n + 1)
    reach[0] = True
    for i in range(n):
        if not reach[i]:
            continue
        if i > 0 and word[i:] in endings:
            return True
        for j in range(i + 1, min(n, i + MAX_PIECE) + 1):
            what = kind(word[i:j])
            if what is not None and not (
                what == CONTENT and j - i == 1 and not _single_fits(word, i, j, kind, endings)
            ):
                reach[j] = True
    return reach[n]


def surface_forms(texts: list[str]) -> list[list[tuple[str, str, str]]]:
    """For each text, (surface as written, term, tag) for every Kiwi token; term "" for particles,
    endings and the stop words the index leaves out. What the browser's lexicon is made of."""
    from indexer.analysis import _is_content, get_kiwi
    from indexer.normalize import normalize

    normalized = [normalize(t) for t in texts]
    out = []
    for text, tokens in zip(normalized, get_kiwi().tokenize(normalized), strict=True):
        forms = []
        for token in tokens:
            surface = text[token.start : token.start + token.len]
            term = token.form.lower() if _is_content(token.form, token.tag) else ""
            forms.append((surface, term, token.tag))
        out.append(forms)
    return out
