"""The article library: Markdown files in articles/, checked at start-up, and the
one way other modules read it: `all()` and `get(slug)`.

Who wrote and who medically reviewed an article is the clinic's to say, in
ARTICLE_CREDITS, never the file's: a review is a named clinician signing off on a
date, and an article revised after that date is no longer reviewed."""

from dataclasses import dataclass, replace
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
from clinic.people import is_a_name

ARTICLES_DIR = Path(__file__).parent / "articles"
REQUIRED = ("title", "description", "published", "revised", "key_points")


@dataclass(frozen=True)
class Review:
    reviewer: str  # a named person with credentials: "Dr. Ana Ruiz, MD"
    on: date


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    description: str
    published: date
    revised: date  # when its content last changed
    key_points: list[str]
    html: Markup
    toc: list[dict]
    references: list[Reference]
    reading_minutes: int
    featured: bool = False
    author: str | None = None  # None: the clinic, not a person
    review: Review | None = None

    @property
    def updated(self) -> date:
        return max(self.published, self.revised)

    @property
    def reviewed(self) -> bool:
        """Medically reviewed as it stands: signed off since its last revision."""
        return self.review is not None and self.review.on >= self.revised


def register(app: Flask) -> None:
    """Load the library once, when the app is built, with the clinic's credits."""
    app.extensions["articles"] = credited(
        load_articles(), app.config["ARTICLE_CREDITS"]
    )


def credited(library: dict[str, "Article"], credits: dict) -> dict[str, "Article"]:
    """Name each article's author and reviewer from configuration; a credit for no
    known article, a review without a date, or a role in place of a name stops
    start-up rather than show a byline nobody stands behind."""
    unknown = sorted(set(credits) - set(library))
    if unknown:
        raise RuntimeError(f"ARTICLE_CREDITS names no article: {', '.join(unknown)}")
    named = dict(library)
    for slug, credit in credits.items():
        where = f"ARTICLE_CREDITS[{slug!r}]"
        if not isinstance(credit, dict) or set(credit) - {
            "author",
            "reviewer",
            "reviewed",
        }:
            raise RuntimeError(f"{where}: give author, reviewer and reviewed only")
        author, reviewer = credit.get("author"), credit.get("reviewer")
        for name in (author, reviewer):
            if name is not None and not is_a_name(name):
                raise RuntimeError(f"{where}: {name!r} is not a person's name")
        on = credit.get("reviewed")
        if (reviewer is None) != (on is None):
            raise RuntimeError(f"{where}: a review needs both reviewer and reviewed")
        review = Review(reviewer, review_date(where, on)) if reviewer else None
        named[slug] = replace(library[slug], author=author, review=review)
    return named


def review_date(where: str, value: object) -> date:
    try:
        on = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise RuntimeError(f"{where}: reviewed must be a YYYY-MM-DD date") from None
    if on > date.today():
        raise RuntimeError(f"{where}: reviewed {on} is in the future")
    return on


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


def key_points(doc: Document) -> list[str]:
    points = doc.meta["key_points"]
    # any(), not all(): this module's all() is the library.
    if not isinstance(points, list) or any(
        not (isinstance(p, str) and p.strip()) for p in points
    ):
        raise ContentError(f"{doc.slug}: key_points must be a list of sentences")
    return [" ".join(p.split()) for p in points]


def to_article(doc: Document) -> Article:
    """Check an article's front matter and order its references as first cited."""
    meta = doc.meta
    missing = [field for field in REQUIRED if not meta.get(field)]
    if missing:
        raise ContentError(f"{doc.slug}: front matter lacks {', '.join(missing)}")
    for field in ("published", "revised"):
        if not isinstance(meta[field], date):
            raise ContentError(f"{doc.slug}: {field} must be a YYYY-MM-DD date")
    references = cited_references(doc)
    return Article(
        slug=doc.slug,
        title=meta["title"],
        description=meta["description"],
        published=meta["published"],
        revised=meta["revised"],
        key_points=key_points(doc),
        html=doc.html,
        toc=doc.toc,
        references=references,
        reading_minutes=doc.reading_minutes,
        featured=bool(meta.get("featured")),
    )
