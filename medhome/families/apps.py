from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "medhome.families"
