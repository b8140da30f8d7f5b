from django.apps import AppConfig


class CareplanConfig(AppConfig):
    name = "medhome.careplan"

    def ready(self) -> None:
        from medhome.ehr import bulk_people

        from .chart import register_panels
        from .imported import import_care_teams
        from .imported_plan import import_care_plans, import_goals

        register_panels()
        bulk_people.register("CareTeam", import_care_teams)
        bulk_people.register("Goal", import_goals)
        bulk_people.register("CarePlan", import_care_plans)
