"""Snippets: cut from offsets the build computed, around the most matches, without headings."""

from indexer.analysis import analyze
from indexer.highlight import SnippetSource, make_snippet, snippet_source


def test_snippets_leave_section_headings_out(engine):
    hit = next(h for h in engine.search("분실 신고").hits if h.id == "lost-report")
    assert "신고 방법" not in hit.snippet.text  # the heading "## 신고 방법" would run into the list
    assert hit.snippet.text.startswith("앱에서 분실 신고 메뉴를 누릅니다.")
    assert [hit.snippet.text[s:e] for s, e in hit.snippet.spans] == ["분실", "신고", "신고"]


def test_build_offsets_follow_the_text_without_headings():
    body = "짧은 답입니다.\n결제 방법\n앱에서 결제를 합니다.\n  들여쓴 줄의 결제"
    source = snippet_source(body, analyze(body), headings=["결제 방법"], short_answer="짧은 답입니다.")
    assert source.text == "짧은 답입니다. 앱에서 결제를 합니다. 들여쓴 줄의 결제"
    assert source.skip == len("짧은 답입니다.")
    assert [source.text[s:e] for s, e in zip(*[iter(source.offsets["결제"])] * 2, strict=True)] == ["결제", "결제"]


def test_the_window_with_most_matches_wins_and_the_short_answer_is_skipped():
    filler = "내용 " * 60
    text = "분실 답변. " + filler + "분실 하나 " + filler + "분실 둘, 분실 셋, 분실 넷 " + filler
    offsets = {"분실": [p for i in range(len(text)) if text.startswith("분실", i) for p in (i, i + 2)]}
    snippet = make_snippet(SnippetSource(text, len("분실 답변."), offsets), {"분실"})
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    assert [snippet.text[s:e] for s, e in snippet.spans] == ["분실"] * 3
    assert len(snippet.text) <= 112


def test_many_matches_in_a_long_body_are_windowed_correctly():
    text = " ".join(f"카드{i % 10} 분실" for i in range(5000))
    offsets = {"분실": [p for i in range(len(text)) if text.startswith("분실", i) for p in (i, i + 2)]}
    snippet = make_snippet(SnippetSource(text, 0, offsets), {"분실"})
    assert snippet.spans and all(snippet.text[s:e] == "분실" for s, e in snippet.spans)


def test_ngram_fallback_needs_no_analysis():
    source = SnippetSource("에어팟 직구 설정", 0, {})
    snippet = make_snippet(source, {"없는말"}, {"에어", "직구"})
    assert [snippet.text[s:e] for s, e in snippet.spans] == ["에어", "직구"]
