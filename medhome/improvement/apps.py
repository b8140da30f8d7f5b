from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "medhome.improvement"

    def ready(self) -> None:
        # The run charts mark when each of the practice's changes started (measures sits below
        # improvement and reaches it only through this hook, as screening does through its own).
        from medhome.measures import annotations

        from . import selectors

        annotations.register(selectors.chart_annotations)
