from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "medhome.council"
