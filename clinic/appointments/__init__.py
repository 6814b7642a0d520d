"""Booked consultation times: availability, booking, the patient's page and its
calendar file, the emails they cause."""
