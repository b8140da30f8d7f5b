"""The outcome sweep on the worker's schedule: a referral sent or a task done since the last
look follows up its positive screen (docs/clinical-rules.md#next-steps)."""

from datetime import timedelta

from medhome.jobs.registry import register

from .services import settle_pending

register("nextsteps.settle", settle_pending, every=timedelta(minutes=15))
