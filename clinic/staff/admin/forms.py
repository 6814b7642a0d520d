"""Administration's forms: inviting to the team, and finding a patient's records."""

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from clinic.forms import NoControlCharacters, SiteForm, mark_controls, strip
from clinic.people import is_a_name
from clinic.staff.auth.forms import NAME, email_field


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
        if field.data and not (is_a_name(field.data) and NAME.fullmatch(field.data)):
            raise ValidationError(
                'Enter a person\'s name, like "Dr. Ana Ruiz, MD" or "Sam Lee".'
            )
        if self.is_practitioner.data and not field.data:
            raise ValidationError("A practitioner needs the name patients see.")


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
