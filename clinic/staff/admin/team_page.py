"""The team page, shared by the team's and the practitioners' settings."""

from datetime import UTC, datetime

from flask import current_app, render_template

from clinic.accounts import invitations, users
from clinic.staff.admin.forms import InviteForm
from clinic.staff.forms import ActionForm, ActiveForm
from clinic.staff.schedule.forms import PractitionerForm
from clinic.treatments import catalog


def team_page(
    failed: dict | None = None, status: int = 200, invite_form: InviteForm | None = None
):
    """The team page; `failed` maps an account id to its form sent back."""
    members = users.everyone()
    forms = {m.id: practitioner_form(m, blank=True) for m in members} | (failed or {})
    return render_template(
        "staff/admin/team.html",
        members=members,
        invite_form=invite_form or InviteForm(formdata=None),
        pending=invitations.pending(),
        now=datetime.now(UTC),
        action_form=ActionForm(),
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
