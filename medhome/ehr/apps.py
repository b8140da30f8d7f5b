from django.apps import AppConfig


class EhrConfig(AppConfig):
    name = "medhome.ehr"
    verbose_name = "EHR intake"

    def ready(self) -> None:
        from .chart import register_panels

        register_panels()
