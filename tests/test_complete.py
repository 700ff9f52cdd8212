"""As-you-type: the half-typed last word completes from the titles and questions; paging through results."""

from __future__ import annotations

import pytest

from kb.complete import complete_last_word, complete_word

TEXTS = [
    "카드를 분실했을 때 어떻게 신고하나요?",
    "분실 신고 방법",
    "분실한 카드는 어떻게 재발급받나요?",
    "분실신고 방법",
    "분할 납부는 어떻게 하나요",
]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("분", "분실"),  # stops where the words part ways (분실했을 / 분실한 / 분실신고)
        ("분ㅅ", "분실"),  # mid-composition
        ("칻", "카드"),  # 카 + ㄷ composed as one syllable by the IME
        ("분실", "분실"),  # already a whole word
        ("분실ㅎ", "분실ㅎ"),  # 분실했을 or 분실한: no agreement, left as typed
        ("zk", "zk"),  # Latin: the engine's layout repair reads it
        ("ㅂㅅ", "ㅂㅅ"),  # initials: the engine reads them
        ("신", "신고"),  # 신고하나요 / 신고: cut after the morpheme
        ("신고", "신고"),  # a whole morpheme: 신고하나요 adds only an ending
        ("재", "재발급"),  # 재발급받나요: the prefix 재 alone is not a completion
        ("없는말", "없는말"),
    ],
)
def test_complete_word(typed, expected):
    assert complete_word(typed, TEXTS) == expected


def test_only_the_last_word_and_only_while_typing_it():
    assert complete_last_word("카드 분", TEXTS) == "카드 분실"
    assert complete_last_word("카드 분 ", TEXTS) == "카드 분 "  # a space ends the word: as typed
    assert complete_last_word("", TEXTS) == ""


def search(client, **params):
    return client.get("/api/search", query_string=params).get_json()


def test_instant_results_treat_the_last_word_as_a_prefix(client):
    typed = search(client, q="카드 분", prefix="1", typing="1")
    assert typed["completed_as"] == "카드 분실" and typed["query"] == "카드 분"
    assert typed["results"][0]["id"] == "lost-report"
    as_written = search(client, q="카드 분")
    assert "completed_as" not in as_written and as_written["query"] == "카드 분"


def test_offset_pages_through_the_same_results(client):
    everything = search(client, q="카드", limit=50)
    assert everything["total"] >= 4
    first = search(client, q="카드", limit=2)
    rest = search(client, q="카드", limit=50, offset=2)
    ids = [r["id"] for r in first["results"] + rest["results"]]
    assert ids == [r["id"] for r in everything["results"]]
    assert rest["offset"] == 2 and rest["total"] == everything["total"]
    assert "offset" not in search(client, q="카드", offset="x")


def test_results_page_shows_the_count_and_pages(client, monkeypatch):
    monkeypatch.setattr("kb.web.public.RESULTS_PER_PAGE", 2)
    page = client.get("/search?q=카드").get_data(as_text=True)
    total = search(client, q="카드")["total"]
    assert f"검색 결과 {total}건" in page and page.count('<li class="result') == 2
    assert 'rel="next"' in page and "page=2" in page and 'rel="prev"' not in page
    second = client.get("/search?q=카드&page=2").get_data(as_text=True)
    assert 'start="3"' in second and 'rel="prev"' in second
    assert "(3–4번째)" in second
    beyond = client.get("/search?q=카드&page=999").get_data(as_text=True)
    assert "검색 결과" in beyond  # clamped, never an error
