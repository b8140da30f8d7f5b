from django.apps import AppConfig


class EhrConfig(AppConfig):
    name = "medhome.ehr"
    verbose_name = "EHR intake"

    def ready(self) -> None:
        from .adt import register_handlers
        from .visit_chart import register_panels

        register_panels()
        # The feed (events) cannot import ehr: ehr tells it which HL7 messages from the
        # practice's own EHR are its own (events.handlers).
        register_handlers()
