"""Administration: the team, the activity log and privacy requests."""
