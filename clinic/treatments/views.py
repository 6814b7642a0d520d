"""Treatments: the catalogue and each treatment."""

from flask import Blueprint, abort, current_app, render_template

from clinic.page_cache import cached_page
from clinic.treatments.catalog import Treatment, by_group, load_treatments

bp = Blueprint("treatments", __name__, url_prefix="/treatments")


@bp.record_once
def load_catalog(state) -> None:
    state.app.extensions["treatments"] = load_treatments()


def treatments() -> dict[str, Treatment]:
    """Return the loaded treatments in catalogue order."""
    return current_app.extensions["treatments"]


@bp.get("/")
@cached_page
def index():
    """List the treatments by group."""
    return render_template("treatments/index.html", groups=by_group(treatments()))


@bp.get("/<slug>")
@cached_page
def detail(slug: str):
    """Show one treatment and what to expect from it."""
    found = treatments().get(slug)
    if found is None:
        abort(404)
    return render_template("treatments/detail.html", treatment=found)
