from django.apps import AppConfig


class SmartConfig(AppConfig):
    name = "medhome.smart"
    verbose_name = "SMART on FHIR"
