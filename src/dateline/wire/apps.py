from django.apps import AppConfig


class WireConfig(AppConfig):
    name = "dateline.wire"
    verbose_name = "Wire"

    def ready(self) -> None:
        from dateline.wire import webhooks

        webhooks.connect()
