"""Forms every staff area uses: a bare action button and an on/off switch."""

from wtforms import (
    SelectChoice,
    SelectField,
)
from wtforms.validators import (
    ValidationError,
)

from clinic.forms import SiteForm


class ActionForm(SiteForm):
    """A button that does one thing: only the CSRF token travels with it."""


class ActiveForm(SiteForm):
    """The team page's button: "1" lets an account sign in again, "0" stops it."""

    active = SelectField(
        "Can sign in",
        choices=[SelectChoice("1", "Reactivate"), SelectChoice("0", "Deactivate")],
        validate_choice=False,
    )

    def validate_active(self, field):
        if field.data not in ("0", "1"):
            raise ValidationError("Choose to deactivate or reactivate the account.")
