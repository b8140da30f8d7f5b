from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "medhome.programs"
