"""The article library: Markdown files in articles/, checked at start-up, and the
one way other modules read it: `all()` and `get(slug)`."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import Flask, current_app
from markupsafe import Markup

from clinic.content import (
    ContentError,
    Document,
    Reference,
    cited_references,
    load_folder,
)

ARTICLES_DIR = Path(__file__).parent / "articles"
REQUIRED = (
    "title",
    "description",
    "author",
    "reviewed_by",
    "published",
    "last_reviewed",
)


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    description: str
    author: str
    reviewed_by: str
    published: date
    last_reviewed: date
    html: Markup
    toc: list[dict]
    references: list[Reference]
    reading_minutes: int
    featured: bool = False

    @property
    def updated(self) -> date:
        return max(self.published, self.last_reviewed)


def register(app: Flask) -> None:
    """Load the library once, when the app is built."""
    app.extensions["articles"] = load_articles()


def all() -> dict[str, Article]:
    """Every article, newest first."""
    return current_app.extensions["articles"]


def get(slug: str) -> Article | None:
    return all().get(slug)


def featured() -> Article | None:
    """The article the home page shows: the first featured one, else the newest."""
    library = list(all().values())
    return next((a for a in library if a.featured), library[0] if library else None)


def load_articles(folder: Path = ARTICLES_DIR) -> dict[str, Article]:
    """Load every article, newest first, refusing any that is incomplete."""
    articles = [to_article(doc) for doc in load_folder(folder)]
    articles.sort(key=lambda a: a.published, reverse=True)
    return {a.slug: a for a in articles}


def to_article(doc: Document) -> Article:
    """Check an article's front matter and order its references as first cited."""
    meta = doc.meta
    missing = [field for field in REQUIRED if not meta.get(field)]
    if missing:
        raise ContentError(f"{doc.slug}: front matter lacks {', '.join(missing)}")
    for field in ("published", "last_reviewed"):
        if not isinstance(meta[field], date):
            raise ContentError(f"{doc.slug}: {field} must be a YYYY-MM-DD date")
    references = cited_references(doc)
    return Article(
        slug=doc.slug,
        title=meta["title"],
        description=meta["description"],
        author=meta["author"],
        reviewed_by=meta["reviewed_by"],
        published=meta["published"],
        last_reviewed=meta["last_reviewed"],
        html=doc.html,
        toc=doc.toc,
        references=references,
        reading_minutes=doc.reading_minutes,
        featured=bool(meta.get("featured")),
    )
