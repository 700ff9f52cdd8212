"""Whatever a user types, the engine answers: results or a clean empty answer, never an exception."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
JAMO = st.characters(min_codepoint=0x3131, max_codepoint=0x3163)
CONJOINING = st.characters(min_codepoint=0x1100, max_codepoint=0x11FF)
KEYBOARD = st.sampled_from(list(string.ascii_letters + string.digits + string.punctuation + " "))
ANYTHING = st.characters(blacklist_categories=("Cs",))
TEXT = st.text(st.one_of(HANGUL, JAMO, CONJOINING, KEYBOARD, ANYTHING), max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_search_never_raises(engine, text):
    response = engine.search(text)
    for hit in response.hits:
        for start, end in hit.snippet.spans:
            assert 0 <= start < end <= len(hit.snippet.text)
    engine.suggest(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_api_always_answers_json(client, text):
    response = client.get("/api/search", query_string={"q": text, "suggest": "1", "typing": "1"})
    assert response.status_code == 200
    assert isinstance(response.get_json()["results"], list)
