from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "medhome.measures"
    verbose_name = "Quality measures"
