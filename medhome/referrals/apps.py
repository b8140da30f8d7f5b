from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "medhome.referrals"

    def ready(self) -> None:
        from medhome.ehr import bulk_people

        from .chart import register_panels
        from .imported import import_service_requests
        from .imported_life import import_consents, import_tasks

        register_panels()
        # The EHR bulk import's referrals (docs/clinical-rules.md#imported-referrals).
        bulk_people.register("ServiceRequest", import_service_requests)
        bulk_people.register("Consent", import_consents)
        bulk_people.register("Task", import_tasks)
