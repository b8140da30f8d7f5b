from django.apps import AppConfig


class ExperienceConfig(AppConfig):
    name = "medhome.experience"

    def ready(self) -> None:
        from django.core import checks

        from .checks import check_spacing

        checks.register(check_spacing)
