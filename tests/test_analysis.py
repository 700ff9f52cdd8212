import pickle
import unicodedata

from indexer.analysis import KeywordTokenizer, KiwiTokenizer, NgramTokenizer, analyze, ngrams


def terms(text):
    return [t.text for t in analyze(text)]


def test_particles_and_endings_are_dropped():
    assert terms("카드를 잃어버렸어요") == ["카드", "잃어버리"]
    assert terms("카드가") == terms("카드") == ["카드"]


def test_verbs_match_across_conjugation():
    assert "잃어버리" in terms("잃어버렸는데요")
    assert "잃어버리" in terms("잃어버리다")


def test_compounds_without_spaces_split_like_spaced_text():
    assert terms("카드분실신고") == terms("카드 분실 신고")


def test_one_syllable_nouns_and_loanwords_survive():
    assert {"앱", "폰", "돈"} <= set(terms("앱이랑 폰이랑 돈"))
    assert "에어팟" in terms("에어팟 결제")


def test_numbers_and_latin_are_kept():
    found = terms("CVC 번호와 1566-1000")
    assert "cvc" in found and "1566-1000" in found


def test_offsets_cover_the_text_as_written():
    text = unicodedata.normalize("NFD", "카드를 잃어버렸어요")
    for term in analyze(text):
        assert unicodedata.normalize("NFC", text[term.start : term.end])
    first = analyze(text)[0]
    assert unicodedata.normalize("NFC", text[first.start : first.end]) == "카드"


def test_ngrams_give_bigrams_and_unigrams():
    assert [t.text for t in ngrams("분실신고 앱")] == ["분실", "실신", "신고", "앱"]


def test_whoosh_tokens_carry_offsets():
    tokens = [(t.text, t.startchar, t.endchar) for t in KiwiTokenizer()("분실 신고를", positions=True, chars=True)]
    assert tokens == [("분실", 0, 2), ("신고", 3, 5)]


def test_analyzers_pickle_small_without_kiwi():
    for analyzer in (KiwiTokenizer(), KeywordTokenizer(), NgramTokenizer()):
        data = pickle.dumps(analyzer)
        assert len(data) < 200
        assert pickle.loads(data) == analyzer


def test_analysis_is_thread_safe():
    """The dev server and gunicorn threads share one Kiwi and one cache."""
    from concurrent.futures import ThreadPoolExecutor

    from indexer import analysis

    texts = [f"카드를 {i}번 잃어버렸어요 해외결제 {i * 7}원 포인트 현금화" for i in range(120)]
    serial = [analysis.analyze(t) for t in texts]
    analysis._cache.clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(analysis.analyze, texts))
    assert concurrent == serial


def test_compounds_are_indexed_whole_only_in_keywords():
    from indexer.analysis import index_terms

    def tokens(tokenizer, text):
        return [t.text for t in tokenizer(text)]

    # Kiwi reads 선결제 as 선결 + 제 alone and as one noun after 할부: a tag is indexed whole either way
    assert "선결제" in [t.text for t in index_terms("선결제하기")]
    assert "선결제" in [t.text for t in index_terms("할부 선결제")]
    assert [t.text for t in index_terms("분실신고하려면")] == ["분실", "신고", "분실신고"]
    assert "재발급" in [t.text for t in index_terms("재발급받기")]
    # words written apart stay apart at index time; the query side joins them (query.find_compounds)
    assert [t.text for t in index_terms("선 결제")] == ["선", "결제"]
    # tags hold the compound beside its parts; running text holds what Kiwi cut, once
    assert tokens(KeywordTokenizer(), "분실신고") == ["분실", "신고", "분실신고"]
    assert tokens(KiwiTokenizer(), "분실신고하려면") == ["분실", "신고"]
    assert "연회비" not in tokens(KiwiTokenizer(), "카드를 해지하면 연회비를 돌려받을 수 있나요?")


def test_each_tag_is_analysed_on_its_own():
    # after 포인트 Kiwi cuts 연회비 into 연 + 회비; a tag is a unit and is read alone
    tags = "포인트\n연회비\n결제대금차감"
    found = [(t.text, tags[t.startchar : t.endchar]) for t in KeywordTokenizer()(tags, chars=True)]
    assert found == [
        ("포인트", "포인트"),
        ("연회비", "연회비"),
        ("결제", "결제"),
        ("대금", "대금"),
        ("차감", "차감"),
        ("결제대금차감", "결제대금차감"),
    ]


def test_ngram_texts_are_the_ngrams_without_offsets():
    """The index writer's n-grams (texts and positions only) are those of ``ngrams``."""
    import random

    from indexer.analysis import ngram_texts

    alphabet = [*"가각힣 aZ09\t\n.,~ㅋ", "\u0301", "\u1161", "Ａ", "①", "😀", "İ", "金", "…"]
    rng = random.Random(16)
    texts = ["분실신고 앱", "CVC 번호와 1566-1000", "카\u0301드 ＡＴＭ"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 15))) for _ in range(5000)]
    for text in texts:
        expected = [t.text for t in ngrams(text)]
        assert ngram_texts(text) == expected
        assert [(t.text, t.pos) for t in NgramTokenizer()(text, positions=True)] == [
            (g, i) for i, g in enumerate(expected)
        ]
