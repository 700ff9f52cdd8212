"""Article validation: every problem reported with file and line, all at once."""

import textwrap

import pytest

from kb.articles import CorpusError
from kb.corpus import load_corpus
from tests.conftest import ARTICLES, write_corpus

GOOD = ARTICLES["payments/pay-declined.md"]


def problems_for(tmp_path, text, name="payments/broken.md"):
    root = write_corpus(tmp_path / "articles", {**ARTICLES, name: text})
    with pytest.raises(CorpusError) as caught:
        load_corpus(root)
    return [str(p) for p in caught.value.problems]


def test_sample_corpus_loads(corpus):
    loaded = load_corpus(corpus)
    assert len(loaded.articles) == len(ARTICLES)
    assert loaded.get("lost-report").short_answer.startswith("카드를 잃어버리셨다면")
    assert [a.id for a in loaded.articles if not a.is_public] == ["agent-script"]


@pytest.mark.parametrize(
    "front,line,message",
    [
        ("id: x-1\ntitle: t\ncategory: payments\ncolour: red", 5, "unknown key 'colour'"),
        ("title: t\ncategory: payments", 2, "missing required key 'id'"),
        ("id: x-1\ncategory: payments", 2, "missing required key 'title'"),
        ("id: x-1\ntitle: t\ncategory: travel", 4, "unknown category 'travel'"),
        ("id: X_1\ntitle: t\ncategory: payments", 2, "id 'X_1' must be a lowercase ascii slug"),
        ("id: x-1\ntitle: t\ncategory: payments\nupdated: 2026-13-45", 5, "updated '2026-13-45' is not a date"),
        ("id: x-1\ntitle: t\ncategory: payments\nrelated: [nope]", 5, "related article 'nope' does not exist"),
        ("id: x-1\ntitle: t\ncategory: payments\naudience: everyone", 5, "audience must be 'public' or 'internal'"),
        (
            "id: x-1\ntitle: t\ncategory: payments\nrelated: [agent-script]",
            5,
            "public article links to internal article 'agent-script'",
        ),
        ("id: x-1\ntitle: [t\ncategory: payments", 4, "front matter is not valid YAML"),
    ],
)
def test_each_problem_names_file_and_line(tmp_path, front, line, message):
    found = problems_for(tmp_path, f"---\n{front}\n---\n답변입니다.\n")
    matching = [p for p in found if message in p]
    assert matching, found
    assert matching[0].startswith(f"{tmp_path / 'articles' / 'payments' / 'broken.md'}:{line}: ")


def test_duplicate_id_names_both_files(tmp_path):
    found = problems_for(tmp_path, "---\nid: pay-declined\ntitle: t\ncategory: payments\n---\n답\n")
    duplicate = [p for p in found if "duplicate id 'pay-declined'" in p]
    assert len(duplicate) == 1
    assert "broken.md" in duplicate[0] and "pay-declined.md" in duplicate[0] and ":2: " in duplicate[0]


def test_missing_front_matter_and_empty_body(tmp_path):
    found = problems_for(tmp_path, "그냥 본문만 있어요\n")
    assert any(":1: missing front matter" in p for p in found)
    found = problems_for(tmp_path, "---\nid: x-1\ntitle: t\ncategory: payments\n---\n\n")
    assert any(":6: the article has no answer" in p for p in found)


def test_all_problems_are_collected_before_failing(tmp_path):
    root = write_corpus(
        tmp_path / "articles",
        {
            **ARTICLES,
            "payments/a.md": "---\nid: a-1\ntitle: t\ncategory: nowhere\n---\n답\n",
            "payments/b.md": "---\nid: b-1\ntitle: t\ncategory: payments\nsize: 3\n---\n답\n",
        },
    )
    with pytest.raises(CorpusError) as caught:
        load_corpus(root)
    assert len(caught.value.problems) == 2


def test_not_utf8_is_reported(tmp_path):
    root = write_corpus(tmp_path / "articles")
    (root / "payments" / "latin1.md").write_bytes("---\nid: é\n---\n".encode("cp949", errors="replace") + b"\xff\xfe")
    with pytest.raises(CorpusError) as caught:
        load_corpus(root)
    assert "not UTF-8" in str(caught.value)


def test_nfd_and_bom_and_crlf_files_load_as_nfc(tmp_path):
    import unicodedata

    text = textwrap.dedent(GOOD).replace("pay-declined", "pay-nfd")
    raw = "\ufeff" + unicodedata.normalize("NFD", text).replace("\n", "\r\n")
    root = write_corpus(tmp_path / "articles")
    (root / "payments" / "nfd.md").write_text(raw, encoding="utf-8")
    article = load_corpus(root).get("pay-nfd")
    assert article.title == "결제가 거절되거나 오류가 나요"


def test_article_html_is_sanitized(tmp_path):
    evil = (
        "---\nid: x-1\ntitle: t\ncategory: payments\n---\n답 <script>alert(1)</script> [a](javascript:alert(1))"
        ' <img src=x onerror="alert(1)">\n'
    )
    root = write_corpus(tmp_path / "articles", {**ARTICLES, "payments/x.md": evil})
    html = load_corpus(root).get("x-1").html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_real_articles_are_valid_and_cover_the_fixed_ids():
    from tests.conftest import REPO

    corpus = load_corpus(REPO / "articles")
    public = [a for a in corpus.articles if a.is_public]
    internal = [a for a in corpus.articles if not a.is_public]
    assert len(public) >= 60 and len(internal) >= 4
    fixed = """
        cc-phone-hours cc-channels cc-visit-documents cc-wait-time
        pay-declined pay-duplicate pay-billing-date pay-account-change pay-early pay-overseas pay-late pay-statement
        cancel-purchase cancel-refund-timing cancel-partial cancel-card-termination cancel-subscription
        inst-change inst-interest-free inst-fee inst-prepay inst-withdrawal
        ben-promotions ben-annual-fee ben-spending-requirement ben-lounge
        pts-check pts-earn pts-cash-out pts-expiry pts-fraud
        lost-report lost-theft lost-compensation lost-reissue lost-found-again lost-overseas""".split()
    for article_id in fixed:
        article = corpus.get(article_id)
        assert article is not None and article.is_public, article_id
        assert article.category == article_id.split("-")[0].replace("cc", "customer-center").replace(
            "pay", "payments"
        ).replace("cancel", "cancellation").replace("inst", "installments").replace("ben", "benefits").replace(
            "pts", "points"
        ).replace("lost", "lost-cards"), article_id
    assert "1566-1000" in corpus.get("cc-phone-hours").text
    assert "24시간" in corpus.get("cc-phone-hours").text
    fraud = corpus.get("pts-fraud").text
    assert "CVC" in fraud and "비밀번호" in fraud
