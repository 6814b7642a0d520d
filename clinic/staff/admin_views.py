"""Admin pages: the activity of every member of staff, and the team's accounts."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.routing import query_number
from clinic.staff import accounts, audit, leads
from clinic.staff.appointment_forms import PractitionerForm
from clinic.staff.forms import ActiveForm
from clinic.staff.guard import admin_only
from clinic.staff.views import bp
from clinic.treatments import catalog


@bp.get("/activity")
@admin_only
def activity():
    """List what staff did, newest first, a page at a time."""
    staff_id = query_number(request.args.get("staff", ""), None)
    events = audit.page_of(staff_id, query_number(request.args.get("page", ""), 1))
    return render_template(
        "staff/activity.html",
        events=events,
        existing=leads.still_stored({e.lead_id for e in events if e.lead_id}),
        staff=accounts.everyone(),
        staff_id=staff_id,
    )


@bp.get("/team")
@admin_only
def team():
    """List staff accounts, with a switch to deactivate or reactivate each, and
    their practitioner settings."""
    return team_page()


def team_page(failed: dict | None = None, status: int = 200):
    """The team page; `failed` maps an account id to its form sent back."""
    members = accounts.everyone()
    forms = {m.id: practitioner_form(m, blank=True) for m in members} | (failed or {})
    return render_template(
        "staff/team.html",
        members=members,
        switch_form=ActiveForm(),
        practitioner_forms=forms,
        treatments=list(catalog.all().values()),
        min_length=current_app.config["STAFF_PASSWORD_MIN_LENGTH"],
    ), status


def practitioner_form(member, blank: bool = False) -> PractitionerForm:
    known = list(catalog.all())
    if blank:
        return PractitionerForm(
            formdata=None,
            known_treatments=known,
            is_practitioner=member.is_practitioner,
            display_name=member.display_name or "",
            working_hours=member.working_hours or "",
            treatments=(member.treatments or "").split(),
        )
    return PractitionerForm(known_treatments=known)


@bp.post("/team/<id:staff_id>/active")
@admin_only
def set_active(staff_id: int):
    """Deactivate or reactivate an account."""
    member = accounts.get_or_404(staff_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        flash(form.active.errors[0], "error")
        return redirect(url_for("staff.team"), 303)
    try:
        done = accounts.set_active(member, form.active.data == "1", by=current_user)
    except accounts.AccountError as refusal:
        flash(str(refusal), "error")
    else:
        flash(f"{done}.", "success")
    return redirect(url_for("staff.team"), 303)
