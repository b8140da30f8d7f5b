from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "medhome.accounts"

    def ready(self) -> None:
        from allauth.mfa import signals as mfa_signals

        from .security_log import second_factor_failed

        mfa_signals.authentication_failed.connect(
            second_factor_failed, dispatch_uid="medhome-second-factor-failed"
        )
