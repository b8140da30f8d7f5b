from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "medhome.fhir"
    verbose_name = "FHIR API"

    def ready(self) -> None:
        # Each resource type registers itself into the registry when its module is imported.
        from . import resources  # noqa: F401
