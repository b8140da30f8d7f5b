from django.apps import AppConfig


class GroupcareConfig(AppConfig):
    name = "medhome.groupcare"
