from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "medhome.tasks"
