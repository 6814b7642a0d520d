"""Administration's forms: inviting to the team, and finding a patient's records."""

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from clinic.forms import NoControlCharacters, SiteForm, mark_controls, strip
from clinic.people import practitioner_name_problem
from clinic.staff.auth.forms import email_field


class InviteForm(SiteForm):
    email = email_field("Their email address")
    name = StringField(
        "Name (as patients and colleagues see it)",
        filters=[mark_controls, strip],
        validators=[
            NoControlCharacters(),
            Length(max=120, message="Keep the name under 120 characters."),
        ],
    )
    is_admin = BooleanField("Administrator: manages the team, templates and deletions")
    is_practitioner = BooleanField("Practitioner: patients can book them")

    def validate_name(self, field):
        problem = practitioner_name_problem(field.data, self.is_practitioner.data)
        if problem:
            raise ValidationError(problem)


class PatientSearchForm(SiteForm):
    """A privacy request: the patient's email address or phone number."""

    contact = StringField(
        "Patient's email address or phone number",
        filters=[mark_controls, strip],
        validators=[
            DataRequired("Enter the patient's email address or phone number."),
            NoControlCharacters(),
            Length(max=254, message="That is too long for an email or phone."),
        ],
    )


class EraseForm(PatientSearchForm):
    confirm = BooleanField(
        "I confirm the patient asked for the ticked requests to be erased",
        validators=[DataRequired("Tick the box to confirm the erasure.")],
    )
