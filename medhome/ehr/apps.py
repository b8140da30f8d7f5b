from django.apps import AppConfig


class EhrConfig(AppConfig):
    name = "medhome.ehr"
    verbose_name = "EHR intake"
