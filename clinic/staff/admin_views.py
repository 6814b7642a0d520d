"""Admin pages: the activity of every member of staff, and the team's accounts."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.routing import query_number
from clinic.staff import accounts, audit, leads
from clinic.staff.forms import ActiveForm
from clinic.staff.guard import admin_only
from clinic.staff.views import bp


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
    """List staff accounts, with a switch to deactivate or reactivate each."""
    return render_template(
        "staff/team.html",
        members=accounts.everyone(),
        switch_form=ActiveForm(),
        min_length=current_app.config["STAFF_PASSWORD_MIN_LENGTH"],
    )


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
