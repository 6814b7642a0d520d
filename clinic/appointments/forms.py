"""The patient's forms on their appointment page."""

from wtforms import StringField

from clinic.booking.forms import mark_controls, strip
from clinic.forms import SiteForm


class CancelForm(SiteForm):
    """Only its CSRF token: the button is the whole form."""


class RescheduleForm(SiteForm):
    appointment_start = StringField(filters=[mark_controls, strip])
