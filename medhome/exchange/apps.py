from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "medhome.exchange"
    verbose_name = "Gravity referral exchange"
