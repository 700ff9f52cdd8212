"""Question variants that do not find their own article: the engine is the judge.

A question variant is there so that people who ask it get the article. If the engine ranks
it 4th or lower, the variant does not do its job; the article that wins is named, because
often the engine is right (the question belongs there, or the two articles overlap).
"""

from __future__ import annotations

from indexer.audience import EVERYONE, PUBLIC
from kb.checks import WARNING, Finding
from kb.corpus import Corpus

TOP = 3


def check_retrieval(corpus: Corpus, engine, top: int = TOP) -> list[Finding]:
    findings = []
    for article in corpus.articles:
        audiences = PUBLIC if article.is_public else EVERYONE
        lines = article.item_lines.get("questions", [])
        for i, question in enumerate(article.questions):
            line = lines[i] if i < len(lines) else article.lines.get("questions", 2)
            ranked = [h.id for h in engine.search(question, limit=10, audiences=audiences).hits]
            if article.id in ranked[:top]:
                continue
            winner = corpus.get(ranked[0]) if ranked else None
            rank = f"{ranked.index(article.id) + 1}위" if article.id in ranked else "10위 밖"
            if winner is None:
                message = f"질문 '{question}'로 검색하면 아무 문서도 나오지 않습니다"
                fix = "검색되는 낱말로 고쳐 쓰거나 synonyms.yml에 동의어를 더하세요"
            else:
                message = f"질문 '{question}'로 검색하면 이 문서는 {rank}이고 '{winner.id}' ({winner.path})가 1위입니다"
                fix = f"질문을 '{winner.id}'로 옮기거나, 이 문서만의 낱말을 질문에 넣으세요"
            findings.append(Finding(article.path, line, message, WARNING, fix))
    return findings
