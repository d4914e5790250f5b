"""Media Topics and the tag → topic table in the admin, for chief editors to fill in."""

from django.contrib import admin

from dateline.wire.models import MediaTopic, TopicMapping


@admin.register(MediaTopic)
class MediaTopicAdmin(admin.ModelAdmin):
    list_display = ["code", "label_en", "label_ar", "label_fa", "retired"]
    list_filter = ["retired"]
    search_fields = ["code", "label_en", "label_ar", "label_fa"]


@admin.register(TopicMapping)
class TopicMappingAdmin(admin.ModelAdmin):
    """Which Media Topic a tag stands for: the subject the wire's items carry."""

    list_display = ["tag", "topic"]
    autocomplete_fields = ["tag", "topic"]
    search_fields = ["tag__name", "topic__label_en"]
