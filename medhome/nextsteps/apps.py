from django.apps import AppConfig


class NextstepsConfig(AppConfig):
    name = "medhome.nextsteps"

    def ready(self) -> None:
        from medhome.screening import hooks
        from medhome.tasks import kinds

        from . import jobs  # noqa: F401 - registers the periodic sweep
        from .chart import register_all
        from .definitions import STEPS
        from .services import on_scored

        hooks.on_scored(on_scored)
        kinds.NEXT_STEP_LABELS.update({key: step.label for key, step in STEPS.items()})
        register_all()
