"""Sections, tags and section mappings in the admin (chief editors). Stories have the newsroom's
own screens, so that every edit goes through `stories.actions` rather than a plain model form."""

from django.contrib import admin

from dateline.stories.models import Section, SectionMapping, Tag


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "edition", "position", "comment_policy", "is_default"]
    list_filter = ["edition"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "vocabulary"]
    list_filter = ["vocabulary"]
    search_fields = ["name", "slug"]


@admin.register(SectionMapping)
class SectionMappingAdmin(admin.ModelAdmin):
    """Which section imported copy goes to, by its tags or topics, per edition."""

    list_display = ["tag", "section", "edition"]
    list_filter = ["edition"]
    autocomplete_fields = ["tag"]
    search_fields = ["tag__name"]
