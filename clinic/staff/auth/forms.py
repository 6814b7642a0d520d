"""Forms about accounts: inviting, choosing a password, asking for a reset, the
sign-in code, and a patient's privacy request."""

from wtforms import (
    HiddenField,
    PasswordField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)

from clinic.accounts import passwords
from clinic.forms import NoControlCharacters, SiteForm, mark_controls, strip

# Letters of any script, spaces and the marks names and credentials use.


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


class SignInForm(SiteForm):
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
