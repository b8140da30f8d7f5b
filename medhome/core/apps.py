from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "medhome.core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks
        from django.db.backends.signals import connection_created

        from medhome.core import lookups  # noqa: F401 - registers `__any_of`
        from medhome.core.checks import check_session_timeouts
        from medhome.core.middleware import stamp_signed_in_session
        from medhome.core.sqlite_functions import memoize_date_functions

        connection_created.connect(memoize_date_functions, dispatch_uid="memoize_date_functions")
        user_logged_in.connect(stamp_signed_in_session, dispatch_uid="stamp_signed_in_session")
        checks.register(check_session_timeouts)
