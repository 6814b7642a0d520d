"""Working the leads: the list with its dashboard, one lead, its actions, the export."""

import secrets
from datetime import UTC, date, datetime

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from clinic.accounts import users
from clinic.leads import dashboard, export, queries, workflow
from clinic.staff.blueprint import bp
from clinic.staff.forms import ActionForm
from clinic.staff.guard import admin_only
from clinic.staff.queue import chart
from clinic.staff.queue.forms import (
    AssignForm,
    DeleteForm,
    LeadFilters,
    LeadSearchForm,
    NoteForm,
    StatusForm,
)
from clinic.staff.queue.page import assignee_choices, back_to, render_lead
from clinic.treatments import catalog
from clinic.vocabulary import EmailStatus, QueueView

SEARCHES, SEARCHES_KEPT = "lead_searches", 10


def read_filters() -> tuple[LeadFilters, queries.Filters]:
    """Read the list's filters from the URL, ignoring any that do not make sense;
    a search's words from the session."""
    form = LeadFilters(request.args, catalog.all(), session.get(SEARCHES, {}))
    form.validate()
    value = form.valid_values()
    return form, queries.Filters.from_values(
        value, value["q"] or "", value["search"], me=current_user.id
    )


def remember_search(words: str) -> str:
    """Keep a search's words in the (signed) session; return the key links use."""
    kept = session.get(SEARCHES, {})
    key = next((k for k, v in kept.items() if v == words), secrets.token_urlsafe(6))
    kept = {k: v for k, v in kept.items() if k != key}
    session[SEARCHES] = dict(list(kept.items())[-(SEARCHES_KEPT - 1) :]) | {key: words}
    return key


@bp.post("/leads/search")
def search():
    """Apply the filters sent, keeping the search words out of the URL."""
    form = LeadSearchForm(catalog.all())
    if not form.validate():
        flash("Some filters could not be used and were left out.", "error")
    value = form.valid_values()
    q = value["q"] or ""
    filters = queries.Filters.from_values(
        value, q, remember_search(q) if q else "", me=current_user.id
    )
    return redirect(url_for("staff.leads", **filters.as_args()), 303)


@bp.get("/")
def home():
    """Send /staff/ to the lead list."""
    return redirect(url_for("staff.leads"))


@bp.get("/leads", endpoint="leads")
def lead_list():
    """The work queue: open leads, the longest waiting first, overdue ones marked;
    other views, filters, sorting and the dashboard (folded) around it."""
    form, filters = read_filters()
    found = queries.page_of(filters, 1 if form.page.errors else (form.page.data or 1))
    queries.listed(filters, found)
    board = dashboard.current()
    page_html = render_template(
        "staff/queue/leads.html",
        form=form,
        search_form=LeadSearchForm(catalog.all(), formdata=None),
        filters=filters,
        leads=found,
        counts=filters.status_counts(),
        view_counts=filters.view_counts(),
        repeats=queries.first_leads(found.items),
        VIEWS=QueueView,
        now=datetime.now(UTC),
        overdue=queries.is_overdue,
        board=board,
        chart=chart.lay_out(board),
        chart_narrow=chart.lay_out(board, width=360, height=220, label_every=2),
    )
    # Filters that could not be used are left out, and the page says so.
    return page_html, 400 if form.errors else 200


@bp.get("/leads.csv")
def leads_csv():
    """Download the leads the current filters show, all pages of them."""
    form, filters = read_filters()
    if form.errors:
        # Never a larger export than the filters asked for.
        abort(400, "Some filters could not be used; correct them on the lead list.")
    found = queries.exported(filters)
    body = "".join(export.lines(found, queries.first_leads(found)))
    name = f"leads-{date.today().isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/leads/<id:lead_id>")
def lead(lead_id: int):
    """Show everything about one lead, and record that it was seen."""
    return render_lead(queries.seen(lead_id))


@bp.post("/leads/<id:lead_id>/status")
def change_status(lead_id: int):
    """Move a lead to the status its button names."""
    found = queries.get_or_404(lead_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return render_lead(found, 400, status_form=form)
    new = form.status.data
    body = (form.note.data or "").strip()
    note = (current_user._get_current_object(), body) if body else None
    try:
        changed = workflow.change_status(found, new, form.current.data, note)
    except workflow.Conflict as conflict:
        flash(str(conflict), "error")
        if note:  # the note typed is shown again, not lost
            queries.reload(found)
            kept = StatusForm(formdata=None, current=found.status, note=form.note.data)
            return render_lead(found, 409, status_form=kept)
        return back_to(found)
    label = new.label.lower()
    said = f"Status changed to {label}." if changed else f"Already {label}."
    flash(f"{said} Note added." if note else said, "success")
    return back_to(found)


@bp.post("/leads/<id:lead_id>/assign")
def assign(lead_id: int):
    """Give the lead to a member of staff, or to nobody."""
    found = queries.get_or_404(lead_id)
    form = AssignForm()
    form.assignee.choices = assignee_choices()
    if not form.validate_on_submit():
        return render_lead(found, 400, assign_form=form)
    staff = users.get(int(form.assignee.data or 0))
    workflow.assign(found, staff)
    flash(f"Assigned to {staff.email if staff else 'nobody'}.", "success")
    return back_to(found)


@bp.post("/leads/<id:lead_id>/notes")
def add_note(lead_id: int):
    """Append a note to the lead."""
    found = queries.get_or_404(lead_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_lead(found, 400, note_form=form)
    added = workflow.add_note(found, current_user._get_current_object(), form.body.data)
    flash("Note added." if added else "That note was already added.", "success")
    return back_to(found)


@bp.post("/leads/<id:lead_id>/release")
def release(lead_id: int):
    """Take a lead out of spam and send the emails it was owed."""
    found = queries.get_or_404(lead_id)
    try:
        workflow.release_from_spam(found)
    except workflow.Conflict as conflict:
        flash(str(conflict), "error")
        return back_to(found)
    flash(
        "Released from spam: the lead is new again and its emails are on the way.",
        "success",
    )
    return back_to(found)


@bp.post("/leads/<id:lead_id>/emails/<id:email_id>/resend")
def resend(lead_id: int, email_id: int):
    """Retry one of the lead's emails, or send it once more."""
    found = queries.get_or_404(lead_id)
    email = next((e for e in found.emails if e.id == email_id), None)
    if email is None:
        abort(404, "This lead has no such email.")
    # A delivered email goes to the patient a second time: ask first. One that
    # failed or waits is only tried again, which duplicates nothing.
    if email.status == EmailStatus.SENT and request.form.get("confirmed") != "1":
        return render_lead(found, 200, confirm_resend=email)
    workflow.send_again(found, email)
    flash("The email will be sent again in a moment.", "success")
    return back_to(found)


@bp.post("/leads/<id:lead_id>/delete")
@admin_only
def delete(lead_id: int):
    """Delete a lead and its personal data at the patient's request."""
    found = queries.get_or_404(lead_id)
    form = DeleteForm()
    if not form.validate_on_submit():
        return render_lead(found, 400, delete_form=form)
    others = queries.same_patient(found, with_spam=True)
    workflow.delete(found, others)
    if others:
        ids = ", ".join(f"#{n}" for n in sorted([lead_id, *(o.id for o in others)]))
        said = f"The patient's leads {ids} and their personal data were deleted."
        flash(said, "success")
    else:
        flash(f"Lead #{lead_id} and its personal data were deleted.", "success")
    return redirect(url_for("staff.leads"), 303)


@bp.post("/leads/<id:lead_id>/merge")
def merge(lead_id: int):
    """Close a patient's repeat request in favour of their first one."""
    found = queries.get_or_404(lead_id)
    form = ActionForm()
    into_id = request.form.get("into", "")
    into = next(
        (o for o in queries.same_patient(found) if str(o.id) == into_id.strip()), None
    )
    if not form.validate_on_submit() or into is None:
        flash("That lead cannot be merged there: reload the page.", "error")
        return render_lead(found, 400)
    try:
        workflow.merge(found, into, current_user._get_current_object())
    except workflow.Conflict as conflict:
        flash(str(conflict), "error")
        return back_to(found)
    flash(f"Merged into #{into.id}: this lead is closed.", "success")
    return redirect(url_for("staff.lead", lead_id=into.id, _anchor="work"), 303)
