"""The FHIR app's periodic job: run the queued Bulk Data exports (and take back those of a
worker that died), and forget finished exports past their retention (export.run_pending)."""

from datetime import timedelta

from medhome.jobs.registry import register

from .export import run_pending

register("fhir.bulk_exports", run_pending, every=timedelta(minutes=1))
