"""``kb search``: the same snapshot, audience gate and result dicts as /api/search."""

from __future__ import annotations

import json
from collections.abc import Iterable

import click

from indexer import EVERYONE, PUBLIC
from kb.results import AGENT_PATHS, PUBLIC_PATHS, search, search_body
from kb.snapshot import Snapshot


def run_search(snapshot: Snapshot, queries: Iterable[str], *, limit: int, internal: bool, as_json: bool, explain: bool):
    audiences, links = (EVERYONE, AGENT_PATHS) if internal else (PUBLIC, PUBLIC_PATHS)
    for text in queries:
        results = search(snapshot, text, limit=limit, audiences=audiences, links=links)
        if as_json:
            click.echo(json.dumps(search_body(snapshot, results), ensure_ascii=False))
        else:
            _print(results, text, explain)


def _print(results, text: str, explain: bool) -> None:
    plan = results.plan
    if plan.layout_fixed:
        click.echo(f"한/영 전환: '{plan.original}' → '{plan.text}'")
    if plan.initials:
        click.echo(f"초성: '{plan.original}' → '{plan.text}'")
    if plan.did_you_mean:
        click.echo(f"이것을 찾으셨나요? {plan.did_you_mean}")
    if explain:
        click.echo(
            f"terms={plan.terms} corrections={list(plan.corrections)} synonyms={plan.synonyms} ngrams={plan.ngrams}"
        )
    if not results.results:
        click.echo(f"'{text}'에 대한 검색 결과가 없습니다.")
    for rank, hit in enumerate(results.results, 1):
        marker = " [내부]" if hit["audience"] == "internal" else ""
        click.echo(f"{rank:2}. {hit['title']}{marker}  ({hit['id']}, {hit['category']}, {hit['score']:.2f})")
        click.echo(f"    {hit['snippet']}")
