from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "dateline.stories"
    verbose_name = "Stories"

    def ready(self) -> None:
        from dateline.stories import lookups  # noqa: F401  (registers `any_of`)
