from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dateline.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from dateline.accounts.throttling import forget_own_failures

        user_logged_in.connect(forget_own_failures, dispatch_uid="dateline.forget_own_failures")
