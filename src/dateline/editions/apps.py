from django.apps import AppConfig


class EditionsConfig(AppConfig):
    name = "dateline.editions"
    verbose_name = "Editions"
