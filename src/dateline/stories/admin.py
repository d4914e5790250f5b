"""Sections, tags and section mappings in the admin (chief editors). Stories have the newsroom's
own screens, so that every edit goes through `stories.actions` rather than a plain model form."""

from django import forms
from django.contrib import admin

from dateline.stories.models import Section, SectionMapping, Tag
from dateline.stories.tagging import tag_key, tag_slug


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "edition", "position", "comment_policy", "is_default"]
    list_filter = ["edition"]
    prepopulated_fields = {"slug": ["name"]}


class TagForm(forms.ModelForm):
    def clean_name(self) -> str:
        """The name gives the tag its key (`tag_key`), which the newsroom's keywords and the
        imports' labels find it by: a name another tag has (but for case, spaces or letter
        forms) is refused, as is one no tag can be named by."""
        name = self.cleaned_data["name"]
        if not (key := tag_key(name)):
            raise forms.ValidationError("A tag's name needs a letter or digit.")
        if other := Tag.objects.filter(key=key).exclude(pk=self.instance.pk).first():
            raise forms.ValidationError(f"The tag “{other.name}” has this name already.")
        self.instance.key = key
        return name

    def clean_slug(self) -> str:
        """The slug as addresses are read (`tag_slug`: "اوپك" is "اوپک"), before the check
        that no other tag has it: one typed otherwise would be a tag no address finds."""
        return tag_slug(self.cleaned_data["slug"])


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagForm
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
