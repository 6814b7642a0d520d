"""Consultation requests and bookings: the form, the free times it offers, and the
page a good request lands on."""

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from clinic.appointments import availability, changes, links
from clinic.appointments.picker import first_free_day, read_day, times_for
from clinic.booking import blank_form
from clinic.booking.forms import ConsultationForm, bookable_range
from clinic.errors import OUTAGES, RETRY_AFTER_SECONDS
from clinic.extensions import csrf, limit_from, limiter, reads_only
from clinic.leads import intake
from clinic.treatments import catalog

bp = Blueprint("booking", __name__, url_prefix="/consultation")


def booking_rate_limit() -> str:
    return current_app.config["BOOKING_RATE_LIMIT"]


@bp.get("")
@reads_only
def consultation():
    """Show the form, with a treatment chosen when the link names one, and the free
    times of the day asked for (or of the first day with any)."""
    selected = request.args.get("treatment")
    selected = selected if catalog.get(selected) else ""
    asked = request.args.get("preferred_date") or request.args.get("date")
    day = read_day(asked)
    first, last = bookable_range()
    if day is None or not first <= day <= last:
        day = first_free_day(selected or None) if asked is None else None
    page = blank_form.page(selected, day)
    return page, {"Cache-Control": "no-store"}  # it holds this visitor's tokens


@bp.get("/times.json")
@limiter.limit(limit_from("LOOKUP_RATE_LIMIT"))
@reads_only
def times():
    """Free start times on one date, for the form's script (and anyone's)."""
    day = read_day(request.args.get("date"))
    headers = {"Cache-Control": "no-store"}
    if day is None:
        return (
            jsonify(error="date must be a real date written YYYY-MM-DD"),
            400,
            headers,
        )
    treatment = request.args.get("treatment") or None
    if treatment and catalog.get(treatment) is None:
        return jsonify(error="no such treatment"), 400, headers
    slots = availability.day_slots(day, treatment)
    body = {
        "date": day.isoformat(),
        "timezone": current_app.config["CLINIC_TIMEZONE"],
        "minutes": availability.minutes_for(treatment),
        "times": [slot.label for slot in slots],
    }
    return jsonify(body), 200, headers


# The form checks its own CSRF token, so a stale one re-renders the patient's input
# with a message instead of answering with a bare error page.
@bp.post("")
@csrf.exempt
def submit():
    """Store a valid request and redirect to the thanks page; show mistakes."""
    form = ConsultationForm()
    if request.form.get("show_times"):
        # "Show free times" without JavaScript: the form again, everything typed
        # kept and the chosen day's times added; nothing is checked or stored.
        return form_page(form, 200)
    if form.validate_on_submit():
        # Only valid requests count, so a patient correcting mistakes is never locked
        # out; and they count before anything is stored, so a stored request always
        # gets its redirect (429 when over the limit, whatever the storage does).
        with limiter.limit(booking_rate_limit):
            try:
                lead_id, appointment = intake.submit(form.as_request())
            except changes.TimeTaken as taken:
                return form_page(form, taken.status, alternatives=taken.alternatives)
            except changes.TooManyBookings as refusal:
                return form_page(form, refusal.status, refusal=str(refusal))
            except OUTAGES as error:
                current_app.logger.error("request not stored: %s", error)
                return form_page(form, 503, unavailable=True)
        if appointment is not None:
            return redirect(
                url_for("appointments.show", token=links.token_for(appointment)), 303
            )
        # The thanks page shows this visitor their reference; the session cookie is
        # already set (it holds the form's CSRF secret).
        session["reference"] = lead_id
        return redirect(url_for("booking.thanks"), 303)
    return form_page(form, 400)


def form_page(
    form: ConsultationForm,
    status: int,
    unavailable: bool = False,
    alternatives: list | None = None,
    refusal: str | None = None,
):
    """The form again with what the patient typed, and what went wrong; after a
    time was taken, the other free ones; `refusal`: why the booking was refused."""
    first, last = bookable_range()
    day = read_day(
        form.preferred_date.raw_data[0] if form.preferred_date.raw_data else None
    )
    if form.start is not None:
        day = form.start.date()
    treatment = form.treatment.data if catalog.get(form.treatment.data) else None
    times = times_for(day, treatment, alternatives, form.appointment_start.data)
    if alternatives:
        form.preferred_date.data = times["day"]  # the day field names the day offered
    page = render_template(
        "booking/consultation.html",
        form=form,
        first_date=first,
        last_date=last,
        unavailable=unavailable,
        taken=alternatives is not None,
        refusal=refusal,
        times=times,
    )
    headers = {"Cache-Control": "no-store"}
    if unavailable:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return page, status, headers


@bp.get("/thanks")
def thanks():
    """Confirm that the request arrived, with its reference, and say what happens
    next. Per visitor, so never cached."""
    page = render_template("booking/thanks.html", reference=session.get("reference"))
    return page, {"Cache-Control": "no-store"}
