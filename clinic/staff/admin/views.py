"""Admin pages: the activity of every member of staff, and the team's accounts."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic import audit
from clinic.accounts import invitations, second_factor, users
from clinic.forms import PAGE_EXPIRED
from clinic.launch.checks import blockers
from clinic.leads import queries
from clinic.routing import query_number
from clinic.staff.admin.forms import InviteForm
from clinic.staff.admin.team_page import team_page
from clinic.staff.blueprint import bp
from clinic.staff.forms import ActionForm, ActiveForm
from clinic.staff.guard import admin_only


@bp.get("/activity")
@admin_only
def activity():
    """List what staff did, newest first, a page at a time."""
    staff_id = query_number(request.args.get("staff", ""), None)
    events = audit.page_of(staff_id, query_number(request.args.get("page", ""), 1))
    return render_template(
        "staff/admin/activity.html",
        events=events,
        existing=queries.still_stored({e.lead_id for e in events if e.lead_id}),
        staff=users.everyone(),
        staff_id=staff_id,
    )


@bp.get("/team")
@admin_only
def team():
    """List staff accounts, with a switch to deactivate or reactivate each, and
    their practitioner settings."""
    return team_page()


@bp.post("/team/<id:staff_id>/active")
@admin_only
def set_active(staff_id: int):
    """Deactivate or reactivate an account."""
    member = users.get_or_404(staff_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        flash(form.active.errors[0], "error")
        return redirect(url_for("staff.team"), 303)
    try:
        done = users.set_active(member, form.active.data == "1", by=current_user)
    except users.AccountError as refusal:
        flash(str(refusal), "error")
    else:
        flash(f"{done}.", "success")
    return redirect(url_for("staff.team"), 303)


@bp.post("/team/invite")
@admin_only
def invite():
    """Invite someone by email to make their own account."""
    form = InviteForm()
    if not form.validate_on_submit():
        return team_page(invite_form=form, status=400)
    try:
        sent = invitations.invite(
            form.email.data,
            is_admin=form.is_admin.data,
            is_practitioner=form.is_practitioner.data,
            name=form.name.data or None,
            by=current_user._get_current_object(),
        )
    except users.AccountError as refusal:
        form.email.errors.append(str(refusal))
        return team_page(invite_form=form, status=400)
    flash(f"Invitation sent to {sent.email}. The link works for 72 hours.", "success")
    return redirect(url_for("staff.team", _anchor="invitations"), 303)


@bp.post("/team/invitations/<id:invitation_id>/resend")
@admin_only
def resend_invitation(invitation_id: int):
    """Send an invitation's link again; the old one stops working."""
    return invitation_action(invitation_id, resend=True)


@bp.post("/team/invitations/<id:invitation_id>/revoke")
@admin_only
def revoke_invitation(invitation_id: int):
    return invitation_action(invitation_id, resend=False)


def invitation_action(invitation_id: int, resend: bool):
    found = invitations.get_or_404(invitation_id)
    if not ActionForm().validate_on_submit():
        flash(PAGE_EXPIRED, "error")
        return redirect(url_for("staff.team", _anchor="invitations"), 303)
    try:
        if resend:
            invitations.resend(found)
            flash(f"A new invitation link was sent to {found.email}.", "success")
        else:
            invitations.revoke(found)
            flash(f"The invitation to {found.email} is revoked.", "success")
    except users.AccountError as refusal:
        flash(str(refusal), "error")
    return redirect(url_for("staff.team", _anchor="invitations"), 303)


@bp.post("/team/<id:staff_id>/two-step-reset")
@admin_only
def reset_two_step(staff_id: int):
    """Clear someone's second factor (a lost phone): they set it up again at their
    next sign-in."""
    member = users.get_or_404(staff_id)
    if not ActionForm().validate_on_submit():
        flash(PAGE_EXPIRED, "error")
        return redirect(url_for("staff.team"), 303)
    try:
        second_factor.reset_by_admin(member, current_user._get_current_object())
    except users.AccountError as refusal:
        flash(str(refusal), "error")
    else:
        flash(
            f"Two-step sign-in of {member.email} is reset; they set it up again "
            "when they next sign in.",
            "success",
        )
    return redirect(url_for("staff.team"), 303)


@bp.get("/launch-check")
@admin_only
def launch_check():
    """What stands between this install and opening it to patients."""
    return render_template("staff/admin/launch_check.html", blockers=blockers())
