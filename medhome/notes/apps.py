from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "medhome.notes"

    def ready(self) -> None:
        from .chart import register_panels

        register_panels()
