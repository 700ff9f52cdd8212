"""``kb new``: ask (in Korean) or take flags, write the article, check it, print its path."""

from __future__ import annotations

import datetime as dt

import click

from kb.config import Settings


def _ask_category(corpus) -> str:
    keys = list(corpus.categories)
    for number, key in enumerate(keys, 1):
        click.echo(f"  {number}. {corpus.categories[key].label} ({key})", err=True)
    while True:
        answer = click.prompt("분야 번호 또는 이름", err=True).strip()
        if answer.isdigit() and 1 <= int(answer) <= len(keys):
            return keys[int(answer) - 1]
        if answer in corpus.categories:
            return answer
        by_label = [k for k in keys if corpus.categories[k].label == answer]
        if by_label:
            return by_label[0]
        click.echo(f"'{answer}'은(는) 없는 분야입니다. 번호나 이름을 다시 입력하세요.", err=True)


def _ask_questions() -> list[str]:
    click.echo("고객이 같은 것을 다르게 묻는 말을 한 줄에 하나씩 쓰세요 (빈 줄이면 끝).", err=True)
    questions = []
    while True:
        line = click.prompt(f"  질문 {len(questions) + 1}", default="", show_default=False, err=True).strip()
        if not line:
            return questions
        questions.append(line)


def run(
    settings: Settings,
    *,
    category: str | None,
    title: str | None,
    questions: tuple[str, ...],
    tags: tuple[str, ...],
    audience: str,
    article_id: str | None,
    dry_run: bool,
    today: dt.date | None = None,
) -> None:
    from kb.cli import _load
    from kb.new_article import Draft, NewArticleError, create, write

    corpus = _load(settings)
    interactive = title is None
    if category is None:
        category = _ask_category(corpus)
    if title is None:
        title = click.prompt("제목 (고객이 묻는 말로, 예: 카드를 잃어버렸어요)", err=True)
    if interactive and not questions:
        questions = tuple(_ask_questions())
    draft = Draft(category=category, title=title, questions=list(questions), tags=list(tags), audience=audience)
    try:
        path, text = create(corpus, draft, today=today, article_id=article_id)
    except NewArticleError as error:
        raise click.ClickException(str(error)) from None
    if dry_run:
        click.echo(text, nl=False)
        return
    try:
        write(path, text)
    except FileExistsError:
        raise click.ClickException(f"{path} 파일이 이미 있습니다. 다시 실행하면 다른 id를 고릅니다.") from None
    _report_checks(settings, str(path))
    click.echo(str(path))


def _report_checks(settings: Settings, path: str) -> None:
    """The checks on the new file only (the rest of the folder is not this editor's task now)."""
    from kb.checks import check_folder, index_caches

    corpus, findings = check_folder(
        settings.articles_dir,
        index_dir=settings.index_dir,
        max_article_bytes=settings.max_article_bytes,
        **index_caches(settings.index_dir),
    )
    mine = [f for f in findings if f.path == path or (corpus is None and f.is_error)]
    for finding in mine:
        click.echo(str(finding), err=True)
    if not mine:
        click.echo("검사 통과", err=True)
