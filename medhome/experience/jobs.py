"""The survey's sweep on the worker (docs/architecture.md, "Background work"): hourly, plan the
experience survey for the visits completed since; idempotent (one invitation per visit, one
message per invitation), so a run repeated by the queue finds nothing left to do."""

from datetime import datetime, timedelta

from medhome.jobs.registry import register

from .services import plan_all_surveys


def plan_surveys(*, now: datetime) -> int:
    return plan_all_surveys(at=now)


register("experience.plan_surveys", plan_surveys, every=timedelta(hours=1))
