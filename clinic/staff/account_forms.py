"""Forms about accounts: inviting, choosing a password, asking for a reset, the
sign-in code, and a patient's privacy request."""

import re

from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from clinic.booking.forms import NoControlCharacters, mark_controls, strip
from clinic.forms import SiteForm
from clinic.people import is_a_name
from clinic.staff import passwords

# Letters of any script, spaces and the marks names and credentials use.
NAME = re.compile(r"[^\W\d_](?:[^\W_]|[ .,'’()-])*")


def email_field(label: str = "Email address") -> StringField:
    return StringField(
        label,
        filters=[mark_controls, strip],
        validators=[
            DataRequired("Enter an email address."),
            NoControlCharacters(),
            Length(max=254, message="That email address is too long."),
        ],
    )


def password_field(label: str, required: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(required),
            Length(max=passwords.MAX_LENGTH, message="That password is too long."),
        ],
    )


class NewPasswordForm(SiteForm):
    """Choosing a password: from an invitation, a reset link or the account page."""

    password = password_field("New password", "Choose a password.")
    password_confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", "The two passwords are not the same."),
        ],
    )


class InvitationAcceptForm(NewPasswordForm):
    # Not asked for (the page shows it): sent only by someone trying another.
    email = HiddenField()


class ChangePasswordForm(NewPasswordForm):
    current_password = password_field(
        "Current password", "Enter your current password."
    )


class ResetRequestForm(SiteForm):
    email = email_field()


class CodeForm(SiteForm):
    """The second step of signing in: a code from the app, or a recovery code typed
    in the same box (or sent as `recovery_code`)."""

    code = StringField(
        "Code from your authenticator app, or a recovery code",
        filters=[mark_controls, strip],
        validators=[
            Optional(),
            NoControlCharacters(),
            Length(max=40, message="That code is too long."),
        ],
    )
    recovery_code = StringField(
        "Recovery code",
        filters=[mark_controls, strip],
        validators=[
            Optional(),
            NoControlCharacters(),
            Length(max=40, message="That code is too long."),
        ],
    )

    def validate_code(self, field):
        if not field.data and not self.recovery_code.data:
            raise ValidationError("Enter the code your authenticator app shows.")

    @property
    def given(self) -> str:
        return self.code.data or self.recovery_code.data or ""


class EnrolForm(SiteForm):
    code = StringField(
        "Code shown by the app",
        filters=[mark_controls, strip],
        validators=[
            DataRequired("Enter the six-digit code the app shows."),
            NoControlCharacters(),
            Length(max=40, message="That code is too long."),
        ],
    )


class ReplaceTwoStepForm(SiteForm):
    recovery_code = StringField(
        "One of your recovery codes",
        filters=[mark_controls, strip],
        validators=[
            DataRequired("Enter one of your recovery codes."),
            NoControlCharacters(),
            Length(max=40, message="That code is too long."),
        ],
    )


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
