from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "medhome.tasks"

    def ready(self) -> None:
        from .chart import register_panels

        register_panels()
