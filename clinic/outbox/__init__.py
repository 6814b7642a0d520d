"""Emails owed because of leads: queued in the lead's transaction, delivered later."""
