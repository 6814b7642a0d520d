"""Tests of the staff schedule: booking from a lead, outcomes, the calendar."""
