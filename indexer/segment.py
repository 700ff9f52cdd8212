"""Cutting a word typed without spaces into known pieces, the way the browser search does.

The live engine has Kiwi for this; the static export has only a lexicon of the surface forms
seen in the articles. This is the Python twin of ``segment`` in site/static/hangul.js (both
are held to tests/vectors/hangul.json); ENDINGS travels to the browser in the export's meta.js.
"""

from __future__ import annotations

from collections.abc import Callable

# Particles and verb endings that may close a word after its last known piece (카드를, 잃어버렸어요).
ENDINGS = tuple(
    (
        "을 를 이 가 은 는 에 의 도 만 와 과 로 으로 에서 에게 한테 께 까지 부터 보다 처럼 이나 나 랑 이랑 요 이요 "
        "어요 아요 여요 해요 했어요 었어요 았어요 였어요 예요 이에요 에요 인가요 나요 까요 할까요 을까요 죠 지요 "
        "는데 는데요 은데 인데 인데요 했는데 했는데요 데요 고 하고 해서 어서 아서 면 으면 하면 려면 으려면 하려면 "
        "하나요 되나요 돼요 되요 됐어요 안돼요 합니다 습니다 니다 입니다 세요 으세요 하세요 주세요 해주세요 "
        "하는 한 할 된 될 되는 하기 되기 게 하게 해도 어도 아도 지만 거나 든지 이든 든 다 하다 되다 했다 "
        "가요 네요 어야 아야 해야 싶어요 싶은데 있나요 없나요 되는데 하는데 해요"
    ).split()
)
_ENDINGS = frozenset(ENDINGS)
MAX_PIECE = 10


def segment(word: str, known: Callable[[str], bool], endings=_ENDINGS) -> list[tuple[int, int]]:
    """[start, end) of the known pieces of ``word``: 카드분실신고 -> 카드|분실|신고.

    Maximizes, in order: characters covered (by pieces or one closing particle/ending), the sum
    of 2*len² over pieces of two or more characters (+1 for the ending), then fewer pieces.
    """
    n = len(word)
    best: list[tuple | None] = [None] * (n + 1)  # (covered, score, -pieces), previous position, is piece
    best[0] = ((0, 0, 0), -1, False)
    final = None
    for i in range(n):
        if best[i] is None:
            continue
        (covered, score, pieces), _, _ = best[i]
        if best[i + 1] is None or (covered, score, pieces) > best[i + 1][0]:
            best[i + 1] = ((covered, score, pieces), i, False)
        for j in range(i + 1, min(n, i + MAX_PIECE) + 1):
            if not known(word[i:j]):
                continue
            size = j - i
            key = (covered + size, score + (2 * size * size if size >= 2 else 0), pieces - 1)
            if best[j] is None or key > best[j][0]:
                best[j] = (key, i, True)
        if i > 0 and word[i:] in endings:
            key = (covered + n - i, score + 1, pieces)
            if final is None or key > final[0]:
                final = (key, i)
    position = n
    if final is not None and (best[n] is None or final[0] > best[n][0]):
        position = final[1]
    out = []
    while position > 0 and best[position] is not None:
        _, previous, is_piece = best[position]
        if is_piece:
            out.append((previous, position))
        position = previous
    return out[::-1]
