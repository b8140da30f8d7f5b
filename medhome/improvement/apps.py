from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "medhome.improvement"
