"""The schedule: appointments, the calendar and availability."""
