"""Korean input as it really arrives: half-composed syllables, initial consonants, NFD."""

import unicodedata


def ids(suggestions):
    return [s.id for s in suggestions]


def test_composing_syllable_already_matches(engine):
    assert "lost-report" in ids(engine.suggest("분ㅅ"))
    assert "lost-report" in ids(engine.suggest("카드 분ㅅ"))
    assert "lost-report" in ids(engine.suggest("칻"))  # 카 + ㄷ before the next vowel arrives


def test_initial_consonants_match_titles_and_questions(engine):
    assert "lost-report" in ids(engine.suggest("ㅂㅅㅅㄱ"))
    assert "lost-report" in ids(engine.suggest("ㅂㅅ ㅅㄱ"))


def test_initials_query_is_read_as_words_and_searched(engine):
    response = engine.search("ㅂㅅㅅㄱ")
    assert response.plan.initials and response.plan.text == "분실신고"  # as the corpus writes it
    assert response.hits[0].id == "lost-report"


def test_initials_reading_starts_a_word(engine):
    # ㅂㄱ appears inside 재발급 (발급) but a reading must start a word
    assert engine.search("ㄹㄱ").plan.text == "ㄹㄱ"


def test_page_shows_initials_reading(client):
    page = client.get("/search?q=ㅂㅅㅅㄱ").get_data(as_text=True)
    assert "초성 ㅂㅅㅅㄱ → <strong>분실신고</strong>(으)로 검색한 결과" in page


def test_initials_reading_prefers_spaced_spelling(real_engine):
    assert real_engine.search("ㅂㅅㅅㄱ").plan.text == "분실 신고"


def test_suggestions_hide_internal_articles(engine):
    assert "agent-script" not in ids(engine.suggest("상담 시작"))
    assert "agent-script" in ids(engine.suggest("상담 시작", audiences=("public", "internal")))


def test_nfd_suggestions_match_nfc(engine):
    assert ids(engine.suggest(unicodedata.normalize("NFD", "카드 분"))) == ids(engine.suggest("카드 분"))


def test_api_offers_suggestions(client):
    data = client.get("/api/search?q=분ㅅ&suggest=1&typing=1").get_json()
    assert any(s["id"] == "lost-report" for s in data["suggestions"])
    assert client.get("/api/suggest?q=ㅂㅅㅅㄱ").get_json()["suggestions"][0]["url"].startswith("/articles/")


def test_initials_inside_a_query_are_read_too(real_engine):
    response = real_engine.search("카드 ㅂㅅ")
    assert response.plan.initials and response.plan.text == "카드 분실"
    assert response.hits[0].id == "lost-report"
