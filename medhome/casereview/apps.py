from django.apps import AppConfig


class CasereviewConfig(AppConfig):
    name = "medhome.casereview"
