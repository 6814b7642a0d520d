"""Forms for appointments in the staff area: booking a caller in, recording how it
went, and saying when practitioners work."""

from datetime import date

from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Length, ValidationError

from clinic.appointments import availability
from clinic.forms import NoControlCharacters, SiteForm, mark_controls, strip
from clinic.people import practitioner_name_problem
from clinic.vocabulary import AppointmentStatus


def optional_line(label: str, max_length: int, too_long: str) -> StringField:
    """A one-line field that may be left empty, trimmed, control codes refused."""
    return StringField(
        label,
        filters=[mark_controls, strip],
        validators=[NoControlCharacters(), Length(max=max_length, message=too_long)],
    )


class BookForm(SiteForm):
    """The day shown, a time on it, and who (any free practitioner unless
    chosen); a time on another day is refused where it is booked."""

    date = StringField("Day", filters=[mark_controls, strip])
    appointment_start = StringField("Time", filters=[mark_controls, strip])
    practitioner = SelectField("Practitioner", coerce=str, validate_choice=False)

    def validate_appointment_start(self, field):
        if not field.data:
            raise ValidationError("Choose a time.")

    def validate_practitioner(self, field):
        if field.data and field.data not in {c.value for c in field.choices or []}:
            raise ValidationError("Choose a practitioner from the list.")


class OutcomeForm(SiteForm):
    outcome = SelectField(
        "How it went",
        choices=[
            SelectChoice(AppointmentStatus.ATTENDED, "Attended"),
            SelectChoice(AppointmentStatus.NO_SHOW, "No-show"),
        ],
        validate_choice=False,
    )

    def validate_outcome(self, field):
        if field.data not in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW):
            raise ValidationError("Choose attended or no-show.")


def read_date(text: str | None, label: str) -> date:
    try:
        value = date.fromisoformat(text or "")
    except ValueError:
        raise ValidationError(f"Enter the {label} as YYYY-MM-DD.") from None
    if not 2000 <= value.year <= 2999:
        raise ValidationError(f"Enter a {label} between 2000 and 2999.")
    return value


class TimeOffForm(SiteForm):
    """Whole days away for one practitioner, or (no one chosen) the clinic closed."""

    practitioner = SelectField("Who", coerce=str, validate_choice=False)
    first_day = StringField("First day", filters=[mark_controls, strip])
    last_day = StringField("Last day", filters=[mark_controls, strip])
    reason = optional_line(
        "Reason (optional, shown to staff only)", 120, "Keep it under 120 characters."
    )

    def validate_practitioner(self, field):
        if field.data and field.data not in {c.value for c in field.choices or []}:
            raise ValidationError("Choose someone from the list.")

    def validate_first_day(self, field):
        field.data = read_date(field.data, "first day")

    def validate_last_day(self, field):
        field.data = read_date(field.data, "last day")
        first = self.first_day.data
        if isinstance(first, date) and field.data < first:
            raise ValidationError("The last day cannot come before the first.")
        if isinstance(first, date) and (field.data - first).days > 366:
            raise ValidationError("Record at most a year at a time.")


class PractitionerForm(SiteForm):
    is_practitioner = BooleanField("Sees patients (offered for booking)")
    display_name = optional_line(
        "Name patients see", 120, "Keep the name under 120 characters."
    )
    working_hours = optional_line(
        "Own weekly hours (empty: the clinic's)",
        200,
        "Keep the hours under 200 characters.",
    )
    # Checkboxes; none ticked offers every treatment.
    treatments = SelectMultipleField(
        "Treatments offered (none ticked: every treatment)", validate_choice=False
    )

    def __init__(self, *args, known_treatments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.known_treatments = set(known_treatments)

    def validate_display_name(self, field):
        problem = practitioner_name_problem(field.data, self.is_practitioner.data)
        if problem:
            raise ValidationError(problem)

    def validate_working_hours(self, field):
        try:
            hours = availability.parse_weekly_hours(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        field.data = availability.format_weekly_hours(hours) or None

    def validate_treatments(self, field):
        slugs = list(field.data or [])
        unknown = [s for s in slugs if s not in self.known_treatments]
        if unknown:
            raise ValidationError(f"Unknown treatments: {', '.join(unknown[:5])}.")

    def offered(self) -> str | None:
        """The ticked treatments as stored; None: every one."""
        return " ".join(dict.fromkeys(self.treatments.data or [])) or None
