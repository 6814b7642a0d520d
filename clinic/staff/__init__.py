"""The staff area: sign-in, the leads and their audit trail."""

from clinic.staff import admin_views, lead_views  # noqa: F401 - attach their routes
from clinic.staff.views import bp

__all__ = ["bp"]
