from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "dateline.discovery"
    verbose_name = "Discovery"

    def ready(self) -> None:
        from dateline.discovery import indexing

        indexing.connect()
