"""Critical-alert escalation on the worker's schedule (docs/clinical-rules.md#critical-answers):
an alert is due 2 business hours after it is raised, so every few minutes keeps it on time.
`manage.py escalate_critical_alerts` runs the same function by hand."""

from datetime import timedelta

from medhome.jobs.registry import register

from .alerts import escalate_overdue_alerts

register("screening.alert_escalation", escalate_overdue_alerts, every=timedelta(minutes=5))
