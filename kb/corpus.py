"""The whole articles folder: articles, categories.yml and synonyms.yml, checked together."""

from __future__ import annotations

import bisect
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISLNK, S_ISREG

import yaml

from indexer.audience import PUBLIC, Audiences
from kb import parse_cache
from kb.articles import NULL_TAG, SURROGATE, Article, CorpusError, Problem, find_surrogate, printable
from kb.parse_many import parse_many


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
    # every article file the load listed (path as displayed) -> the cache key of the bytes it was
    # loaded from, or None when it must be looked at again (a symlink, a file refused or unread)
    files: dict[str, str | None] = field(default_factory=dict)

    def get(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def __post_init__(self):
        self._by_id = {a.id: a for a in self.articles}

    @property
    def public(self) -> list[Article]:
        return [a for a in self.articles if a.is_public]

    def in_category(self, key: str, audiences: Audiences = PUBLIC) -> list[Article]:
        return sorted(
            (a for a in self.articles if a.category == key and a.audience in audiences), key=lambda a: a.title
        )


_FAILED = object()


def _load_yaml(path: Path, display: str, problems: list[Problem], parse=yaml.load):
    """``parse`` (load or compose) of the file, or _FAILED once the reason is in ``problems``."""
    if refused := outside_folder(path, path.parent):
        problems.append(refused)
        return _FAILED
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(display, 1, "file is missing"))
        return _FAILED
    except OSError as error:
        problems.append(Problem(display, 1, f"cannot read file ({error.strerror or error})"))
        return _FAILED
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(display, 1, f"not UTF-8 text ({error.reason} at byte {error.start})"))
        return _FAILED
    try:
        return parse(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.append(
            Problem(display, mark.line + 1 if mark else 1, f"not valid YAML: {getattr(error, 'problem', error)}")
        )
    except Exception:  # PyYAML recurses per nesting level: RecursionError, or worse, must not escape
        problems.append(Problem(display, 1, "too deeply nested or malformed YAML"))
    return _FAILED


def load_categories(root: Path, problems: list[Problem]) -> dict[str, Category]:
    display = str(root / "categories.yml")
    data = _load_yaml(root / "categories.yml", display, problems)
    if data is _FAILED:
        return {}
    if data is not None and not isinstance(data, dict):
        problems.append(Problem(display, 1, "must map each category key to {label, description}"))
        return {}
    categories = {}
    for key, value in (data or {}).items():
        value = value if isinstance(value, dict) else {"label": value}
        category = Category(str(key), str(value.get("label") or key), str(value.get("description") or ""))
        if bad := find_surrogate([category.key, category.label, category.description]):
            problems.append(
                Problem(
                    display,
                    1,
                    f"category '{printable(category.key)}' contains an invalid character"
                    f" (lone surrogate U+{ord(bad):04X})",
                )
            )
            continue
        categories[category.key] = category
    if not data:
        # without categories every article would pass the unknown-category check unseen
        problems.append(Problem(display, 1, "categories.yml defines no categories"))
    return categories


def load_synonyms(root: Path, problems: list[Problem]) -> tuple[list[list[str]], dict[str, int]]:
    """Synonym groups, and the line of each word (for warnings that point at it)."""
    path = root / "synonyms.yml"
    if not path.exists() and not path.is_symlink():
        return [], {}
    display = str(path)
    node = _load_yaml(path, display, problems, parse=yaml.compose)
    if node is _FAILED or node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG):
        return [], {}
    groups = node.value if isinstance(node, yaml.SequenceNode) else None
    if groups is None or not all(
        isinstance(g, yaml.SequenceNode) or (isinstance(g, yaml.ScalarNode) and g.tag == NULL_TAG) for g in groups
    ):
        problems.append(Problem(display, 1, "must be a list of groups, e.g. - [결제, 결재, 지불]"))
        return [], {}
    synonyms: list[list[str]] = []
    lines: dict[str, int] = {}
    for group in groups:
        words = []
        for item in group.value if isinstance(group, yaml.SequenceNode) else []:
            line = item.start_mark.line + 1
            if not isinstance(item, yaml.ScalarNode):
                problems.append(Problem(display, line, "a synonym group must list plain words, not lists or mappings"))
            elif item.tag == NULL_TAG:
                continue  # an empty entry, e.g. a trailing "~" or "-": nothing to match
            elif bad := SURROGATE.search(item.value):
                problems.append(
                    Problem(display, line, f"contains an invalid character (lone surrogate U+{ord(bad.group()):04X})")
                )
            else:
                words.append(item.value)
                lines.setdefault(item.value, line)
        if words:
            synonyms.append(words)
    return synonyms, lines


MAX_ARTICLE_BYTES = 256 * 1024  # a FAQ answer is a few KB; megabytes are a mistake that would stall search


def outside_folder(path: Path, root: Path) -> Problem | None:
    """A file (or symlink) that resolves outside the articles folder is never read: it would publish it."""
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: reading it fails, and parse_article says so
        return None
    if target.is_relative_to(root.resolve()):
        return None
    return Problem(str(path), 1, "resolves outside the articles folder (a symlink?); only files inside it are read")


class _InsideCheck:
    """``outside_folder`` for many files: a plain file in a folder that resolves inside the root is
    inside; only symlinks (and each folder once) are resolved (20,000 realpath calls took seconds)."""

    def __init__(self, root: Path):
        self.root = root
        self.resolved_root = root.resolve()
        self.folders: dict[str, bool] = {}  # by name: hashing 20,000 Paths cost more than resolving

    def refused(self, path: str | Path, symlink: bool | None = None) -> Problem | None:
        """``symlink``: whether ``path`` is one, if the caller knows (one lstat less per file)."""
        if not (os.path.islink(path) if symlink is None else symlink):
            parent = os.path.dirname(path)
            if parent not in self.folders:
                try:
                    self.folders[parent] = Path(parent).resolve().is_relative_to(self.resolved_root)
                except (OSError, RuntimeError):
                    self.folders[parent] = False
            if self.folders[parent]:
                return None
        return outside_folder(Path(path), self.root)


def article_files(root: Path) -> list[str]:
    """The paths of ``sorted(root.rglob("*.md"))`` without hidden files or folders, as strings.

    Listing, sorting and stat-ing 20,000 Path objects took ~0.4 s of every save in the watcher;
    this walks the same folders (real ones, not symlinks to folders, as rglob does), skips hidden
    ones early, and sorts by path components, as Paths sort (tests/test_corpus_robustness.py)."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(folder: str, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:  # gone or unreadable since it was listed: as rglob, nothing from it
            return
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            path = name if folder == "." else f"{folder}{name}" if folder.endswith("/") else f"{folder}/{name}"
            if name.endswith(".md"):
                found.append(((*parts, name), path))  # as str(root / ...) spells it
            try:
                folder_here = entry.is_dir(follow_symlinks=False)
            except OSError:
                folder_here = False
            if folder_here:
                walk(path, (*parts, name))

    walk(str(root), ())
    found.sort(key=lambda item: item[0])
    return [path for _, path in found]


def too_big(path: str | Path, limit: int, size: int | None = None) -> Problem | None:
    """``size``: the file's, if the caller knows it."""
    if size is None:
        try:
            size = path.stat().st_size
        except OSError:
            return None  # parse_article reports what cannot be read
    if size <= limit:
        return None
    return Problem(
        str(path), 1, f"the file has {size:,} bytes, over the limit of {limit:,} (KB_MAX_ARTICLE_BYTES): split it"
    )


def load_corpus(
    root: str | Path,
    max_article_bytes: int = MAX_ARTICLE_BYTES,
    cache_file: Path | None = None,
    *,
    before: Mapping[str, str | None] | None = None,
    changed: Collection[str] = (),
) -> Corpus:
    """Read and check everything; raise CorpusError listing every problem found.

    Files parsed before with the same bytes come from the parse cache (this process's, and
    ``cache_file`` if given: ``kb/parse_cache.py``).

    ``before``: the ``files`` of a load of this folder before, and ``changed``: the paths changed
    since (the watcher's events, absolute or as displayed). Then the folder is not walked and only
    the changed files (and those ``before`` says to look at again) are stat-ed: listing and
    stat-ing 20,000 files took ~0.3 s of every save. A change no event named (a folder moved
    whole) is not seen: the watcher's sweep, a load without ``before``, finds it (kb/watch.py)."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError([Problem(str(root), 0, "articles folder does not exist")])
    problems: list[Problem] = []
    categories = load_categories(root, problems)
    synonyms, synonym_lines = load_synonyms(root, problems)
    files: list[tuple[str, bytes | None, str | None]] = []  # path as displayed, bytes, cache key
    cache = parse_cache.ParseCache(cache_file)
    inside = _InsideCheck(root)
    if before is None:
        listing, trusted = article_files(root), {}
    else:
        listing, trusted = listing_after(root, before, changed)
    listed: dict[str, str | None] = dict.fromkeys(listing)
    for display in listing:
        if (known := trusted.get(display)) is not None:  # no event named it since it was read
            files.append((display, None, known))
            listed[display] = known
            continue
        try:
            link = os.lstat(display)
        except OSError:
            continue  # gone since the listing
        symlink = S_ISLNK(link.st_mode)  # never trusted without a look: its target may change unnamed
        try:
            stat = os.stat(display) if symlink else link
        except OSError:
            stat = None  # a broken symlink goes on to parse_article, which reports it
        if stat is not None and not S_ISREG(stat.st_mode):
            continue  # a folder or a pipe named *.md is no article (and reading a pipe would hang)
        refused = inside.refused(display, symlink) or (stat and too_big(display, max_article_bytes, stat.st_size))
        if refused:
            problems.append(refused)
            continue
        if stat is None:
            files.append((display, None, None))  # parse_article says why
            continue
        unchanged = cache.unchanged(display, stat)
        if unchanged is not None:  # same file state as when its bytes hashed to this key: not read
            files.append((display, None, unchanged))
            listed[display] = None if symlink else unchanged
            continue
        try:
            data = Path(display).read_bytes()
        except OSError:
            files.append((display, None, None))
            continue
        cache_key = parse_cache.key(display, data)
        cache.record(display, stat, cache_key)
        files.append((display, data, cache_key))
        listed[display] = None if symlink else cache_key
    known = cache.get_many([k for *_, k in files if k is not None])
    for i, (display, data, cache_key) in enumerate(files):
        if known.get(cache_key) is None and data is None and cache_key is not None:
            files[i] = (display, *_read(Path(display), display))  # its state was known, its article is not
            listed[display] = None
    # every file not in the cache, parsed on every core when there are many (kb/parse_many.py)
    parsed = iter(parse_many([(Path(d), d, data) for d, data, k in files if k is None or known.get(k) is None]))
    articles: list[Article] = []
    for display, _, cache_key in files:
        article = known.get(cache_key) if cache_key else None
        if article is None:
            article, found = next(parsed)
            problems.extend(found)
            if article and cache_key:
                cache.put(cache_key, article)
            if found or not article:
                listed[display] = None  # looked at again next time, and its problems reported again
        if article:
            articles.append(article)
    cache.save()
    problems.extend(check_links(articles, categories))
    if problems:
        raise CorpusError(problems)
    return Corpus(
        root=root,
        articles=articles,
        categories=categories,
        synonyms=synonyms,
        synonym_lines=synonym_lines,
        files=listed,
    )


def listing_after(
    root: Path, before: Mapping[str, str | None], changed: Collection[str]
) -> tuple[list[str], dict[str, str]]:
    """``article_files(root)`` once the ``changed`` paths changed, from the listing ``before`` (in
    its order), and the files not changed since with their keys (to trust without a look).

    A changed path is displayed as ``article_files`` spells it; one outside the folder as given (a
    path through a symlink, say) cannot be placed, and a folder moved, made or removed whole is
    named alone, without the articles in it: for those, the folder is walked after all."""
    top = os.path.abspath(root)
    named: set[str] = set()
    for path in changed:
        relative = os.path.relpath(os.path.abspath(path), top)
        if relative == ".." or relative.startswith("../") or os.path.isdir(path):
            return article_files(root), {}
        named.add(_displayed(root, relative))
    held = tuple(f"{display}/" for display in named if not display.endswith(".md"))
    if held and any(display.startswith(held) for display in before):  # a folder gone with its articles
        return article_files(root), {}
    listing = [display for display in before if display not in named]
    for display in sorted(named):
        parts = _parts(root, display)
        if parts[-1].endswith(".md") and not any(p.startswith(".") for p in parts) and _walked(root, parts):
            bisect.insort(listing, display, key=lambda d: _parts(root, d))
    trusted = {d: key for d, key in before.items() if key is not None and d not in named}
    return listing, trusted


def _walked(root: Path, parts: tuple[str, ...]) -> bool:
    """Whether ``article_files`` finds this path: it exists, in real folders (a symlink to a
    folder is not walked into)."""
    folder = str(root)
    for i in range(1, len(parts)):
        below = os.path.join(folder, *parts[:i])
        if os.path.islink(below) or not os.path.isdir(below):
            return False
    return os.path.lexists(os.path.join(folder, *parts))


def _displayed(root: Path, relative: str) -> str:
    """A path relative to ``root`` as ``article_files`` displays it."""
    folder = str(root)
    if folder == ".":
        return relative
    return f"{folder}{relative}" if folder.endswith("/") else f"{folder}/{relative}"


def _parts(root: Path, display: str) -> tuple[str, ...]:
    """The components ``article_files`` sorts a displayed path by (those below ``root``)."""
    folder = str(root)
    relative = display if folder == "." else display[len(folder) + (0 if folder.endswith("/") else 1) :]
    return tuple(relative.split("/"))


def _read(path: Path, display: str) -> tuple[bytes | None, str | None]:
    try:
        data = path.read_bytes()
    except OSError:
        return None, None  # parse_article says why
    return data, parse_cache.key(display, data)


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
        if article.category not in categories:
            known = ", ".join(categories) or "none"
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
