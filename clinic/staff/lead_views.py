"""Working the leads: the list with its dashboard, one lead, its actions, the export."""

from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from clinic.extensions import db
from clinic.models import AuditEvent, Lead, OutboxEmail, StaffUser
from clinic.outbox.background import kick
from clinic.staff import audit, dashboard, export, workflow
from clinic.staff.forms import (
    AssignForm,
    DeleteForm,
    LeadFilters,
    NoteForm,
    StatusForm,
)
from clinic.staff.guard import admin_only
from clinic.staff.leads import NEXT_STATUSES, STATUSES, Filters
from clinic.staff.views import bp


def read_filters() -> tuple[LeadFilters, Filters]:
    """Read the list's filters from the URL, ignoring any that do not make sense."""
    form = LeadFilters(request.args, current_app.extensions["treatments"])
    form.validate()
    value = {f.name: None if f.errors else f.data for f in form}
    filters = Filters(
        status=value["status"] or "",
        treatment=value["treatment"] or "",
        source=value["source"] or "",
        received_from=value["received_from"],
        received_to=value["received_to"],
        q=value["q"] or "",
    )
    return form, filters


@bp.get("/")
def home():
    """Send /staff/ to the lead list."""
    return redirect(url_for("staff.leads"))


@bp.get("/leads")
def leads():
    """List leads newest first, with the filters, counts and dashboard above."""
    form, filters = read_filters()
    per_page = current_app.config["STAFF_LEADS_PER_PAGE"]
    total = filters.count()
    pages = max(1, -(-total // per_page))
    page = min(1 if form.page.errors else (form.page.data or 1), pages)
    found = db.session.scalars(
        filters.query().limit(per_page).offset((page - 1) * per_page)
    ).all()
    audit.record("list", detail=f"{filters.describe()}; page {page}")
    board = dashboard.build()
    page_html = render_template(
        "staff/leads.html",
        form=form,
        filters=filters,
        leads=found,
        total=total,
        page=page,
        pages=pages,
        per_page=per_page,
        counts=filters.status_counts(),
        board=board,
        chart=dashboard.chart(board),
    )
    # Committed once the page is built: a commit expires the loaded rows, and
    # rendering would then fetch each lead and its assignee again, one by one.
    db.session.commit()
    return page_html


@bp.get("/leads.csv")
def leads_csv():
    """Download the leads the current filters show, all pages of them."""
    _form, filters = read_filters()
    found = export.matching(filters)
    audit.record("export", detail=f"{len(found)} leads; {filters.describe()}")
    body = "".join(export.lines(found))
    db.session.commit()  # after the rows are written out, as for the list
    name = f"leads-{date.today().isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def get_lead(lead_id: int) -> Lead:
    return db.session.get(Lead, lead_id) or abort(404, "There is no such lead.")


def assignee_choices() -> list[SelectChoice]:
    """Nobody, or any active member of staff."""
    staff = db.session.scalars(
        select(StaffUser).where(StaffUser.active).order_by(StaffUser.email)
    )
    return [
        SelectChoice("", "Nobody"),
        *(SelectChoice(str(s.id), s.email) for s in staff),
    ]


def render_lead(lead: Lead, status: int = 200, **forms) -> tuple[str, int]:
    """Show a lead with its forms, keeping any a failed action brought back."""
    assign = forms.get("assign_form") or AssignForm(
        formdata=None, assignee=str(lead.assigned_to_id or "")
    )
    assign.assignee.choices = assignee_choices()
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.lead_id == lead.id)
        .order_by(AuditEvent.id.desc())
    ).all()
    context = {
        "lead": lead,
        "next_statuses": NEXT_STATUSES.get(lead.status, ()),
        "status_form": forms.get("status_form")
        or StatusForm(formdata=None, current=lead.status),
        "assign_form": assign,
        "note_form": forms.get("note_form") or NoteForm(formdata=None),
        "delete_form": forms.get("delete_form") or DeleteForm(formdata=None),
        "events": events,
        "treatment": current_app.extensions["treatments"].get(lead.treatment),
    }
    return render_template("staff/lead.html", **context), status


@bp.get("/leads/<int:lead_id>")
def lead(lead_id: int):
    """Show everything about one lead, and record that it was seen."""
    found = get_lead(lead_id)
    audit.record("view", found.id)  # flushed by the history query: shown at once
    page = render_lead(found)
    db.session.commit()  # after rendering, as for the list
    return page


def back_to(lead: Lead) -> Response:
    return redirect(url_for("staff.lead", lead_id=lead.id), 303)


@bp.post("/leads/<int:lead_id>/status")
def change_status(lead_id: int):
    found = get_lead(lead_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return render_lead(found, 400, status_form=form)
    try:
        changed = workflow.change_status(found, form.status.data, form.current.data)
    except workflow.Conflict as conflict:
        flash(str(conflict), "error")
        return back_to(found)
    label = STATUSES[form.status.data].lower()
    flash(f"Status changed to {label}." if changed else f"Already {label}.", "success")
    return back_to(found)


@bp.post("/leads/<int:lead_id>/assign")
def assign(lead_id: int):
    found = get_lead(lead_id)
    form = AssignForm()
    form.assignee.choices = assignee_choices()
    if not form.validate_on_submit():
        return render_lead(found, 400, assign_form=form)
    staff = db.session.get(StaffUser, int(form.assignee.data or 0))
    workflow.assign(found, staff)
    flash(f"Assigned to {staff.email if staff else 'nobody'}.", "success")
    return back_to(found)


@bp.post("/leads/<int:lead_id>/notes")
def add_note(lead_id: int):
    found = get_lead(lead_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_lead(found, 400, note_form=form)
    added = workflow.add_note(found, current_user._get_current_object(), form.body.data)
    flash("Note added." if added else "That note was already added.", "success")
    return back_to(found)


@bp.post("/leads/<int:lead_id>/release")
def release(lead_id: int):
    found = get_lead(lead_id)
    try:
        workflow.release_from_spam(found)
    except workflow.Conflict as conflict:
        flash(str(conflict), "error")
        return back_to(found)
    kick()
    flash(
        "Released from spam: the lead is new again and its emails are on the way.",
        "success",
    )
    return back_to(found)


@bp.post("/leads/<int:lead_id>/emails/<int:email_id>/resend")
def resend(lead_id: int, email_id: int):
    found = get_lead(lead_id)
    email = db.session.get(OutboxEmail, email_id)
    if email is None or email.lead_id != found.id:
        abort(404, "This lead has no such email.")
    workflow.send_again(found, email)
    kick()
    flash("The email will be sent again in a moment.", "success")
    return back_to(found)


@bp.post("/leads/<int:lead_id>/delete")
@admin_only
def delete(lead_id: int):
    found = get_lead(lead_id)
    form = DeleteForm()
    if not form.validate_on_submit():
        return render_lead(found, 400, delete_form=form)
    workflow.delete(found)
    flash(f"Lead #{lead_id} and its personal data were deleted.", "success")
    return redirect(url_for("staff.leads"), 303)
