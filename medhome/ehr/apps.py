from django.apps import AppConfig


class EhrConfig(AppConfig):
    name = "medhome.ehr"
    verbose_name = "EHR intake"

    def ready(self) -> None:
        from . import chart, visit_chart
        from .adt import register_handlers

        chart.register_panels()
        visit_chart.register_panels()
        # The feed (events) cannot import ehr: ehr tells it which HL7 messages from the
        # practice's own EHR are its own (events.handlers).
        register_handlers()
