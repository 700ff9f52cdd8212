"""Snippets with highlighted spans, from the analyzer's own offsets.

Kiwi reports dictionary forms (잃어버리 for 잃어버렸), so matches are located by the
offsets of analyzed terms, never by searching for the term in the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.analysis import analyze, ngrams

SNIPPET_CHARS = 110


@dataclass
class Snippet:
    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)  # [start, end) in text

    def parts(self) -> list[tuple[str, bool]]:
        """The text cut into (piece, highlighted) pairs, ready for escaping and <mark>."""
        out, pos = [], 0
        for start, end in self.spans:
            if start > pos:
                out.append((self.text[pos:start], False))
            out.append((self.text[start:end], True))
            pos = end
        if pos < len(self.text):
            out.append((self.text[pos:], False))
        return out


def match_spans(text: str, terms: set[str], grams: set[str] = frozenset()) -> list[tuple[int, int]]:
    """Merged [start, end) spans of ``text`` that match query terms (or n-grams as a fallback)."""
    spans = [(t.start, t.end) for t in analyze(text) if t.text in terms]
    if not spans and grams:
        spans = [(t.start, t.end) for t in ngrams(text) if t.text in grams]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def make_snippet(text: str, terms: set[str], grams: set[str] = frozenset(), size: int = SNIPPET_CHARS) -> Snippet:
    """The window of ``text`` with the most matches, cut at spaces, with '…' where text was cut."""
    text = " ".join(text.split())
    spans = match_spans(text, terms, grams)
    if len(text) <= size:
        return Snippet(text, spans)
    best_start, best_count = 0, -1
    for start, _ in spans or [(0, 0)]:
        window_start = max(0, start - size // 4)
        count = sum(1 for s, e in spans if s >= window_start and e <= window_start + size)
        if count > best_count:
            best_start, best_count = window_start, count
    if best_start > 0:
        space = text.rfind(" ", 0, best_start + 1)
        best_start = space + 1 if space >= best_start - 15 and space >= 0 else best_start
    end = min(len(text), best_start + size)
    if end < len(text):
        space = text.rfind(" ", best_start, end)
        end = space if space > best_start + size // 2 else end
    prefix = "…" if best_start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = best_start - len(prefix)
    inside = [(s - shift, e - shift) for s, e in spans if s >= best_start and e <= end]
    return Snippet(prefix + text[best_start:end] + suffix, inside)
