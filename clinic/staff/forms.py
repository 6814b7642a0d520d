"""Staff forms: sign-in, the lead filters, and the actions on one lead."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Form,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from clinic.booking.forms import NoControlCharacters, mark_controls, strip
from clinic.staff import passwords
from clinic.staff.leads import SOURCES, STATUSES

NOTE_MAX = 5000


def choices(names: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in names.items()]


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        filters=[mark_controls, strip],
        validators=[
            DataRequired("Enter your email address."),
            NoControlCharacters(),
            Length(max=254, message="That email address is too long."),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter your password."),
            Length(max=passwords.MAX_LENGTH, message="That password is too long."),
        ],
    )
    next = HiddenField()


class LeadFilters(Form):
    """The list's filters, read from the query string so every view has a URL."""

    status = SelectField(
        "Status",
        choices=[SelectChoice("", "All but spam"), *choices(STATUSES)],
        validate_choice=True,
        default="",
    )
    treatment = SelectField("Treatment", default="")
    source = SelectField(
        "Source",
        choices=[SelectChoice("", "Any source"), *choices(SOURCES)],
        default="",
    )
    received_from = DateField("Received from", validators=[Optional()])
    received_to = DateField("Received to", validators=[Optional()])
    q = StringField(
        "Search name, email or phone",
        filters=[mark_controls, strip],
        validators=[
            NoControlCharacters(),
            Length(max=100, message="Search for at most 100 characters."),
        ],
    )
    page = IntegerField(
        "Page", default=1, validators=[Optional(), NumberRange(min=1, max=100_000)]
    )

    def __init__(self, formdata, treatments: dict, **kwargs):
        super().__init__(formdata, **kwargs)
        self.treatment.choices = [
            SelectChoice("", "Any treatment"),
            *(SelectChoice(t.slug, t.title) for t in treatments.values()),
        ]

    def validate_received_to(self, field):
        start = self.received_from.data
        if field.data and start and field.data < start:
            raise ValidationError("The end date must not be before the start date.")


class StatusForm(FlaskForm):
    status = SelectField("New status", choices=choices(STATUSES))
    # The status the page showed: a change made meanwhile by someone else wins.
    current = HiddenField()


class AssignForm(FlaskForm):
    assignee = SelectField("Assigned to", coerce=str)


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Add a note",
        filters=[mark_controls],
        validators=[
            InputRequired("Write the note first."),
            NoControlCharacters(allow_newlines=True),
            Length(max=NOTE_MAX, message=f"Keep a note under {NOTE_MAX:,} characters."),
        ],
    )

    def validate_body(self, field):
        if not field.data.strip():
            raise ValidationError("Write the note first.")


class DeleteForm(FlaskForm):
    confirm = BooleanField(
        "I confirm the patient asked for their data to be deleted",
        validators=[DataRequired("Tick the box to confirm the deletion.")],
    )
