from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "medhome.portal"

    def ready(self) -> None:
        from .pages.chart import register_panels

        register_panels()
