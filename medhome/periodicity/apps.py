from django.apps import AppConfig


class PeriodicityConfig(AppConfig):
    name = "medhome.periodicity"
