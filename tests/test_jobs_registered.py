"""The apps' periodic sweeps are registered on the worker's schedule (across apps: medhome.jobs
imports none of them)."""

from medhome.jobs import registry


def test_the_apps_register_their_sweeps():
    names = {job.name for job in registry.jobs()}
    assert {
        "referrals.follow_ups",
        "screening.alert_escalation",
        "jobs.prune",
        "audit.partitions",
        "audit.retention",
        "messaging.plan_reminders",
        "messaging.plan_referral_follow_ups",
        "messaging.send_due",
        "messaging.crisis_escalation",
        "messaging.plan_discharge_check_ins",
        "messaging.plan_care_plan_reviews",
        "messaging.plan_recalls",
        "measures.nightly",
        "measures.refresh",
        "smart.sweep",
        "ops.nightly_backup",
    } <= names
    from medhome.messaging.jobs import plan_recalls
    from medhome.referrals.services import sweep_follow_ups
    from medhome.screening.alerts import escalate_overdue_alerts

    assert registry.get("messaging.plan_recalls").run is plan_recalls
    assert registry.get("referrals.follow_ups").run is sweep_follow_ups
    assert registry.get("screening.alert_escalation").run is escalate_overdue_alerts
