from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "medhome.practices"
