"""Staff in the admin (chief editors): each member's role and the editions they work on.

A chief editor who is not a superuser manages members' roles, editions and passwords, but
neither sees superusers nor grants Django's own powers (superuser, staff, groups,
permissions): the newsroom's rules follow the role (decision 0013), and only a superuser makes
another superuser.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from dateline.accounts.models import User

NEWSROOM_FIELDS = ("role", "editions", "byline")
DJANGO_POWERS = ("is_superuser", "is_staff", "groups", "user_permissions")


@admin.register(User)
class DatelineUserAdmin(UserAdmin):
    fieldsets = (
        UserAdmin.fieldsets[0],
        UserAdmin.fieldsets[1],
        ("Newsroom", {"fields": NEWSROOM_FIELDS}),
        *UserAdmin.fieldsets[2:],
    )
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Newsroom", {"fields": NEWSROOM_FIELDS}))
    list_display = ("username", "byline", "role", "is_active", "last_login")
    list_filter = ("role", "editions", "is_active", "is_superuser")
    filter_horizontal = ("editions", "groups", "user_permissions")

    def get_queryset(self, request):
        members = super().get_queryset(request)
        if not request.user.is_superuser:
            members = members.filter(is_superuser=False)
        return members

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = (*fields, *DJANGO_POWERS)
        return fields
