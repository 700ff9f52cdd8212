"""Snippets with highlighted spans, from offsets the build computed once.

Kiwi reports dictionary forms (잃어버리 for 잃어버렸), so matches are located by the
offsets of analyzed terms, never by searching for the term in the text. Those offsets
come from the analysis the build already made: a hit costs a dictionary lookup per
query term and one pass over its matches, never a re-analysis of the body.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.analysis import Term

SNIPPET_CHARS = 110
MAX_GRAM_MATCHES = 50  # per n-gram: enough to place a window, bounded on huge texts

Offsets = dict[str, list[int]]  # term -> [start, end, start, end, ...]


@dataclass
class Snippet:
    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)  # [start, end) in text

    def parts(self) -> list[tuple[str, bool]]:
        """The text cut into (piece, highlighted) pairs, ready for escaping and <mark>."""
        return marked_parts(self.text, self.spans)


def marked_parts(text: str, spans) -> list[tuple[str, bool]]:
    out, pos = [], 0
    for start, end in spans:
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out


@dataclass(frozen=True)
class SnippetSource:
    """What a document's snippets are cut from, computed at build time and stored with it.

    ``text`` is the body without section headings (a heading run into the next sentence
    reads as nonsense), blocks joined by a space; its first ``skip`` characters are the
    short answer, which results show on their own.
    """

    text: str
    skip: int
    offsets: Offsets

    def to_stored(self) -> tuple:
        return (self.text, self.skip, self.offsets)

    @classmethod
    def from_stored(cls, stored) -> SnippetSource:
        text, skip, offsets = stored
        return cls(text, skip, offsets)


def term_offsets(terms: list[Term], shift=lambda start: start) -> Offsets:
    """Group analyzed terms by text; ``shift`` maps an offset (None drops the term)."""
    out: Offsets = {}
    for term in terms:
        start = shift(term.start)
        if start is not None:
            out.setdefault(term.text, []).extend((start, start + term.end - term.start))
    return out


def snippet_source(body: str, body_terms: list[Term], headings=(), short_answer: str = "") -> SnippetSource:
    """Body lines minus headings, joined by spaces, with the body's term offsets moved along."""
    heading_set = {h.strip() for h in headings if h.strip()}
    pieces: list[str] = []
    moves: list[tuple[int, int, int]] = []  # (start in body, end in body, start in text)
    pos, length = 0, 0
    for line in body.split("\n"):
        stripped = line.strip()
        if stripped and stripped not in heading_set:
            lead = len(line) - len(line.lstrip())
            if pieces:
                length += 1
            moves.append((pos + lead, pos + lead + len(stripped), length))
            pieces.append(stripped)
            length += len(stripped)
        pos += len(line) + 1
    text = " ".join(pieces)

    def shift(start: int) -> int | None:
        for begin, end, target in moves:
            if begin <= start < end:
                return target + start - begin
        return None

    offsets = term_offsets(body_terms, shift) if moves else {}
    skip = len(short_answer) if short_answer and text.startswith(short_answer) else 0
    return SnippetSource(text, skip, offsets)


def match_spans(
    text: str, offsets: Offsets, terms, grams=(), *, lo: int = 0, hi: int | None = None
) -> list[tuple[int, int]]:
    """Merged [start, end) spans in text[lo:hi] of query terms (or, failing those, n-grams)."""
    hi = len(text) if hi is None else hi
    spans = [
        (flat[i], flat[i + 1])
        for term in terms
        for flat in (offsets.get(term, ()),)
        for i in range(0, len(flat), 2)
        if lo <= flat[i] and flat[i + 1] <= hi
    ]
    if not spans and grams:
        spans = _gram_spans(text, grams, lo, hi)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _gram_spans(text: str, grams, lo: int, hi: int) -> list[tuple[int, int]]:
    """N-grams are normalized (lower case): found by plain search, no analysis per hit."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character that lower-cases into two: offsets would drift
        return []
    spans = []
    for gram in grams:
        at, found = lowered.find(gram, lo, hi), 0
        while at >= 0 and found < MAX_GRAM_MATCHES:
            spans.append((at, at + len(gram)))
            at, found = lowered.find(gram, at + 1, hi), found + 1
    return spans


def make_snippet(source: SnippetSource, terms, grams=(), size: int = SNIPPET_CHARS) -> Snippet:
    """The window with the most matches, cut at spaces, '…' where text was cut.

    Matches after the short answer are preferred; the short answer is used only when the
    rest of the body has none.
    """
    text = source.text
    lo = source.skip if source.skip < len(text) else 0
    spans = match_spans(text, source.offsets, terms, grams, lo=lo)
    if not spans and lo:
        whole = match_spans(text, source.offsets, terms, grams)
        if whole:
            spans, lo = whole, 0
    while lo < len(text) and text[lo] == " ":
        lo += 1
    if len(text) - lo <= size:
        return Snippet(text[lo:], [(s - lo, e - lo) for s, e in spans])
    best_start = _best_window(spans, size, lo)
    if best_start > lo:
        space = text.rfind(" ", lo, best_start + 1)
        best_start = space + 1 if space >= best_start - 15 and space >= lo else best_start
    end = min(len(text), best_start + size)
    if end < len(text):
        space = text.rfind(" ", best_start, end)
        end = space if space > best_start + size // 2 else end
    prefix = "…" if best_start > lo else ""
    suffix = "…" if end < len(text) else ""
    shift = best_start - len(prefix)
    inside = [(s - shift, e - shift) for s, e in spans if s >= best_start and e <= end]
    return Snippet(prefix + text[best_start:end] + suffix, inside)


def _best_window(spans: list[tuple[int, int]], size: int, lo: int) -> int:
    """Start of the window holding the most spans, in one pass (spans are sorted and disjoint)."""
    best_start, best_count = lo, -1
    first = last = 0
    for start, _ in spans:
        window = max(lo, start - size // 4)
        while spans[first][0] < window:
            first += 1
        last = max(last, first)
        while last < len(spans) and spans[last][1] <= window + size:
            last += 1
        if last - first > best_count:
            best_start, best_count = window, last - first
    return best_start


def title_spans(title: str, offsets: Offsets, terms, grams=()) -> list[tuple[int, int]]:
    return match_spans(title, offsets, terms, grams)
