from django.apps import AppConfig


class EhrConfig(AppConfig):
    name = "medhome.ehr"
    verbose_name = "EHR intake"

    def ready(self) -> None:
        from medhome.events.handlers import register
        from medhome.events.models import Sender

        from . import chart, materials, siu, visit_chart
        from .adt import register_handlers

        chart.register_panels()
        materials.register_checks()
        visit_chart.register_panels()
        # The feed (events) cannot import ehr: ehr tells it which HL7 messages from the
        # practice's own EHR are its own (events.handlers).
        register_handlers()
        register(Sender.EHR, "SIU", siu.receive_schedule)  # S12, S13, S14, S15, S26
