from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "dateline.site"
    label = "site"
    verbose_name = "Public site"

    def ready(self) -> None:
        from dateline.site import chrome, page_cache
        from dateline.stories.signals import story_changed

        chrome.connect_purge()
        story_changed.connect(page_cache.new_generation, dispatch_uid="site-pages")
