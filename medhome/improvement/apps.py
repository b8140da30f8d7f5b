from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "medhome.improvement"

    def ready(self) -> None:
        # The run charts mark when each of the practice's changes started (measures sits below
        # improvement and reaches it only through this hook, as screening does through its own).
        from medhome.measures import annotations

        from . import selectors

        annotations.register(selectors.chart_annotations)
        # The demo's cycle, loaded by load_demo (synth sits below improvement).
        from medhome.synth import demo_hooks

        from . import demo

        demo_hooks.register(demo.load)
