from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "medhome.audit"
