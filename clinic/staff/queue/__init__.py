"""The lead queue and the lead page."""
