"""The staff blueprint: one guard in front of every route, and what every staff
page shows."""

from datetime import UTC, datetime, timedelta

from flask import Blueprint, current_app
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from clinic.appointments import changes
from clinic.errors import error_page
from clinic.leads import queries
from clinic.models import OutboxEmail
from clinic.staff import display, guard
from clinic.staff.forms import ActionForm

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(guard.require_staff)
bp.after_request(guard.private_headers)


@bp.errorhandler(CSRFError)
def form_token_refused(error: CSRFError):
    """A staff form sent after its session ended (signed out idle, cookies cleared)
    is a sign-in, not an error: back to the page after it."""
    if not current_user.is_authenticated:
        return guard.require_staff() or error_page(error)
    return error_page(error)


@bp.context_processor
def page_helpers() -> dict:
    """The formats every staff page uses, and the sign-out button's form."""
    return display.helpers() | {
        "sign_out_form": ActionForm,
        "new_leads": queries.count_new,
        "booking_alert": booking_alert,
    }


def booking_alert() -> OutboxEmail | None:
    """The clinic's alert that online bookings are arriving unusually fast, while
    its period lasts: every staff page shows it."""
    if not current_user.is_authenticated:
        return None
    minutes = current_app.config["BOOKING_ALERT_MINUTES"]
    since = datetime.now(UTC) - timedelta(minutes=minutes)
    return changes.busy_alert_since(since)
