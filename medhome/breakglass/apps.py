from django.apps import AppConfig


class BreakGlassConfig(AppConfig):
    name = "medhome.breakglass"
    label = "breakglass"

    def ready(self) -> None:
        from .chart import register_panels

        register_panels()
