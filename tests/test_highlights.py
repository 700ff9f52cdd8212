"""Highlights mark what tells a result apart: not 카드 in every result, not a lone 안."""

from __future__ import annotations

import pytest

from indexer.common import article_text, common_strings
from kb.highlights import mark_distinguishing, unmarked_words

SHARES = {"카드": 0.99, "결제": 0.9, "분실": 0.2, "잃어버렸": 0.05, "안": 0.7}


def is_common(word):
    return SHARES[word] >= 0.5


def test_common_words_give_way_to_rarer_ones():
    assert unmarked_words({"카드", "분실"}, is_common) == {"카드"}
    assert unmarked_words({"결제", "안"}, is_common) == {"안"}  # 결제 is all this result matched on
    assert unmarked_words({"카드"}, is_common) == set()
    assert unmarked_words({"안"}, is_common) == set()  # a one-syllable query keeps its mark


class FakeSnapshot:
    class Article:
        def __init__(self, title, text):
            self.title, self.text = title, text

    class Engine:
        def __init__(self, common_strings):
            self.common_strings = common_strings

    def __init__(self, with_table: bool):
        self.articles = [self.Article(f"카드 {n}", "카드 결제") for n in range(3)] + [self.Article("분실", "카드")]
        texts = [article_text(a.title, a.text) for a in self.articles]
        self.engine = self.Engine(common_strings(texts) if with_table else None)  # None: a build made before


@pytest.mark.parametrize("with_table", [True, False])
def test_spans_of_common_words_are_removed_from_the_result_dicts(with_table):
    result = {
        "title": "카드를 분실했을 때",
        "title_highlights": [[0, 2], [4, 6]],
        "snippet": "카드 분실 안 돼요",
        "snippet_highlights": [[0, 2], [3, 5], [6, 7]],
    }
    mark_distinguishing([result], FakeSnapshot(with_table))
    assert result["title_highlights"] == [[4, 6]] and result["snippet_highlights"] == [[3, 5]]


def test_search_results_do_not_mark_every_card(client):
    data = client.get("/api/search", query_string={"q": "카드 분실"}).get_json()
    first = data["results"][0]
    marked = [first["title"][a:b] for a, b in first["title_highlights"]]
    assert first["id"] == "lost-report" and "분실" in marked and "카드" not in marked
    page = client.get("/search?q=카드 분실").get_data(as_text=True)
    assert "<mark>분실</mark>" in page and "<mark>카드</mark>" not in page
    only_card = client.get("/api/search", query_string={"q": "카드"}).get_json()["results"][0]
    assert only_card["title_highlights"], "a result matched only on 카드 keeps that mark"
