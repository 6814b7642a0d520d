"""The patient's appointment: see it, add it to a calendar, move it, cancel it.

The link in the confirmation email is the patient's only key, so the page is never
cached by a proxy or indexed, and a forged or altered link is a plain 404.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from clinic import clock
from clinic.appointments import availability, calendar, changes, links
from clinic.appointments.availability import NotBookable
from clinic.appointments.forms import CancelForm, RescheduleForm
from clinic.appointments.picker import check_day, read_day, times_for
from clinic.errors import OUTAGES
from clinic.extensions import limit_from, limiter, reads_only
from clinic.forms import PAGE_EXPIRED
from clinic.treatments import catalog

bp = Blueprint("appointments", __name__, url_prefix="/appointments")

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def found(token: str):
    appointment = links.find(token)
    if appointment is None:
        abort(404)
    return appointment


def page(
    appointment,
    status: int = 200,
    error: str | None = None,
    alternatives=None,
    day=None,
):
    """The appointment's page; with `error`, what went wrong; once a time was
    taken, the nearest free ones; `day`: whose free times to offer for a move."""
    token = links.token_for(appointment)
    treatment = appointment.lead.treatment
    day = day or appointment.starts_at.astimezone(clock.zone()).date()
    changeable = changes.can_change_online(appointment)
    picker = None
    if changeable:
        picker = times_for(day, treatment, alternatives, ignore=appointment.id)
        day = picker["day"] or day
    first, last = availability.bookable_range()
    html = render_template(
        "appointments/show.html",
        appointment=appointment,
        token=token,
        treatment=catalog.get(treatment),
        start=appointment.starts_at.astimezone(clock.zone()),
        end=appointment.ends_at.astimezone(clock.zone()),
        changeable=changeable,
        times=picker,
        day=day,
        first_date=first,
        last_date=last,
        error=error,
        cancel_form=CancelForm(),
        reschedule_form=RescheduleForm(),
        fee=current_app.config["CONSULTATION_FEE"],
        bring=current_app.config["APPOINTMENT_WHAT_TO_BRING"],
    )
    return html, status, PRIVATE


@bp.get("/<token>")
@limiter.limit(limit_from("LOOKUP_RATE_LIMIT"))
@reads_only
def show(token: str):
    """The appointment; `?date=` shows another day's free times to move to."""
    appointment = found(token)
    day = None
    asked = request.args.get("date")
    if asked:
        day = read_day(asked)
    return page(appointment, day=day)


@bp.get("/<token>.ics")
@limiter.limit(limit_from("LOOKUP_RATE_LIMIT"))
@reads_only
def ics(token: str):
    """The event for "Add to calendar"."""
    appointment = found(token)
    body = calendar.for_patient(appointment)
    headers = {
        **PRIVATE,
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'attachment; filename="consultation.ics"',
    }
    return body, 200, headers


@bp.post("/<token>/cancel")
def cancel(token: str):
    appointment = found(token)
    form = CancelForm()
    if not form.validate_on_submit():
        return page(appointment, 400, error=PAGE_EXPIRED)
    try:
        changes.cancel(appointment, by_patient=True)
    except (changes.Unchangeable, changes.TooLate) as refusal:
        return page(appointment, refusal.status, error=str(refusal))
    except OUTAGES:
        return page(appointment, 503, error=unavailable())
    return redirect(url_for("appointments.show", token=token, done="cancelled"), 303)


@bp.post("/<token>/reschedule")
def reschedule(token: str):
    appointment = found(token)
    form = RescheduleForm()
    day = read_day(form.date.data)
    if request.form.get("show_times"):
        # "Show free times" without JavaScript: the same page for the day chosen.
        return redirect(url_for("appointments.show", token=token, date=day), 303)
    if not form.validate_on_submit():
        return page(appointment, 400, error=PAGE_EXPIRED)
    try:
        start = availability.parse_local(form.appointment_start.data)
        check_day(start, day)
        moved = changes.reschedule(appointment, start, by_patient=True)
    except (changes.Unchangeable, changes.TooLate) as refusal:
        return page(appointment, refusal.status, error=str(refusal))
    except NotBookable as refusal:
        return page(appointment, refusal.status, error=str(refusal), day=day)
    except changes.TimeTaken as taken:
        return page(
            appointment,
            409,
            error="Someone has just booked that time. Here are the nearest free ones.",
            alternatives=taken.alternatives,
        )
    except OUTAGES:
        return page(appointment, 503, error=unavailable())
    done = "moved" if moved else "unchanged"
    return redirect(url_for("appointments.show", token=token, done=done), 303)


def unavailable() -> str:
    return "We could not save that just now. Please try again in a minute, or call us."
