"""The admin page for patients' privacy requests: find, export, erase."""

from datetime import UTC, datetime

from flask import Response, flash, redirect, render_template, request, url_for

from clinic.leads import privacy_requests, workflow
from clinic.staff.admin.forms import EraseForm, PatientSearchForm
from clinic.staff.blueprint import bp
from clinic.staff.guard import admin_only


@bp.route("/privacy", methods=["GET", "POST"])
@admin_only
def privacy_requests_page():
    """Find every lead of one patient (sent by POST: an email or phone never
    stands in a URL)."""
    form = PatientSearchForm()
    found, status = None, 200
    if form.validate_on_submit():
        found = privacy_requests.find(form.contact.data)
    elif form.errors:
        status = 400
    return render_template(
        "staff/admin/privacy_requests.html",
        form=form,
        found=found,
        erase_form=EraseForm(formdata=None, contact=form.contact.data),
        ticked=None,
    ), status


def ticked(contact: str | None) -> list:
    """The leads the admin ticked, among those the contact finds."""
    return privacy_requests.chosen(contact or "", request.form.getlist("lead"))


@bp.post("/privacy/export")
@admin_only
def privacy_export():
    """Download the ticked leads' data as JSON, for an access request."""
    form = PatientSearchForm()
    found = ticked(form.contact.data) if form.validate() else []
    if not found:
        flash(NONE_TICKED, "error")
        return redirect(url_for("staff.privacy_requests_page"), 303)
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    return Response(
        privacy_requests.export(found),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="patient-data-{day}.json"'
        },
    )


@bp.post("/privacy/erase")
@admin_only
def privacy_erase():
    """Erase the ticked leads, for a deletion request."""
    form = EraseForm()
    if not form.validate_on_submit():
        contact = form.contact.data
        matches = privacy_requests.find(contact) if contact else None
        search = PatientSearchForm(formdata=None, contact=form.contact.data)
        return render_template(
            "staff/admin/privacy_requests.html",
            form=search,
            found=matches,
            erase_form=form,
            ticked=set(request.form.getlist("lead")),
        ), 400
    found = ticked(form.contact.data)
    if not found:
        flash(NONE_TICKED + " Nothing was erased.", "error")
        return redirect(url_for("staff.privacy_requests_page"), 303)
    ids = ", ".join(f"#{lead_id}" for lead_id in sorted(lead.id for lead in found))
    workflow.delete(found[0], found[1:], why="erased on the patient's request")
    flash(f"Erased the patient's leads {ids} and all their personal data.", "success")
    return redirect(url_for("staff.privacy_requests_page"), 303)


NONE_TICKED = "No request was ticked for that email or phone: search again."
