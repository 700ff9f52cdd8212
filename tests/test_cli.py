"""The kb CLI: exit codes, messages and the stable JSON contract."""

import json

from kb.cli import main


def invoke(runner, settings, *args, input=None):
    return runner.invoke(
        main,
        [*args[:1], "--articles", str(settings.articles_dir), "--index", str(settings.index_dir), *args[1:]],
        input=input,
    )


def test_check_ok(runner, settings):
    result = runner.invoke(main, ["check", "--articles", str(settings.articles_dir)])
    assert result.exit_code == 0
    assert "7 articles OK (1 internal)" in result.output


def test_check_prints_path_line_message_and_exits_1(runner, settings):
    bad = settings.articles_dir / "payments" / "bad.md"
    bad.write_text("---\nid: bad-1\ntitle: t\ncategory: nope\n---\n답\n", encoding="utf-8")
    result = runner.invoke(main, ["check", "--articles", str(settings.articles_dir)])
    assert result.exit_code == 1
    assert f"{bad}:4: unknown category 'nope'" in result.output


def test_search_json_contract(runner, settings):
    result = invoke(runner, settings, "search", "--json", "카드 잃어버렸어요")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["query"] == "카드 잃어버렸어요"
    first = data["results"][0]
    assert set(first) >= {"id", "title", "category", "score", "snippet"}
    assert first["id"] == "lost-report"


def test_search_json_carries_what_the_api_returns(runner, settings, client):
    """One result shape: the CLI prints the API's fields, incl. what the query was read as."""
    from kb.results import RESULT_KEYS

    for query in ["zkem qnstlf", "분싫 신고", "ㅂㅅㅅㄱ"]:
        cli = json.loads(invoke(runner, settings, "search", "--json", query).output)
        api = client.get(f"/api/search?q={query}").get_json()
        api.pop("search_id")
        api.pop("popular", None)
        assert cli == api, query
        assert all(list(r) == list(RESULT_KEYS) for r in cli["results"])
    layout = json.loads(invoke(runner, settings, "search", "--json", "zkem qnstlf").output)
    assert layout["interpreted_as"] == "카드 분실" and layout["layout_fixed"]
    typo = json.loads(invoke(runner, settings, "search", "--json", "분싫 신고").output)
    assert typo["did_you_mean"] == "분실 신고"


def test_search_takes_unquoted_words(runner, settings):
    result = invoke(runner, settings, "search", "--json", "카드", "분실")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == "카드 분실" and data["results"][0]["id"] == "lost-report"
    plain = invoke(runner, settings, "search", "카드", "분실")
    assert plain.exit_code == 0 and "lost-report" in plain.output


def test_search_stdin_json_lines(runner, settings):
    result = invoke(runner, settings, "search", "--json", "-", input="카드 분실\n\n결재 오류\n")
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["query"] for line in lines] == ["카드 분실", "", "결재 오류"]
    assert lines[1]["results"] == []
    assert lines[2]["results"][0]["id"] == "pay-declined"


def test_search_hides_internal_unless_asked(runner, settings):
    public = invoke(runner, settings, "search", "--json", "상담 시작 스크립트")
    assert "agent-script" not in public.output
    internal = invoke(runner, settings, "search", "--json", "--internal", "상담 시작 스크립트")
    assert json.loads(internal.output)["results"][0]["id"] == "agent-script"


def test_search_without_index_says_what_to_do(runner, settings, tmp_path):
    result = runner.invoke(
        main, ["search", "카드", "--articles", str(settings.articles_dir), "--index", str(tmp_path / "none")]
    )
    assert result.exit_code == 1
    assert "Run `kb index` first" in result.output


def test_eval_prints_metrics_per_label(runner, settings, tmp_path):
    tsv = tmp_path / "q.tsv"
    tsv.write_text(
        "# comment\n카드 분실\tlost-report\tkeyword\n결재 오류\tpay-declined\ttypo\n"
        "전혀 관계없는 말\tpts-cash-out\tkeyword\n",
        encoding="utf-8",
    )
    result = invoke(runner, settings, "eval", str(tsv))
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines()}
    assert lines["overall"][1:] == ["3", "0.667", "0.667", "0.667"]
    assert lines["typo"][1:] == ["1", "1.000", "1.000", "1.000"]


def test_eval_bad_file_names_line(runner, settings, tmp_path):
    tsv = tmp_path / "q.tsv"
    tsv.write_text("카드 분실\tlost-report\n한 칸만\n", encoding="utf-8")
    result = invoke(runner, settings, "eval", str(tsv))
    assert result.exit_code == 1 and f"{tsv}:2:" in result.output


def test_index_reports_and_skips_unchanged(runner, settings):
    result = invoke(runner, settings, "index")
    assert result.exit_code == 0 and "up to date" in result.output
    forced = invoke(runner, settings, "index", "--force")
    assert "indexed 7 articles" in forced.output


def test_analyze_shows_terms_with_offsets(runner):
    result = runner.invoke(main, ["analyze", "카드를 잃어버렸어요"])
    assert "잃어버리\tVV\t4-8\t잃어버렸" in result.output


def test_check_rejects_an_article_over_the_size_limit(runner, settings, monkeypatch):
    big = settings.articles_dir / "payments" / "pay-huge.md"
    big.write_text("---\nid: pay-huge\ntitle: 큰 문서\ncategory: payments\n---\n" + "카드 결제 " * 2000, "utf-8")
    result = runner.invoke(main, ["check", "--no-search", "--articles", str(settings.articles_dir)])
    assert result.exit_code == 0, result.output  # ~14 KB is far under the default limit
    monkeypatch.setenv("KB_MAX_ARTICLE_BYTES", "10000")
    result = runner.invoke(main, ["check", "--no-search", "--articles", str(settings.articles_dir)])
    assert result.exit_code == 1
    assert f"{big}:1: the file has {big.stat().st_size:,} bytes, over the limit of 10,000" in result.output
    index = invoke(runner, settings, "index")
    assert index.exit_code == 1 and "over the limit" in index.output


def test_check_rejects_files_that_resolve_outside_the_articles_folder(runner, settings, tmp_path):
    secret = tmp_path / "outside.md"
    secret.write_text("---\nid: leaked\ntitle: 비밀 값 SECRET-42\ncategory: payments\n---\n외부 파일\n", "utf-8")
    link = settings.articles_dir / "payments" / "leak.md"
    link.symlink_to(secret)
    result = runner.invoke(main, ["check", "--no-search", "--articles", str(settings.articles_dir)])
    assert result.exit_code == 1
    assert f"{link}:1: resolves outside the articles folder" in result.output
    assert "SECRET-42" not in result.output and "leaked" not in result.output
    (settings.articles_dir / "categories.yml").rename(tmp_path / "categories.yml")
    (settings.articles_dir / "categories.yml").symlink_to(tmp_path / "categories.yml")
    result = runner.invoke(main, ["check", "--no-search", "--articles", str(settings.articles_dir)])
    assert f"{settings.articles_dir / 'categories.yml'}:1: resolves outside the articles folder" in result.output


def test_eval_shows_progress_on_a_terminal(runner, settings, tmp_path, monkeypatch):
    import kb.cli

    tsv = tmp_path / "q.tsv"
    tsv.write_text("카드 분실\tlost-report\n결재 오류\tpay-declined\n", encoding="utf-8")
    quiet = invoke(runner, settings, "eval", str(tsv))
    assert "평가" not in quiet.output
    monkeypatch.setattr(kb.cli, "progress_hidden", lambda: False)
    shown = invoke(runner, settings, "eval", str(tsv))
    assert shown.exit_code == 0 and shown.output.startswith("평가")
