from django.contrib import admin

from dateline.editions.models import Edition, FollowLink


class FollowLinkInline(admin.TabularInline):
    model = FollowLink
    extra = 1


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "language", "calendar", "comment_policy", "is_default"]
    inlines = [FollowLinkInline]
