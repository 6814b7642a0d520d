"""The lead's data API: intake, queries, workflow, retention, export, the
dashboard's figures, reply templates and privacy requests."""
