"""Appointments in the staff area: booking a caller in from their lead, moving,
cancelling and closing an appointment, the calendar, and each practitioner's feed."""

import secrets
from datetime import UTC, date, datetime, time, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clinic import audit, clock
from clinic.appointments import availability, calendar, changes
from clinic.appointments.availability import NotBookable
from clinic.appointments.picker import check_day, read_day
from clinic.extensions import db, reads_only
from clinic.forms import PAGE_EXPIRED, first_error
from clinic.leads import queries
from clinic.models import Appointment, Lead, StaffUser
from clinic.staff.blueprint import bp
from clinic.staff.forms import ActionForm
from clinic.staff.queue.page import book_form, render_lead
from clinic.staff.schedule.forms import OutcomeForm
from clinic.vocabulary import AppointmentStatus, AuditAction

FEED_PAST_DAYS, FEED_FUTURE_DAYS = 31, 366


def back_to(lead: Lead) -> Response:
    return redirect(url_for("staff.lead", lead_id=lead.id) + "#appointment", 303)


def refused(lead: Lead, message: str, status: int, alternatives=None, form=None):
    """The lead page again, saying why, with the patient's choice kept."""
    db.session.rollback()
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
            appointment = changes.book(
                lead, start, notice=False, practitioner_id=chosen
            )
            if lead.first_contacted_at is None:
                lead.first_contacted_at = datetime.now(UTC)
            db.session.flush()
            audit.record(
                AuditAction.APPOINTMENT,
                lead.id,
                f"booked {appointment.starts_at:%Y-%m-%d %H:%M} UTC",
            )
            done = "Appointment booked; the patient is emailed a confirmation."
        db.session.commit()
    except NotBookable as refusal:
        return refused(lead, str(refusal), refusal.status, form=form)
    except changes.TimeTaken as taken:
        db.session.rollback()  # before looking for other times: see TimeTaken
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
        db.session.commit()
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
        db.session.commit()
    except changes.Unchangeable as refusal:
        return refused(lead, str(refusal), refusal.status)
    flash(f"Marked {outcome.label.lower()}.", "success")
    return back_to(lead)


# --- the calendar ---------------------------------------------------------------


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.zone())


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
    people = db.session.scalars(
        select(StaffUser).where(StaffUser.is_practitioner).order_by(StaffUser.id)
    ).all()
    who = request.args.get("practitioner", "")
    chosen = next((p for p in people if str(p.id) == who), None)
    query = (
        select(Appointment)
        .options(joinedload(Appointment.lead), joinedload(Appointment.practitioner))
        .where(
            Appointment.status != AppointmentStatus.CANCELLED,
            Appointment.starts_at >= local_midnight(first),
            Appointment.starts_at < local_midnight(first + timedelta(days=count)),
        )
        .order_by(Appointment.starts_at, Appointment.practitioner_id)
    )
    if chosen is not None:
        query = query.where(Appointment.practitioner_id == chosen.id)
    found = db.session.scalars(query).all()
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
    user = db.session.get(StaffUser, current_user.id)
    revoke = request.form.get("revoke") == "1"
    user.calendar_key = None if revoke else secrets.token_urlsafe(32)
    audit.record(
        AuditAction.STAFF,
        detail=f"{user.email} calendar feed {'revoked' if revoke else 'issued'}",
    )
    db.session.commit()
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
    person = db.session.scalar(
        select(StaffUser).where(StaffUser.calendar_key == key, StaffUser.active)
    )
    if person is None or not person.is_practitioner:
        abort(404)
    now = datetime.now(UTC)
    found = db.session.scalars(
        select(Appointment)
        .options(joinedload(Appointment.lead))
        .where(
            Appointment.practitioner_id == person.id,
            Appointment.status != AppointmentStatus.CANCELLED,
            Appointment.starts_at >= now - timedelta(days=FEED_PAST_DAYS),
            Appointment.starts_at < now + timedelta(days=FEED_FUTURE_DAYS),
        )
        .order_by(Appointment.starts_at)
    ).all()
    return Response(
        calendar.feed(person, found),
        headers={"Content-Type": "text/calendar; charset=utf-8"},
    )
