"""Tests of the lead queue and the lead page."""
