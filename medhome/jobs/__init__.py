"""Background work: the periodic jobs every app registers, the worker that runs them, and the
records that say what ran, what failed and whether a worker is alive.

An app registers a periodic job in one line in its own ``jobs.py`` (discovered at start-up)::

    register("referrals.follow_ups", sweep_follow_ups, every=timedelta(hours=1))

The job is a plain function called as ``run(now=...)``: an idempotent state sweep ("find what is
due and has no row yet"), so running it twice, or again after a worker died in the middle, does
no harm. This app sits low in the layers and imports no domain app; apps import it.
"""
