"""The staff area, HTTP only, one blueprint grouped by where a person works:
signing in, the lead queue, the schedule and administration."""

from clinic.staff.admin import privacy_views, views  # noqa: F401 - attach routes
from clinic.staff.auth import account_views  # noqa: F401
from clinic.staff.auth import views as auth_views  # noqa: F401
from clinic.staff.blueprint import bp
from clinic.staff.queue import reply_views  # noqa: F401
from clinic.staff.queue import views as queue_views  # noqa: F401
from clinic.staff.schedule import availability_views  # noqa: F401
from clinic.staff.schedule import views as schedule_views  # noqa: F401

__all__ = ["bp"]
