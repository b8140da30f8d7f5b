from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "medhome.screening"

    def ready(self) -> None:
        from medhome.ehr import bulk_people

        from .chart import register_panels
        from .imported import import_responses

        register_panels()
        bulk_people.register("QuestionnaireResponse", import_responses)
