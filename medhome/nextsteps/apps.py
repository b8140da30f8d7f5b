from django.apps import AppConfig


class NextstepsConfig(AppConfig):
    name = "medhome.nextsteps"
