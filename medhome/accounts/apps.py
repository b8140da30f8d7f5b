from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "medhome.accounts"
