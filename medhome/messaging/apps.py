from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "medhome.messaging"
    verbose_name = "Reaching families"

    def ready(self) -> None:
        from .chart import register_panels

        register_panels()
