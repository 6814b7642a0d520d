"""Appointments in the staff area: booking a caller in from their lead, moving,
cancelling and closing an appointment, the calendar, and each practitioner's feed."""

from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic import clock
from clinic.appointments import availability, calendar, changes, schedule
from clinic.appointments.availability import NotBookable
from clinic.appointments.picker import check_day, read_day
from clinic.extensions import reads_only
from clinic.forms import PAGE_EXPIRED, first_error
from clinic.leads import queries
from clinic.models import Lead
from clinic.staff.blueprint import bp
from clinic.staff.forms import ActionForm
from clinic.staff.queue.page import book_form, render_lead
from clinic.staff.schedule.forms import OutcomeForm
from clinic.vocabulary import AppointmentStatus


def back_to(lead: Lead) -> Response:
    return redirect(url_for("staff.lead", lead_id=lead.id) + "#appointment", 303)


def refused(lead: Lead, message: str, status: int, alternatives=None, form=None):
    """The lead page again, saying why, with the patient's choice kept."""
    flash(message, "error")
    return render_lead(lead, status, alternatives=alternatives, book_form=form)


@bp.post("/leads/<id:lead_id>/appointment")
def book_time(lead_id: int):
    """Book the chosen time for the lead, or move its appointment there."""
    lead = queries.get_or_404(lead_id)
    if lead.is_spam:
        # Released first, or a spam address would be sent a confirmation.
        return refused(lead, "Release this lead from spam before booking it.", 409)
    form = book_form()
    day = read_day(form.date.data)
    if request.form.get("show_times"):
        # "Show free times" without JavaScript: the lead page for the day chosen.
        return redirect(
            url_for("staff.lead", lead_id=lead.id, date=day) + "#appointment", 303
        )
    if not form.validate_on_submit():
        message = first_error(form)
        return refused(lead, message, 400, form=form)
    chosen = int(form.practitioner.data) if form.practitioner.data else None
    standing = lead.appointment
    try:
        start = availability.parse_local(form.appointment_start.data)
        check_day(start, day)
        if standing is not None:
            moved = changes.reschedule(
                standing, start, by_patient=False, practitioner_id=chosen
            )
            done = (
                "Appointment moved; the patient is emailed the new time."
                if moved
                else "The appointment is already at that time."
            )
        else:
            changes.book_from_desk(lead, start, chosen)
            done = "Appointment booked; the patient is emailed a confirmation."
    except NotBookable as refusal:
        return refused(lead, str(refusal), refusal.status, form=form)
    except changes.TimeTaken as taken:
        return refused(
            lead,
            "That time has just been booked. Here are the nearest free ones.",
            409,
            alternatives=taken.alternatives,
            form=form,
        )
    except (changes.Unchangeable, changes.TooLate) as refusal:
        return refused(lead, str(refusal), refusal.status)
    flash(done, "success")
    return back_to(lead)


@bp.post("/leads/<id:lead_id>/appointment/cancel")
def cancel_appointment(lead_id: int):
    lead = queries.get_or_404(lead_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return refused(lead, PAGE_EXPIRED, 400)
    standing = lead.appointment
    if standing is None:
        return refused(lead, "This lead has no appointment to cancel.", 409)
    try:
        changes.cancel(standing, by_patient=False)
    except (changes.Unchangeable, changes.TooLate) as refusal:
        return refused(lead, str(refusal), refusal.status)
    flash("Appointment cancelled; the patient is emailed.", "success")
    return back_to(lead)


@bp.post("/leads/<id:lead_id>/appointment/outcome")
def close_appointment(lead_id: int):
    """Mark the appointment attended or a no-show."""
    lead = queries.get_or_404(lead_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        return refused(lead, first_error(form), 400)
    standing = lead.appointment
    if standing is None:
        return refused(lead, "This lead has no appointment.", 409)
    outcome = AppointmentStatus(form.outcome.data)
    try:
        changes.close(standing, outcome)
    except changes.Unchangeable as refusal:
        return refused(lead, str(refusal), refusal.status)
    flash(f"Marked {outcome.label.lower()}.", "success")
    return back_to(lead)


# --- the calendar ---------------------------------------------------------------


@bp.get("/calendar")
def calendar_page():
    """A week (or a day) of booked appointments, per practitioner."""
    today = availability.today()
    day = read_day(request.args.get("date")) or today
    if not 2000 <= day.year <= 2999:
        day = today
    view = "day" if request.args.get("view") == "day" else "week"
    first = day if view == "day" else day - timedelta(days=day.weekday())
    count = 1 if view == "day" else 7
    people = schedule.practitioners()
    who = request.args.get("practitioner", "")
    chosen = next((p for p in people if str(p.id) == who), None)
    found = schedule.booked(first, count, chosen.id if chosen else None)
    zone = clock.zone()
    days = [first + timedelta(days=n) for n in range(count)]
    by_day = {d: [] for d in days}
    for appointment in found:
        by_day[appointment.starts_at.astimezone(zone).date()].append(appointment)
    step = timedelta(days=count)
    return render_template(
        "staff/schedule/calendar.html",
        days=by_day,
        today=today,
        view=view,
        first=first,
        previous=first - step,
        next=first + step,
        people=people,
        chosen=chosen,
        zone=zone,
        feed_form=ActionForm(formdata=None),
        feed_url=(
            url_for(
                "staff.calendar_feed", key=current_user.calendar_key, _external=True
            )
            if current_user.calendar_key
            else None
        ),
    )


@bp.post("/calendar/feed")
def feed_key():
    """Make (or replace) the signed-in practitioner's feed address, or revoke it."""
    form = ActionForm()
    if not form.validate_on_submit() or not current_user.is_practitioner:
        abort(400, "Only a practitioner has a calendar feed.")
    revoke = request.form.get("revoke") == "1"
    schedule.set_feed_key(current_user.id, revoke)
    flash(
        "Your calendar feed is switched off."
        if revoke
        else "Your calendar feed has a new address; any old one stops working.",
        "success",
    )
    return redirect(url_for("staff.calendar_page") + "#feed", 303)


@bp.get("/calendar/<key>.ics")
@reads_only
def calendar_feed(key: str):
    """A practitioner's own appointments for a calendar app: open to whoever holds
    the secret address, so it names no patient and no treatment."""
    person = schedule.feed_owner(key)
    if person is None:
        abort(404)
    found = schedule.feed_appointments(person)
    return Response(
        calendar.feed(person, found),
        headers={"Content-Type": "text/calendar; charset=utf-8"},
    )
