"""Articles: the index, each article and the Atom feed."""

from datetime import date

from flask import Blueprint, abort, render_template

from clinic.blog import articles, schema
from clinic.page_cache import cached_page

bp = Blueprint("blog", __name__, url_prefix="/blog")


@bp.record_once
def load_library(state) -> None:
    articles.register(state.app)


@bp.get("/")
@cached_page
def index():
    """List the articles, newest first."""
    return render_template("blog/index.html", articles=list(articles.all().values()))


@bp.get("/<slug>")
@cached_page
def article(slug: str):
    """Show one article with its references."""
    found = articles.get(slug)
    if found is None:
        abort(404)
    return render_template(
        "blog/article.html", article=found, article_data=schema.article_data(found)
    )


@bp.get("/feed.xml")
@cached_page(mimetype="application/atom+xml")
def feed():
    """Publish the articles as an Atom feed."""
    items = list(articles.all().values())
    updated = max((a.updated for a in items), default=date.today())
    return render_template("blog/feed.xml", articles=items, updated=updated)
