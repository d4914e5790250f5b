"""Sections and tags in the admin. Stories get their screens with the newsroom workflow, so that
every edit goes through `stories.actions` rather than a plain model form."""

from django.contrib import admin

from dateline.stories.models import Section, Tag


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "edition", "position"]
    list_filter = ["edition"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "vocabulary"]
    list_filter = ["vocabulary"]
    search_fields = ["name", "slug"]
