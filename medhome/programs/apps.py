from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "medhome.programs"

    def ready(self) -> None:
        from .chart import register_panels

        register_panels()
