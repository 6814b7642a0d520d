"""Admin pages: the activity of every member of staff, and the team's accounts."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from clinic.extensions import db
from clinic.models import AuditEvent, Lead, StaffUser
from clinic.staff import accounts, audit
from clinic.staff.guard import admin_only
from clinic.staff.views import bp

EVENTS_PER_PAGE = 100


@bp.get("/activity")
@admin_only
def activity():
    """List what staff did, newest first, a page at a time."""
    staff_id = request.args.get("staff", type=int)
    query = select(AuditEvent)
    if staff_id:
        query = query.where(AuditEvent.staff_id == staff_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // EVENTS_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    events = db.session.scalars(
        query.order_by(AuditEvent.id.desc())
        .limit(EVENTS_PER_PAGE)
        .offset((page - 1) * EVENTS_PER_PAGE)
    ).all()
    lead_ids = {e.lead_id for e in events if e.lead_id}
    existing = set(db.session.scalars(select(Lead.id).where(Lead.id.in_(lead_ids))))
    return render_template(
        "staff/activity.html",
        events=events,
        existing=existing,
        page=page,
        pages=pages,
        staff=db.session.scalars(select(StaffUser).order_by(StaffUser.email)).all(),
        staff_id=staff_id,
        actions=audit.ACTIONS,
    )


@bp.get("/team")
@admin_only
def team():
    """List staff accounts, with a switch to deactivate or reactivate each."""
    members = db.session.scalars(select(StaffUser).order_by(StaffUser.email)).all()
    return render_template(
        "staff/team.html",
        members=members,
        min_length=current_app.config["STAFF_PASSWORD_MIN_LENGTH"],
    )


@bp.post("/team/<int:staff_id>/active")
@admin_only
def set_active(staff_id: int):
    member = db.session.get(StaffUser, staff_id) or abort(404, "No such account.")
    if member.id == current_user.id:
        flash("You cannot deactivate your own account.", "error")
        return redirect(url_for("staff.team"), 303)
    active = request.form.get("active") == "1"
    accounts.set_active(member, active)
    state = "reactivated" if active else "deactivated"
    audit.record("staff", detail=f"{member.email} {state}")
    db.session.commit()
    flash(f"{member.email} {state}.", "success")
    return redirect(url_for("staff.team"), 303)
