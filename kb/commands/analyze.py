"""``kb analyze``: what a query becomes, step by step, and (with an index) why it ranks as it does."""

from __future__ import annotations

import click

from indexer.audience import EVERYONE, PUBLIC
from kb.config import Settings

REASONS = {
    "missing": "색인에 없는 id입니다 (새 문서라면 kb index 후 다시, 아니면 id 오타)",
    "internal": "내부용 문서라 고객 검색에는 나오지 않습니다 (--internal 로 상담원 검색)",
    "no_shared_term": "검색어와 겹치는 낱말이 하나도 없습니다: 이 표현을 질문(questions)에 넣거나 동의어를 더하세요",
    "cut_off": "점수가 1위의 20%에 못 미쳐 잘렸습니다: 질문이나 태그에 검색어의 낱말을 넣으세요",
    "below_limit": "결과가 많아 보이는 범위 밖으로 밀렸습니다",
}


def _analyzer_lines(text: str) -> list[str]:
    from indexer import analyze, ngrams, normalize
    from indexer.explain import morphemes
    from indexer.tags import tag_label

    lines = [f"정규화(normalized): {normalize(text)}", "", "검색어로 쓰는 형태소 (term  tag  offsets  원문  뜻):"]
    lines += [
        f"{t.text}\t{t.tag}\t{t.start}-{t.end}\t{text[t.start : t.end]}\t{tag_label(t.tag)}"
        + ("" if t.known else "\t사전에 없는 말")
        for t in analyze(text)
    ]
    dropped = [m for m in morphemes(normalize(text)) if not m.kept]
    lines.append(
        "버린 형태소 (조사·어미·기호·흔한 말): "
        + (", ".join(f"{m.form}({m.tag} {tag_label(m.tag)})" for m in dropped) or "없음")
    )
    lines.append("글자조각(n-grams): " + " ".join(t.text for t in ngrams(text)))
    return lines


def run(settings: Settings, text: str, *, article_id: str | None, internal: bool, limit: int, engine_factory) -> None:
    for line in _analyzer_lines(text):
        click.echo(line)
    engine = engine_factory()
    if engine is None:
        click.echo("\n(색인이 없어 교정·동의어·순위는 생략합니다: kb index 후 다시 실행하세요)")
        return
    from indexer.explain import explain

    audiences = EVERYONE if internal else PUBLIC
    result = explain(engine, text, article_id=article_id, audiences=audiences, limit=limit)
    plan = result.plan
    click.echo("")
    click.echo(f"한/영 전환(layout fix): {plan.text if plan.layout_fixed else '없음'}")
    click.echo(f"초성 읽기(initials): {plan.text if plan.initials else '없음'}")
    click.echo(f"검색 낱말(terms): {' '.join(plan.terms) or '없음'}")
    corrections = ", ".join(plan.corrections) or "없음"
    click.echo(
        f"오타 교정(corrections): {corrections}" + (f"  (제안: {plan.did_you_mean})" if plan.did_you_mean else "")
    )
    synonyms = "; ".join(f"{src} → {', '.join(alts)}" for src, alts in plan.synonyms) or "없음"
    click.echo(f"동의어(synonyms): {synonyms}")
    click.echo(f"글자조각(n-grams): {' '.join(plan.ngrams) or '없음'}")
    if result.dropped_common:
        common = ", ".join(f"{t}({f})" for f, t in result.dropped_common)
        click.echo(f"너무 흔해 뺀 낱말(common, skipped): {common}")
    click.echo("")
    click.echo(f"순위 (rank  score  id  title; 1위 점수의 20%={result.cutoff:.2f} 미만은 잘림):")
    if not result.ranked:
        click.echo("  결과 없음")
    for r in result.ranked[: max(limit, 1)]:
        flags = (" [내부]" if r.audience == "internal" else "") + ("" if r.kept else " [잘림]")
        click.echo(f"{r.rank:3}  {r.score:7.2f}  {r.id}  {r.title}{flags}")
    report = result.article
    if report is None:
        return
    click.echo("")
    click.echo(f"'{report.id}' 점수 분석:")
    if report.parts:
        click.echo("  점수  종류  필드  낱말  가중치 (score  kind  field  term  boost)")
        for part in report.parts:
            where = f"{part.field_label}({part.field})"
            click.echo(f"  {part.score:6.2f}  {part.kind_label}  {where}  {part.text}  ×{part.boost:g}")
        click.echo(f"  합계 {report.score:.2f}, 순위 {report.rank or '-'}")
    if report.reason:
        click.echo(f"  빠진 이유: {REASONS[report.reason]}")
        if report.article_terms:
            click.echo(f"  이 문서의 제목·질문·태그 낱말: {' '.join(report.article_terms)}")
