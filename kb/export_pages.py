"""The public pages of the static export, rendered with the live site's own templates.

The templates call ``url_for`` as on the live site; here it answers with paths relative to the
page being rendered (``../articles/x.html``), so the folder works from any sub-path of a web
server and straight from disk (file://). ``static_export`` tells the templates to drop what
needs a server (the feedback form, the JSON API) and to load the browser search instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kb.corpus import Corpus
from kb.presentation import install as install_presentation
from kb.presentation import popular_first
from kb.site_settings import load_site_settings

SITE_DIR = Path(__file__).resolve().parents[1] / "site"
HOME, SEARCH, NOT_FOUND = "index.html", "search.html", "404.html"


def article_path(article_id: str) -> str:
    return f"articles/{article_id}.html"


def category_path(key: str) -> str:
    return f"categories/{key}.html"


@dataclass
class Page:
    path: str  # relative to the export root, with forward slashes
    html: str


class StaticUrls:
    """``url_for`` for static pages: endpoint -> file path, relative to the current page."""

    def __init__(self, base_url: str | None):
        self.base_url = base_url.rstrip("/") + "/" if base_url else None
        self.current = HOME
        self.all_absolute = False  # the 404 page is served at any depth: absolute links when the base is known

    def path(self, endpoint: str, values: dict) -> str:
        if endpoint == "public.home":
            return HOME
        if endpoint == "public.search":
            query = {k: v for k, v in values.items() if v and k in ("q", "category")}
            return SEARCH + ("?" + urlencode(query) if query else "")
        if endpoint == "public.article":
            return article_path(values["article_id"])
        if endpoint == "public.category":
            return category_path(values["key"])
        if endpoint == "static":
            return "static/" + values["filename"]
        raise LookupError(f"the static export has no page for '{endpoint}'")

    def __call__(self, endpoint: str, **values) -> str:
        external = values.pop("_external", False)
        values = {k: v for k, v in values.items() if k not in ("sid", "r")}  # click analytics needs a server
        target = quote(self.path(endpoint, values), safe="/?=&%")
        if (external or self.all_absolute) and self.base_url:
            return self.base_url + target
        depth = self.current.count("/")
        return "../" * depth + target

    def absolute(self, path: str) -> str | None:
        """The public URL of an exported file (the home page is the site's root)."""
        if not self.base_url:
            return None
        return self.base_url + ("" if path == HOME else quote(path, safe="/"))


def make_environment(urls: StaticUrls, search: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(SITE_DIR / "templates")),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )
    env.globals.update(
        url_for=urls,
        static_export=True,
        static_search=search,
        csrf_token=lambda: "",
        get_flashed_messages=lambda **_: [],
    )
    install_presentation(env, load_site_settings())  # the same phone number, strings and filters as the live site
    return env


def popular_articles(corpus: Corpus, limit: int = 8) -> list:
    """The live site's default popular questions (the export reads no analytics: it must be reproducible)."""
    from kb.snapshot import DEFAULT_POPULAR

    chosen = [corpus.get(i) for i in DEFAULT_POPULAR]
    chosen = [a for a in chosen if a is not None and a.is_public]
    if len(chosen) < limit:
        rest = sorted((a for a in corpus.public if a not in chosen), key=lambda a: a.id)
        chosen += rest[: limit - len(chosen)]
    return chosen[:limit]


def render_pages(corpus: Corpus, base_url: str | None = None, search: bool = True) -> Iterator[Page]:
    """Every public page: home, search, 404, each category and each public article."""
    from kb.snapshot import DEFAULT_POPULAR

    urls = StaticUrls(base_url)
    env = make_environment(urls, search)
    categories = corpus.categories
    popular = popular_articles(corpus)

    def render(path: str, template: str, **context) -> Page:
        urls.current, urls.all_absolute = path, path == NOT_FOUND
        return Page(path, env.get_template(template).render(canonical=urls.absolute(path), **context))

    counts = {key: len(corpus.in_category(key)) for key in categories}
    yield render(HOME, "home.html", categories=categories.values(), counts=counts, popular=popular)
    yield render(
        SEARCH, "search.html", q="", category=None, response=None, categories=categories, popular=popular, counts=counts
    )
    yield render(NOT_FOUND, "error.html", title="페이지를 찾을 수 없습니다", message=None)
    for key, category in categories.items():
        yield render(
            category_path(key),
            "category.html",
            category=category,
            articles=popular_first(corpus.in_category(key), DEFAULT_POPULAR),
            categories=categories,
        )
    for article in sorted(corpus.public, key=lambda a: a.id):
        related = [r for r in (corpus.get(i) for i in article.related) if r is not None and r.is_public]
        yield render(
            article_path(article.id),
            "article.html",
            article=article,
            related=related,
            category=categories.get(article.category),
        )


def sitemap(corpus: Corpus, base_url: str) -> str:
    """sitemap.xml: every public page with an absolute URL (needs --base-url)."""
    urls = StaticUrls(base_url)
    entries = [(HOME, None)] + [(category_path(k), None) for k in corpus.categories]
    entries += [(article_path(a.id), a.updated) for a in sorted(corpus.public, key=lambda a: a.id)]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path, updated in entries:
        lastmod = f"<lastmod>{updated.isoformat()}</lastmod>" if updated else ""
        lines.append(f"  <url><loc>{_xml(urls.absolute(path))}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(base_url: str | None) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {StaticUrls(base_url).absolute('sitemap.xml')}")
    return "\n".join(lines) + "\n"


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
