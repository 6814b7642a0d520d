"""Admin pages for when patients can be booked: who is a practitioner and when they
work (on the team page), time off and clinic closures."""

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select
from wtforms import SelectChoice

from clinic import audit, identity
from clinic.accounts import users
from clinic.appointments import availability
from clinic.extensions import db
from clinic.forms import PAGE_EXPIRED
from clinic.models import TimeOff
from clinic.staff.admin.team_page import practitioner_form, team_page
from clinic.staff.blueprint import bp
from clinic.staff.forms import ActionForm
from clinic.staff.guard import admin_only
from clinic.staff.schedule.forms import TimeOffForm
from clinic.vocabulary import AuditAction


def time_off_form(blank: bool = False) -> TimeOffForm:
    form = TimeOffForm(formdata=None) if blank else TimeOffForm()
    form.practitioner.choices = [SelectChoice("", "The whole clinic (closed)")] + [
        SelectChoice(str(p.id), p.name) for p in availability.practitioners()
    ]
    return form


def availability_page(form: TimeOffForm, status: int = 200):
    today = availability.today()
    entries = db.session.scalars(
        select(TimeOff).where(TimeOff.last_day >= today).order_by(TimeOff.first_day)
    ).all()
    return render_template(
        "staff/schedule/availability.html",
        form=form,
        entries=entries,
        delete_form=ActionForm(formdata=None),
        clinic_hours=identity.current().hours,
    ), status


@bp.get("/availability", endpoint="availability")
@admin_only
def availability_view():
    """Upcoming time off and closures, and the form to add one."""
    return availability_page(time_off_form(blank=True))


@bp.post("/availability")
@admin_only
def add_time_off():
    form = time_off_form()
    if not form.validate_on_submit():
        return availability_page(form, 400)
    who = users.get(int(form.practitioner.data)) if form.practitioner.data else None
    if already_recorded(who, form.first_day.data, form.last_day.data):
        flash("That is already recorded.", "success")  # a second click
        return redirect(url_for("staff.availability"), 303)
    entry = TimeOff(
        practitioner_id=who.id if who else None,
        first_day=form.first_day.data,
        last_day=form.last_day.data,
        reason=form.reason.data or "",
    )
    db.session.add(entry)
    span = f"{entry.first_day} to {entry.last_day}"
    audit.record(
        AuditAction.AVAILABILITY,
        detail=f"{who.name if who else 'clinic closed'}: {span} added",
    )
    db.session.commit()
    flash(
        f"Recorded: {who.name + ' away' if who else 'clinic closed'} {span}. "
        "Appointments already booked then are not moved: check the calendar.",
        "success",
    )
    return redirect(url_for("staff.availability"), 303)


def already_recorded(who, first_day, last_day) -> bool:
    return (
        db.session.scalar(
            select(TimeOff.id).where(
                TimeOff.practitioner_id == who.id
                if who
                else TimeOff.practitioner_id.is_(None),
                TimeOff.first_day == first_day,
                TimeOff.last_day == last_day,
            )
        )
        is not None
    )


@bp.post("/availability/<id:entry_id>/delete")
@admin_only
def delete_time_off(entry_id: int):
    entry = db.get_or_404(TimeOff, entry_id)
    form = ActionForm()
    if not form.validate_on_submit():
        flash(PAGE_EXPIRED, "error")
        return redirect(url_for("staff.availability"), 303)
    who = entry.practitioner.name if entry.practitioner else "clinic closed"
    audit.record(
        AuditAction.AVAILABILITY,
        detail=f"{who}: {entry.first_day} to {entry.last_day} removed",
    )
    db.session.delete(entry)
    db.session.commit()
    flash("Removed.", "success")
    return redirect(url_for("staff.availability"), 303)


@bp.post("/team/<id:staff_id>/practitioner")
@admin_only
def set_practitioner(staff_id: int):
    """Make an account a practitioner (or not), with the name patients see, their
    own hours and the treatments they offer."""
    member = users.get_or_404(staff_id)
    form = practitioner_form(member)
    if not form.validate_on_submit():
        return team_page({member.id: form}, 400)
    member.is_practitioner = form.is_practitioner.data
    member.display_name = form.display_name.data or None
    member.working_hours = form.working_hours.data
    member.treatments = form.offered()
    if not member.is_practitioner:
        member.calendar_key = None
    audit.record(
        AuditAction.STAFF,
        detail=f"{member.email} practitioner settings: "
        f"{'practitioner' if member.is_practitioner else 'not a practitioner'}",
    )
    db.session.commit()
    flash(f"Saved {member.name}.", "success")
    return redirect(url_for("staff.team") + f"#member-{member.id}", 303)
