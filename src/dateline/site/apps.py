from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "dateline.site"
    label = "site"
    verbose_name = "Public site"

    def ready(self) -> None:
        from dateline.site import chrome, purge

        chrome.connect_signals()
        purge.connect()
