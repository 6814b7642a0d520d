"""One lead's page: what it shows, with every form on it, including those a
failed action brings back with the member of staff's input."""

from datetime import UTC, datetime, timedelta

from flask import (
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from wtforms import SelectChoice

from clinic import clock
from clinic.accounts import users
from clinic.appointments import availability
from clinic.appointments.picker import read_day, times_for
from clinic.leads import queries, replies
from clinic.models import Lead
from clinic.staff.forms import ActionForm
from clinic.staff.queue.forms import AssignForm, DeleteForm, NoteForm, StatusForm
from clinic.staff.queue.reply_forms import ReplyForm
from clinic.staff.schedule.forms import BookForm, OutcomeForm
from clinic.treatments import catalog
from clinic.vocabulary import AppointmentStatus


def practitioner_choices() -> list[tuple[str, str]]:
    return [SelectChoice("", "Whoever is free")] + [
        SelectChoice(str(p.id), p.name) for p in availability.practitioners()
    ]


def book_form(blank: bool = False) -> BookForm:
    """The booking form, from the request unless `blank`."""
    form = BookForm(formdata=None) if blank else BookForm()
    form.practitioner.choices = practitioner_choices()
    return form


def appointment_context(lead: Lead, alternatives=None, form=None) -> dict:
    """What the lead page's appointment section needs: the standing appointment,
    and a picker of free times (no minimum notice: staff book callers in)."""
    standing = lead.appointment
    first, last = availability.bookable_range()
    # The day asked for, or (a refused booking) the day its form showed.
    day = read_day(request.args.get("date") or request.form.get("date"))
    if day is None:
        if standing is not None:
            day = standing.starts_at.astimezone(clock.zone()).date()
        else:
            day = lead.preferred_date if first <= lead.preferred_date <= last else first
    ignore = standing.id if standing is not None else None
    picker = times_for(day, lead.treatment, alternatives, ignore=ignore, notice=False)
    return {
        "appointment": standing,
        "picker": picker,
        "picker_day": picker["day"] or day,
        "first_date": first,
        "last_date": last,
        "book_form": form or book_form(blank=True),
        "outcome_form": OutcomeForm(formdata=None),
        "can_close": standing is not None
        and standing.starts_at <= datetime.now(UTC)
        and standing.status == AppointmentStatus.BOOKED,
        "zone": clock.zone(),
    }


def assignee_choices() -> list[SelectChoice]:
    """Nobody, or any active member of staff."""
    return [
        SelectChoice("", "Nobody"),
        *(SelectChoice(str(s.id), s.email) for s in users.active_members()),
    ]


def reply_form(form: ReplyForm | None) -> ReplyForm:
    """The reply form (the one sent back, if any), offering the clinic's templates."""
    form = form or ReplyForm(formdata=None)
    form.template.choices = [SelectChoice("", "None: write it")] + [
        SelectChoice(str(t.id), t.name) for t in replies.templates()
    ]
    return form


def render_lead(lead: Lead, status: int = 200, **forms) -> tuple[str, int]:
    """Show a lead with its forms, keeping any a failed action brought back."""
    assign = forms.get("assign_form") or AssignForm(
        formdata=None, assignee=str(lead.assigned_to_id or "")
    )
    assign.assignee.choices = assignee_choices()
    context = {
        "lead": lead,
        "status_form": forms.get("status_form")
        or StatusForm(formdata=None, current=lead.status),
        "assign_form": assign,
        "note_form": forms.get("note_form") or NoteForm(formdata=None),
        "delete_form": forms.get("delete_form") or DeleteForm(formdata=None),
        "action_form": ActionForm(formdata=None),
        "confirm_resend": forms.get("confirm_resend"),
        "reply_form": reply_form(forms.get("reply_form")),
        "reply_preview": forms.get("reply_preview"),
        "history": queries.history_lines(
            queries.history(lead),
            timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"]),
        ),
        "same_patient": queries.same_patient(lead),
        "same_patient_all": queries.same_patient(lead, with_spam=True),
        "same_phone": queries.same_phone(lead),
        "treatment": catalog.get(lead.treatment),
        **appointment_context(lead, forms.get("alternatives"), forms.get("book_form")),
    }
    return render_template("staff/queue/lead.html", **context), status


def back_to(lead: Lead) -> Response:
    """Back to the lead, at the section the actions and their messages are in."""
    return redirect(url_for("staff.lead", lead_id=lead.id, _anchor="work"), 303)
