from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "medhome.core"
