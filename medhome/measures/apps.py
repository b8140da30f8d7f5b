from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "medhome.measures"
    verbose_name = "Quality measures"

    def ready(self) -> None:
        # The demo's figures, computed when load_demo runs (synth sits below measures).
        from medhome.synth import demo_hooks

        from . import demo

        demo_hooks.register(demo.load)
