"""kb new: a free readable id, a valid article from the template, checked, path printed."""

import datetime as dt

from kb.cli import main
from kb.corpus import load_corpus
from kb.new_article import Draft, free_id, romanize


def new(runner, corpus, *args, input=None):
    return runner.invoke(
        main, ["new", "--articles", str(corpus), "--index", str(corpus.parent / "none"), *args], input=input
    )


def test_romanize_is_readable_ascii():
    assert romanize("분실 신고") == "bunsil-singo"
    assert romanize("재발급") == "jaebalgeup"
    assert romanize("VIP 라인!") == "vip-rain"


def test_free_id_uses_the_category_prefix_and_never_collides(corpus):
    loaded = load_corpus(corpus)
    first = free_id(loaded, Draft("lost-cards", "분실 신고"))
    assert first == "lost-bunsil-singo"
    (corpus / "lost-cards" / f"{first}.md").write_text("draft", encoding="utf-8")  # a file not yet valid
    assert free_id(loaded, Draft("lost-cards", "분실 신고")) == "lost-bunsil-singo-2"


def test_new_with_flags_writes_a_valid_article_and_prints_its_path(runner, corpus):
    result = new(
        runner,
        corpus,
        "--category",
        "points",
        "--title",
        "포인트 유효기간이: 궁금해요",
        "--question",
        "포인트 언제 없어져요",
        "--question",
        "#소멸 기간",
    )
    assert result.exit_code == 0, result.output
    path = corpus / "points" / "pts-pointeu-yuhyo-gigan.md"
    assert result.output.strip().splitlines()[-1] == str(path)
    assert "템플릿 문구가 남아 있습니다" in result.output  # the checks ran on it
    article = load_corpus(corpus).get("pts-pointeu-yuhyo-gigan")
    assert article.title == "포인트 유효기간이: 궁금해요"
    assert article.questions == ["포인트 언제 없어져요", "#소멸 기간"]
    assert article.updated == dt.date.today()


def test_new_asks_in_korean(runner, corpus):
    result = new(runner, corpus, input="분실·도난\n카드 배송 조회\n새 카드 언제 와요\n\n")
    assert result.exit_code == 0, result.output
    assert "분야 번호 또는 이름" in result.output and "제목" in result.output
    path = corpus / "lost-cards" / "lost-kadeu-baesong-johoe.md"
    assert path.exists()
    assert load_corpus(corpus).get("lost-kadeu-baesong-johoe").questions == ["새 카드 언제 와요"]


def test_dry_run_prints_and_writes_nothing(runner, corpus):
    before = sorted(corpus.rglob("*.md"))
    result = new(runner, corpus, "--dry-run", "--category", "payments", "--title", "결제일 변경")
    assert result.exit_code == 0
    assert result.output.startswith("---\nid: pay-gyeoljeil-byeongyeong\n")
    assert f"updated: {dt.date.today().isoformat()}" in result.output
    assert sorted(corpus.rglob("*.md")) == before


def test_bad_category_and_taken_id_are_clear_errors(runner, corpus):
    bad = new(runner, corpus, "--category", "nope", "--title", "x")
    assert bad.exit_code == 1 and "분야 'nope'가 categories.yml에 없습니다" in bad.output
    taken = new(runner, corpus, "--category", "payments", "--title", "x", "--id", "lost-report")
    assert taken.exit_code == 1 and "이미 있습니다" in taken.output
