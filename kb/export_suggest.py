"""The suggestion list under the search box, for the static export: a prefix tree in small shards.

The live list (``indexer.suggest.Suggester.suggest``) keeps the titles and question variants
whose jamo hold every typed word (분ㅅ is already a prefix of 분실), or whose 초성 hold a 초성
query (ㅂㅅㅅㄱ), ordered by where the first word matches, then title before question, then
length. The browser cannot hold 20,000 articles' entries, so they are cut by what is typed:

- a node per typed prefix P (jamo, or "i" + 초성), over the places in an entry where a typed
  word can begin to match (a consonant, letter or digit);
- a node matched by few entries (``LEAF_ENTRIES``) lists them all (``"a"``): every longer word
  starting with P is answered from it, in the browser, with the live ordering;
- a node matched by more lists only its first entries in the live order for P (``"t"``: the
  live answer for P alone, and candidates for a query of several words), and the next
  keystroke goes one node deeper.

Each keystroke loads at most one shard (the node of the new prefix), and a prefix's node
always exists while some entry matches it. Public articles only: the caller passes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from indexer.hangul import CHOSEONG, JUNGSEONG, decompose, initials
from indexer.normalize import normalize_query
from indexer.suggest import MAX_ENTRIES_PER_DOC

SHOWN = 6  # the live API sends the first six suggestions
LEAF_ENTRIES = 48
TOP_ENTRIES = 24
MAX_DEPTH = 30  # jamo; a longer word under a node this deep is matched against its shown list


def _squash(text: str) -> str:
    return "".join(text.split())


class Entry:
    __slots__ = ("number", "id", "document", "text", "title", "order", "jamo", "initials")

    def __init__(self, number: int, article_id: str, document: int, text: str, title: str, order: int):
        normalized = normalize_query(text)
        self.number, self.id, self.document = number, article_id, document
        self.text, self.title, self.order = text, title, order
        self.jamo = decompose(_squash(normalized), True)
        self.initials = _squash(initials(normalized))

    def record(self) -> list:
        """What the browser needs: number (ties), id (link), text, order, document number (its
        category), and the title of a question."""
        out = [self.number, self.id, self.text, self.order, self.document]
        return out + [self.title] if self.order else out


def entries(articles: Sequence) -> list[Entry]:
    """The live suggester's entries (title, then questions) of ``articles``, in their order (the
    browser's document numbers)."""
    out = []
    for document, article in enumerate(articles):
        texts = [article.title, *[q for q in article.questions if q.strip()]][:MAX_ENTRIES_PER_DOC]
        for order, text in enumerate(texts):
            out.append(Entry(len(out), article.id, document, text, article.title, order))
    return out


def _can_start(ch: str) -> bool:
    """Where a typed word may begin to match: any consonant (분, or a bare ㅁ that the live list
    also finds as a final, 상담) or letter or digit; never a vowel or punctuation."""
    return ch.isalnum() and ch not in JUNGSEONG


def _shown(group: set[int], items: list[Entry], needle: str, initials_only: bool) -> list[list]:
    """The entries of ``group`` in the live order for ``needle`` (first match, title first, shorter
    first): enough for the live answer to ``needle`` (``SHOWN`` articles), and ``TOP_ENTRIES``
    for a query of several words, which keeps those of them that hold its other words too."""
    field = "initials" if initials_only else "jamo"
    ordered = sorted(
        group, key=lambda n: (getattr(items[n], field).find(needle), items[n].order, len(items[n].text), n)
    )
    out, ids = [], set()
    for n in ordered:
        if len(ids) >= SHOWN and len(out) >= TOP_ENTRIES:
            break
        ids.add(items[n].id)
        out.append(items[n].record())
    return out


def suggestion_nodes(items: list[Entry]) -> dict[str, dict]:
    """Prefix key ("j" + jamo or "i" + 초성) -> {"a": every entry} or {"t": the shown list}."""
    nodes: dict[str, dict] = {}
    for family, field in (("j", "jamo"), ("i", "initials")):
        strings = [getattr(e, field) for e in items]
        starts = [
            (n, i)
            for n, s in enumerate(strings)
            for i in range(len(s))
            if (s[i] in CHOSEONG if family == "i" else _can_start(s[i]))
        ]
        stack = [("", starts)]
        while stack:
            prefix, places = stack.pop()
            depth = len(prefix)
            groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for n, i in places:
                if i + depth < len(strings[n]):
                    groups[strings[n][i + depth]].append((n, i))
            for ch, group_places in groups.items():
                key = prefix + ch
                group = {n for n, _ in group_places}
                if len(group) <= LEAF_ENTRIES:
                    nodes[family + key] = {"a": [items[n].record() for n in sorted(group)]}
                    continue
                nodes[family + key] = {"t": _shown(group, items, key, family == "i")}
                if len(key) < MAX_DEPTH:
                    stack.append((key, group_places))
    return nodes
