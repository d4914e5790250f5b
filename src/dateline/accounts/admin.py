from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from dateline.accounts.models import User


@admin.register(User)
class DatelineUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Byline", {"fields": ("byline",)}))
