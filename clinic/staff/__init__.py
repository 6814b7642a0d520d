"""The staff area: sign-in, the leads and their audit trail."""

from clinic.staff import (  # noqa: F401 - attach their routes
    admin_views,
    appointment_views,
    availability_views,
    lead_views,
    reply_views,
)
from clinic.staff.views import bp

__all__ = ["bp"]
