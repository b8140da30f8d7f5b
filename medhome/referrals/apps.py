from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "medhome.referrals"

    def ready(self) -> None:
        from .chart import register_panels

        register_panels()
