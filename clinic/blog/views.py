"""Articles: the index, each article and the Atom feed."""

from datetime import date

from flask import Blueprint, abort, current_app, render_template

from clinic.blog.articles import Article, load_articles
from clinic.page_cache import cached_page

bp = Blueprint("blog", __name__, url_prefix="/blog")


@bp.record_once
def load_library(state) -> None:
    state.app.extensions["articles"] = load_articles()


def articles() -> dict[str, Article]:
    """Return the loaded articles, newest first."""
    return current_app.extensions["articles"]


@bp.get("/")
@cached_page
def index():
    """List the articles, newest first."""
    return render_template("blog/index.html", articles=list(articles().values()))


@bp.get("/<slug>")
@cached_page
def article(slug: str):
    """Show one article with its references."""
    found = articles().get(slug)
    if found is None:
        abort(404)
    return render_template("blog/article.html", article=found)


@bp.get("/feed.xml")
@cached_page(mimetype="application/atom+xml")
def feed():
    """Publish the articles as an Atom feed."""
    items = list(articles().values())
    updated = max((a.updated for a in items), default=date.today())
    return render_template("blog/feed.xml", articles=items, updated=updated)
