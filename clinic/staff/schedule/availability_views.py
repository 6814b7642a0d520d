"""Admin pages for when patients can be booked: who is a practitioner and when they
work (on the team page), time off and clinic closures."""

from flask import flash, redirect, render_template, url_for
from wtforms import SelectChoice

from clinic import identity
from clinic.accounts import users
from clinic.appointments import availability, time_off
from clinic.forms import PAGE_EXPIRED
from clinic.staff.admin.team_page import practitioner_form, team_page
from clinic.staff.blueprint import bp
from clinic.staff.forms import ActionForm
from clinic.staff.guard import admin_only
from clinic.staff.schedule.forms import TimeOffForm


def time_off_form(blank: bool = False) -> TimeOffForm:
    form = TimeOffForm(formdata=None) if blank else TimeOffForm()
    form.practitioner.choices = [SelectChoice("", "The whole clinic (closed)")] + [
        SelectChoice(str(p.id), p.name) for p in availability.practitioners()
    ]
    return form


def availability_page(form: TimeOffForm, status: int = 200):
    return render_template(
        "staff/schedule/availability.html",
        form=form,
        entries=time_off.upcoming(),
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
    first, last = form.first_day.data, form.last_day.data
    if not time_off.add(who, first, last, form.reason.data or ""):
        flash("That is already recorded.", "success")  # a second click
        return redirect(url_for("staff.availability"), 303)
    span = f"{first} to {last}"
    flash(
        f"Recorded: {who.name + ' away' if who else 'clinic closed'} {span}. "
        "Appointments already booked then are not moved: check the calendar.",
        "success",
    )
    return redirect(url_for("staff.availability"), 303)


@bp.post("/availability/<id:entry_id>/delete")
@admin_only
def delete_time_off(entry_id: int):
    entry = time_off.get_or_404(entry_id)
    form = ActionForm()
    if not form.validate_on_submit():
        flash(PAGE_EXPIRED, "error")
        return redirect(url_for("staff.availability"), 303)
    time_off.remove(entry)
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
    users.set_practitioner(
        member,
        form.is_practitioner.data,
        form.display_name.data or None,
        form.working_hours.data,
        form.offered(),
    )
    flash(f"Saved {member.name}.", "success")
    return redirect(url_for("staff.team") + f"#member-{member.id}", 303)
