"""kb check's editorial findings: duplicates, body links, short answers, self-retrieval, staleness."""

import datetime as dt

import pytest

from kb.checks import check_folder, run_checks
from kb.cli import main
from kb.corpus import load_corpus

TODAY = dt.date(2026, 11, 29)


def findings_for(corpus_dir, **options):
    corpus, findings = check_folder(corpus_dir, search=False, today=TODAY, **options)
    assert corpus is not None, [str(f) for f in findings]
    return findings


def test_copy_under_new_id_is_an_error_naming_both_files_and_lines(corpus):
    original = corpus / "lost-cards" / "lost-report.md"
    copy = corpus / "lost-cards" / "lost-report-copy.md"
    copy.write_text(original.read_text(encoding="utf-8").replace("id: lost-report", "id: lost-report-copy"), "utf-8")
    findings = [f for f in findings_for(corpus) if "거의 같습니다" in f.message]
    assert len(findings) == 1
    text = str(findings[0])
    assert text.startswith(f"{original}:13: ") or text.startswith(f"{copy}:13: ")
    assert f"{original}:13" in text and f"{copy}:13" in text


def test_reworded_question_in_another_article_is_flagged_with_both_lines(corpus):
    path = corpus / "payments" / "pay-declined.md"
    text = path.read_text(encoding="utf-8").replace("questions: [", "questions: [카드 잃어버렸어요, ")
    path.write_text(text, encoding="utf-8")
    findings = [f for f in findings_for(corpus) if "같은 질문" in f.message]
    assert len(findings) == 1
    assert findings[0].severity == "warning"
    assert f"{corpus / 'lost-cards' / 'lost-report.md'}:6" in findings[0].message
    assert findings[0].path == str(path) and findings[0].line == 5


def test_body_links_to_missing_and_internal_articles(corpus):
    path = corpus / "payments" / "pay-overseas.md"
    text = path.read_text(encoding="utf-8").rstrip("\n")
    text += "\n\n[없는 문서](/articles/no-such)\n\n[스크립트](/articles/agent-script) [분실](/articles/lost-report)\n"
    path.write_text(text, encoding="utf-8")
    findings = {f.line: f for f in findings_for(corpus) if f.path == str(path)}
    assert "no-such" in findings[11].message and findings[11].is_error
    assert "내부용" in findings[13].message and findings[13].is_error
    assert len(findings) == 2  # the link to a public article is fine


def test_short_answer_too_long_warns_and_empty_errors(corpus):
    path = corpus / "points" / "pts-cash-out.md"
    head = path.read_text(encoding="utf-8").split("---\n")[1]
    path.write_text(f"---\n{head}---\n{'가' * 200}\n", encoding="utf-8")
    heading_only = corpus / "points" / "pts-heading.md"
    heading_only.write_text(
        "---\nid: pts-heading\ntitle: 제목만\ncategory: points\nupdated: 2026-11-01\n---\n## 머리말만 있어요\n",
        encoding="utf-8",
    )
    findings = findings_for(corpus)
    long = [f for f in findings if f.path == str(path) and "200자" in f.message]
    assert long and long[0].severity == "warning" and long[0].line == 9
    empty = [f for f in findings if f.path == str(heading_only) and "비어" in f.message]
    assert empty and empty[0].is_error and empty[0].line == 7


def test_stale_threshold_is_configurable(corpus):
    recent = findings_for(corpus, stale_days=365)
    assert not [f for f in recent if "수정되지 않았습니다" in f.message]
    strict = [f for f in findings_for(corpus, stale_days=20) if "수정되지 않았습니다" in f.message]
    # every article updated 2026-11-01 (28 days before TODAY), not lost-report (11-24) or lost-reissue (11-20)
    assert {f.path.rsplit("/", 1)[1] for f in strict} == {
        "pay-declined.md",
        "pay-overseas.md",
        "cc-phone-hours.md",
        "pts-cash-out.md",
        "agent-script.md",
    }
    assert all(f.severity == "warning" and "updated: 2026-11-29" in f.fix for f in strict)


def test_question_that_finds_another_article_names_the_winner(corpus):
    path = corpus / "points" / "pts-cash-out.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("questions: [포인트 현금화]", "questions: [해외 결제 방법]"), "utf-8"
    )
    from kb.checks.engine import engine_for
    from kb.checks.retrieval import check_retrieval

    loaded = load_corpus(corpus)
    with engine_for(loaded) as fresh:
        # six public articles: any question is in the top 3, so the test asks for the top 1
        assert not [f for f in run_checks(loaded, engine=fresh, today=TODAY) if "검색하면" in f.message]
        findings = check_retrieval(loaded, fresh, top=1)
    misses = [f for f in findings if f.path == str(path)]
    assert len(misses) == 1
    assert "'pay-overseas'" in misses[0].message and misses[0].line == 5


def test_sample_corpus_has_no_errors():
    from tests.conftest import REPO

    corpus, findings = check_folder(REPO / "articles", search=False, today=TODAY)
    assert corpus is not None and not [str(f) for f in findings if f.is_error]


@pytest.mark.parametrize("stale", ["--stale-days=1", "--stale-days=9999"])
def test_cli_warnings_exit_0_errors_exit_1(runner, settings, stale):
    result = runner.invoke(main, ["check", "--articles", str(settings.articles_dir), "--no-search", stale])
    assert result.exit_code == 0, result.output
    assert ("warning:" in result.output) == (stale == "--stale-days=1")
    bad = settings.articles_dir / "payments" / "pay-overseas.md"
    bad.write_text(bad.read_text(encoding="utf-8") + "\n[x](/articles/missing-one)\n", encoding="utf-8")
    failed = runner.invoke(main, ["check", "--articles", str(settings.articles_dir), "--no-search", stale])
    assert failed.exit_code == 1
    assert f"{bad}:11: 본문 링크 '/articles/missing-one'" in failed.output


def test_checks_read_the_builds_analyses_not_kiwi(corpus, tmp_path, monkeypatch):
    """The watcher and the editor pages check the folder on every save: at 20,000 articles sending
    every title and body to Kiwi again took minutes. With an index root the checks read the
    analyses its build cached, and find the same things."""
    from indexer import analysis
    from kb.checks import terms
    from kb.indexing import build

    original = corpus / "lost-cards" / "lost-report.md"
    copy = corpus / "lost-cards" / "lost-report-copy.md"
    copy.write_text(original.read_text(encoding="utf-8").replace("id: lost-report", "id: lost-report-copy"), "utf-8")
    build(load_corpus(corpus), tmp_path / "ix")
    expected = [str(f) for f in findings_for(corpus)]
    assert any("거의 같습니다" in f for f in expected)

    def no_kiwi():
        raise AssertionError("a text the build analysed went to Kiwi again")

    analysis.forget()
    monkeypatch.setattr(terms, "_TERMS", {})  # what the check remembers from the first run
    monkeypatch.setattr(analysis, "get_kiwi", no_kiwi)
    assert [str(f) for f in findings_for(corpus, analysis_root=tmp_path / "ix")] == expected


def test_watcher_compares_only_articles_changed_since_the_build(tmp_path):
    """Comparing every pair of 20,000 articles on each save took the watcher many minutes; pairs of
    articles indexed as they are were judged when they were saved. (The sample articles: in a tiny
    corpus three copies make every word too common to pair anything.)"""
    import shutil

    from kb.indexing import build
    from tests.conftest import REPO

    corpus = shutil.copytree(REPO / "articles", tmp_path / "articles")
    original = corpus / "lost-cards" / "lost-report.md"
    text = original.read_text(encoding="utf-8")
    (corpus / "lost-cards" / "copy-one.md").write_text(text.replace("id: lost-report", "id: copy-one"), "utf-8")
    build(load_corpus(corpus), tmp_path / "ix")

    def copies(**options) -> list[str]:
        return [str(f) for f in findings_for(corpus, **options) if "거의 같습니다" in f.message]

    assert len(copies()) == 1
    assert copies(since_build=tmp_path / "ix") == []  # nothing saved since the build
    (corpus / "lost-cards" / "copy-two.md").write_text(text.replace("id: lost-report", "id: copy-two"), "utf-8")
    found = copies(since_build=tmp_path / "ix")
    assert len(found) == 2 and all("copy-two" in f for f in found)  # the new copy against both
    assert len(copies(since_build=tmp_path / "no-build")) == len(copies()) == 3


def test_a_fresh_check_reads_terms_not_analyses(corpus, tmp_path, monkeypatch):
    """Decoding every full analysis from the cache took each `kb check` ~20 s at 20,000 articles:
    the terms the near-duplicate check needs are kept beside it, and read alone next time."""
    from indexer import analysis, analysis_cache
    from kb.checks import terms
    from kb.indexing import build

    original = corpus / "lost-cards" / "lost-report.md"
    copy = corpus / "lost-cards" / "lost-report-copy.md"
    copy.write_text(original.read_text(encoding="utf-8").replace("id: lost-report", "id: lost-report-copy"), "utf-8")
    build(load_corpus(corpus), tmp_path / "ix")
    monkeypatch.setattr(terms, "_TERMS", {})  # nothing remembered from other tests
    expected = [str(f) for f in findings_for(corpus, analysis_root=tmp_path / "ix")]
    assert any("거의 같습니다" in f for f in expected)
    assert list((tmp_path / "ix" / "cache").glob("check-terms-*.sqlite"))

    def unused(*args, **kwargs):
        raise AssertionError("the analyses were read again")

    monkeypatch.setattr(terms, "_TERMS", {})  # a new process
    monkeypatch.setattr(analysis_cache, "analyse_cached", unused)
    monkeypatch.setattr(analysis, "get_kiwi", unused)
    assert [str(f) for f in findings_for(corpus, analysis_root=tmp_path / "ix")] == expected


def test_ranking_checks_on_a_changed_folder_build_on_the_live_build(corpus, tmp_path):
    """One article changed since `kb index`: the throwaway index for the ranking checks starts from
    the live build (a build from nothing took minutes at 20,000 articles), finds what a build from
    nothing finds, and leaves the live index as it was."""
    import os
    import subprocess

    from indexer.artifact import read_build_meta
    from kb.checks.engine import engine_for
    from kb.checks.retrieval import check_retrieval
    from kb.indexing import build

    index = tmp_path / "index"
    build(load_corpus(corpus), index)
    live, builds = os.readlink(index / "current"), sorted(os.listdir(index / "builds"))
    path = corpus / "points" / "pts-cash-out.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("questions: [포인트 현금화]", "questions: [해외 결제 방법]"), "utf-8"
    )
    loaded = load_corpus(corpus)
    finished = subprocess.Popen(["true"])
    finished.wait()
    killed = tmp_path / f".kb-check-{finished.pid}-x1"  # left by a check killed mid-way: its process is gone
    running = tmp_path / f".kb-check-{os.getppid()}-x2"  # a check still running in another process
    for folder in (killed, running):
        (folder / "builds").mkdir(parents=True)
    with engine_for(loaded) as fresh:
        expected = [str(f) for f in check_retrieval(loaded, fresh, top=1)]
    with engine_for(loaded, index) as engine:
        meta = read_build_meta(engine.path)
        assert [str(f) for f in check_retrieval(loaded, engine, top=1)] == expected
    assert any("'pay-overseas'" in f for f in expected)
    assert os.readlink(index / "current") == live and sorted(os.listdir(index / "builds")) == builds
    assert list(tmp_path.glob(".kb-check-*")) == [running]  # ours and the killed one's are gone
    assert meta["incremental"] and meta["changed"] == 1


def test_ranking_checks_build_from_nothing_when_the_live_build_is_removed_under_them(corpus, tmp_path, monkeypatch):
    """A watcher beside `kb check` keeps two builds: two saves during the check remove the build its
    throwaway index was linking from. The check then builds from nothing instead of stopping."""
    import shutil

    import indexer.build
    from indexer.artifact import read_build_meta
    from kb.checks.engine import engine_for
    from kb.checks.retrieval import check_retrieval
    from kb.indexing import build

    index = tmp_path / "index"
    build(load_corpus(corpus), index)
    path = corpus / "points" / "pts-cash-out.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("questions: [포인트 현금화]", "questions: [해외 결제 방법]"), "utf-8"
    )
    loaded = load_corpus(corpus)
    link_segments, pruned = indexer.build.link_segments, []

    def pruned_while_linking(previous, staging):
        shutil.rmtree(previous)  # what the watcher's prune does to the oldest build
        pruned.append(previous)
        link_segments(previous, staging)

    monkeypatch.setattr(indexer.build, "link_segments", pruned_while_linking)
    with engine_for(loaded, index) as engine:
        meta = read_build_meta(engine.path)
        found = [str(f) for f in check_retrieval(loaded, engine, top=1)]
    assert pruned and not meta["incremental"]
    assert any("'pay-overseas'" in f for f in found)
    assert not list(tmp_path.glob(".kb-check-*"))


def test_a_few_texts_terms_are_looked_up_by_key_as_a_full_read_finds_them(tmp_path, monkeypatch):
    """A watcher's save looks up the edited texts' terms by key (reading every row took ~0.1 s a
    save at 20,000 articles): the same terms, and the same row count, as reading them all."""
    from kb.checks import terms

    path = tmp_path / "check-terms.sqlite"
    stored = {f"key-{i}": frozenset({f"낱말{i}", "공통"}) for i in range(600)} | {"empty": frozenset()}
    terms._write(path, stored)
    wanted = {"key-3", "key-599", "empty", "not-there"}
    few = terms._read(path, wanted)
    assert few == ({k: stored[k] for k in wanted - {"not-there"}}, 601)
    assert terms._read(path, wanted, count=False) == (few[0], 0)
    monkeypatch.setattr(terms, "FEW_KEYS", 0)  # every row read
    assert terms._read(path, wanted) == few
