"""Site-wide pages: home, privacy notice, health check and search-engine files."""

from flask import Blueprint, current_app, render_template
from sqlalchemy.exc import SQLAlchemyError

from clinic import identity
from clinic.appointments.availability import practitioners
from clinic.blog import articles
from clinic.errors import RETRY_AFTER_SECONDS
from clinic.extensions import database_answers, reads_only
from clinic.page_cache import CachedPage, cached_page
from clinic.pages import privacy as privacy_notice
from clinic.pages.about import clinician_data, map_url
from clinic.pages.sitemap import sitemap_entries
from clinic.people import is_a_name
from clinic.treatments import catalog

bp = Blueprint("pages", __name__)


@bp.record_once
def load_privacy_notice(state) -> None:
    privacy_notice.register(state.app)


@bp.get("/")
@cached_page
def home():
    """Introduce the clinic with its featured article and treatments."""
    return render_template(
        "pages/home.html", article=articles.featured(), treatments=catalog.featured()
    )


@bp.get("/privacy")
@cached_page
def privacy():
    """Show the privacy notice the consultation form's consent box links to."""
    return render_template("pages/privacy.html", notice=privacy_notice.notice())


@bp.get("/about")
@reads_only
def about():
    """Who the clinicians are, what the clinic charges, and how to find it. Read from
    the practitioner accounts on each request (a name changed on /staff/team shows at
    once), yet the same for everyone, so shared caches may keep it a minute."""
    clinic = identity.current()
    clinicians = [p for p in practitioners() if is_a_name(p.display_name)]
    treatments = catalog.all()
    page = render_template(
        "pages/about.html",
        clinicians=[
            (p.display_name, [t for slug, t in treatments.items() if p.offers(slug)])
            for p in clinicians
        ],
        clinicians_data=[clinician_data(clinic, p.display_name) for p in clinicians],
        map_url=map_url(clinic, current_app.config["CLINIC_MAP_URL"]),
        prices=[
            (treatments[slug], price)
            for slug, price in current_app.config["TREATMENT_PRICES"].items()
        ],
    )
    return CachedPage.build(page, "text/html").respond()


@bp.get("/healthz")
def healthz():
    """Report whether the database answers."""
    try:
        database_answers()
    except SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        return (
            {"status": "unavailable"},
            503,
            {"Cache-Control": "no-store", "Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return {"status": "ok"}, 200, {"Cache-Control": "no-store"}


@bp.get("/robots.txt")
@cached_page(mimetype="text/plain")
def robots():
    """Keep crawlers out of the staff area and point them at the sitemap."""
    return render_template("pages/robots.txt")


@bp.get("/sitemap.xml")
@cached_page(mimetype="application/xml")
def sitemap():
    """List every public page with the date it last changed."""
    return render_template("pages/sitemap.xml", entries=sitemap_entries())
