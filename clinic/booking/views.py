"""Consultation requests: the form, and the page a good request lands on."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from clinic.booking import blank_form, leads
from clinic.booking.forms import ConsultationForm, bookable_range
from clinic.errors import OUTAGES, RETRY_AFTER_SECONDS
from clinic.extensions import csrf, limiter
from clinic.outbox.background import kick
from clinic.page_cache import cached_page
from clinic.treatments import catalog

bp = Blueprint("booking", __name__, url_prefix="/consultation")


def booking_rate_limit() -> str:
    return current_app.config["BOOKING_RATE_LIMIT"]


@bp.get("")
def consultation():
    """Show the request form, with a treatment chosen when the link names one."""
    selected = request.args.get("treatment")
    page = blank_form.page(selected if catalog.get(selected) else "")
    return page, {"Cache-Control": "no-store"}  # it holds this visitor's tokens


# The form checks its own CSRF token, so a stale one re-renders the patient's input
# with a message instead of answering with a bare error page.
@bp.post("")
@csrf.exempt
def submit():
    """Store a valid request and redirect to the thanks page; show mistakes."""
    form = ConsultationForm()
    if form.validate_on_submit():
        # Only valid requests count, so a patient correcting mistakes is never locked
        # out; and they count before anything is stored, so a stored request always
        # gets its redirect (429 when over the limit, whatever the storage does).
        with limiter.limit(booking_rate_limit):
            try:
                leads.submit(form)
            except OUTAGES as error:
                current_app.logger.error("request not stored: %s", error)
                return form_page(form, 503, unavailable=True)
        kick()
        return redirect(url_for("booking.thanks"), 303)
    return form_page(form, 400)


def form_page(form: ConsultationForm, status: int, unavailable: bool = False):
    """The form again with what the patient typed, and what went wrong."""
    first, last = bookable_range()
    page = render_template(
        "booking/consultation.html",
        form=form,
        first_date=first,
        last_date=last,
        unavailable=unavailable,
    )
    headers = {"Cache-Control": "no-store"}
    if unavailable:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return page, status, headers


@bp.get("/thanks")
@cached_page
def thanks():
    """Confirm that the request arrived and say what happens next."""
    return render_template("booking/thanks.html")
