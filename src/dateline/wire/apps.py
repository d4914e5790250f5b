from django.apps import AppConfig


class WireConfig(AppConfig):
    name = "dateline.wire"
    verbose_name = "Wire"
