from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "medhome.billing"
