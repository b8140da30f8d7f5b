from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "medhome.core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from medhome.core import lookups  # noqa: F401 - registers `__any_of`
        from medhome.core.sqlite_functions import memoize_date_functions

        connection_created.connect(memoize_date_functions, dispatch_uid="memoize_date_functions")
