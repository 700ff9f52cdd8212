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


def test_initials_query_searches_through_the_engine(engine):
    response = engine.search("ㅂㅅㅅㄱ")
    assert response.plan.initials
    assert "lost-report" in [h.id for h in response.hits]


def test_suggestions_hide_internal_articles(engine):
    assert "agent-script" not in ids(engine.suggest("상담 시작"))
    assert "agent-script" in ids(engine.suggest("상담 시작", audiences=("public", "internal")))


def test_nfd_suggestions_match_nfc(engine):
    assert ids(engine.suggest(unicodedata.normalize("NFD", "카드 분"))) == ids(engine.suggest("카드 분"))


def test_api_offers_suggestions(client):
    data = client.get("/api/search?q=분ㅅ&suggest=1&typing=1").get_json()
    assert any(s["id"] == "lost-report" for s in data["suggestions"])
    assert client.get("/api/suggest?q=ㅂㅅㅅㄱ").get_json()["suggestions"][0]["url"].startswith("/articles/")
