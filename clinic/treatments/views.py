"""Treatments: the catalogue and each treatment."""

from flask import Blueprint, abort, render_template

from clinic.page_cache import cached_page
from clinic.treatments import catalog
from clinic.treatments.schema import faq_data, treatment_data

bp = Blueprint("treatments", __name__, url_prefix="/treatments")


@bp.record_once
def load_catalog(state) -> None:
    catalog.register(state.app)


@bp.get("/")
@cached_page
def index():
    """List the treatments by group."""
    return render_template("treatments/index.html", groups=catalog.by_group())


@bp.get("/<slug>")
@cached_page
def detail(slug: str):
    """Show one treatment and what to expect from it."""
    found = catalog.get(slug)
    if found is None:
        abort(404)
    return render_template(
        "treatments/detail.html",
        treatment=found,
        treatment_data=treatment_data(found),
        faq_data=faq_data(found),
    )
