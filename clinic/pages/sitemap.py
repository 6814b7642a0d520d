"""The public pages search engines should know about, with their last change."""

from datetime import date

from flask import url_for

from clinic.blog import articles
from clinic.pages import privacy
from clinic.treatments import catalog


def sitemap_entries() -> list[tuple[str, date]]:
    """Return (path, last modified) for every public page; never a staff page."""
    article_list = list(articles.all().values())
    treatment_list = list(catalog.all().values())
    privacy_updated = privacy.notice().meta["updated"]
    newest_article = max((a.updated for a in article_list), default=privacy_updated)
    newest_treatment = max((t.updated for t in treatment_list), default=privacy_updated)
    newest = max(newest_article, newest_treatment, privacy_updated)
    return [
        (url_for("pages.home"), newest),
        (url_for("blog.index"), newest_article),
        *((url_for("blog.article", slug=a.slug), a.updated) for a in article_list),
        (url_for("treatments.index"), newest_treatment),
        *(
            (url_for("treatments.detail", slug=t.slug), t.updated)
            for t in treatment_list
        ),
        (url_for("booking.consultation"), newest_treatment),
        (url_for("pages.privacy"), privacy_updated),
    ]
