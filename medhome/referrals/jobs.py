"""The referral follow-up sweep on the worker's schedule
(docs/clinical-rules.md#referral-follow-up); `manage.py sweep_referral_follow_ups` runs the same
function by hand. Interval: settings.MEDHOME_JOB_INTERVALS."""

from datetime import timedelta

from medhome.jobs.registry import register

from .services import sweep_follow_ups

register("referrals.follow_ups", sweep_follow_ups, every=timedelta(hours=1))
