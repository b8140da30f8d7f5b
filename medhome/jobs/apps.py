from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "medhome.jobs"

    def ready(self) -> None:
        from django.conf import settings
        from django.utils.module_loading import autodiscover_modules

        from medhome.jobs.registry import import_job_modules

        # Every app's jobs.py registers its periodic jobs; importing them here, once per process,
        # gives the web process, the worker and the tests the same registry.
        autodiscover_modules("jobs")
        import_job_modules(getattr(settings, "MEDHOME_EXTRA_JOB_MODULES", []))
