"""The whole articles folder: articles, categories.yml and synonyms.yml, checked together."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.articles import Article, CorpusError, Problem, parse_article


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    description: str = ""


@dataclass
class Corpus:
    root: Path
    articles: list[Article]
    categories: dict[str, Category]
    synonyms: list[list[str]] = field(default_factory=list)
    synonym_lines: dict[str, int] = field(default_factory=dict)

    def get(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def __post_init__(self):
        self._by_id = {a.id: a for a in self.articles}

    @property
    def public(self) -> list[Article]:
        return [a for a in self.articles if a.is_public]

    def in_category(self, key: str, audiences=("public",)) -> list[Article]:
        return sorted(
            (a for a in self.articles if a.category == key and a.audience in audiences), key=lambda a: a.title
        )


def _load_yaml(path: Path, display: str, problems: list[Problem]):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(display, 1, "file is missing"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.append(
            Problem(display, mark.line + 1 if mark else 1, f"not valid YAML: {getattr(error, 'problem', error)}")
        )
    return None


def load_categories(root: Path, problems: list[Problem]) -> dict[str, Category]:
    display = str(root / "categories.yml")
    data = _load_yaml(root / "categories.yml", display, problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(display, 1, "must map each category key to {label, description}"))
        return {}
    categories = {}
    for key, value in data.items():
        value = value if isinstance(value, dict) else {"label": value}
        categories[str(key)] = Category(str(key), str(value.get("label") or key), str(value.get("description") or ""))
    return categories


def load_synonyms(root: Path, problems: list[Problem]) -> tuple[list[list[str]], dict[str, int]]:
    """Synonym groups, and the line of each word (for warnings that point at it)."""
    path = root / "synonyms.yml"
    if not path.exists():
        return [], {}
    data = _load_yaml(path, str(path), problems) or []
    if not isinstance(data, list) or not all(isinstance(g, list) for g in data):
        problems.append(Problem(str(path), 1, "must be a list of groups, e.g. - [결제, 결재, 지불]"))
        return [], {}
    lines: dict[str, int] = {}
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    for group in node.value if node is not None else []:
        for item in getattr(group, "value", []):
            if isinstance(item, yaml.ScalarNode):
                lines.setdefault(item.value, item.start_mark.line + 1)
    return [[str(word) for word in group] for group in data], lines


def load_corpus(root: str | Path) -> Corpus:
    """Read and check everything; raise CorpusError listing every problem found."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError([Problem(str(root), 0, "articles folder does not exist")])
    problems: list[Problem] = []
    categories = load_categories(root, problems)
    synonyms, synonym_lines = load_synonyms(root, problems)
    articles: list[Article] = []
    for path in sorted(root.rglob("*.md")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        article, found = parse_article(path, str(path))
        problems.extend(found)
        if article:
            articles.append(article)
    problems.extend(check_links(articles, categories))
    if problems:
        raise CorpusError(problems)
    return Corpus(root=root, articles=articles, categories=categories, synonyms=synonyms, synonym_lines=synonym_lines)


def check_links(articles: list[Article], categories: dict[str, Category]) -> list[Problem]:
    """Problems that need the whole corpus: duplicate ids, unknown categories, broken related links."""
    problems = []
    seen: dict[str, Article] = {}
    for article in articles:
        if article.id in seen:
            problems.append(
                Problem(
                    article.path, article.lines["id"], f"duplicate id '{article.id}' (also in {seen[article.id].path})"
                )
            )
        else:
            seen[article.id] = article
    for article in articles:
        if categories and article.category not in categories:
            known = ", ".join(categories)
            problems.append(
                Problem(
                    article.path, article.lines["category"], f"unknown category '{article.category}' (known: {known})"
                )
            )
        for target in article.related:
            other = seen.get(target)
            if other is None:
                problems.append(
                    Problem(article.path, article.lines["related"], f"related article '{target}' does not exist")
                )
            elif target == article.id:
                problems.append(
                    Problem(article.path, article.lines["related"], "an article cannot be related to itself")
                )
            elif article.is_public and not other.is_public:
                problems.append(
                    Problem(
                        article.path, article.lines["related"], f"public article links to internal article '{target}'"
                    )
                )
    return problems
