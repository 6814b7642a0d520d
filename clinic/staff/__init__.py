"""The staff area: sign-in, the leads and their audit trail."""

from clinic.staff import (  # noqa: F401 - attach their routes
    account_views,
    admin_views,
    appointment_views,
    availability_views,
    lead_views,
    privacy_views,
    reply_views,
)
from clinic.staff.views import bp

__all__ = ["bp"]
