from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "dateline.stories"
    verbose_name = "Stories"
