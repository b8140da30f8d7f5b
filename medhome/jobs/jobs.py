"""This app's own periodic job: forget finished queue rows, runs and old heartbeats."""

from datetime import timedelta

from .registry import DAY, register
from .workers import prune

register("jobs.prune", prune, every=DAY, offset=timedelta(hours=3))
