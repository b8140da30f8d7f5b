"""Running medhome for real (issue 21): health and readiness, backups and their restore drill.

It reads every other app (a backup holds every table; readiness reads the worker's heartbeats and
the audit chain heads) and no app imports it."""
