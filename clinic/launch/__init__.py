"""Whether this install is ready to open to patients: what stands in the way, and
the setting or page that fixes each."""
