"""The patient's forms on their appointment page."""

from wtforms import StringField

from clinic.forms import SiteForm, mark_controls, strip


class CancelForm(SiteForm):
    """Only its CSRF token: the button is the whole form."""


class RescheduleForm(SiteForm):
    """The day shown and a time on it: a time on another day is refused."""

    date = StringField("Day", filters=[mark_controls, strip])
    appointment_start = StringField(filters=[mark_controls, strip])
