"""Django's admin at /newsroom/admin/, for chief editors only: sections, editions, section
mappings, staff and sign-in lock-outs. Stories are not in it (the newsroom's screens write them
through `stories.actions`)."""

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from dateline.accounts.models import Role


def is_chief_editor(user) -> bool:
    """Chief editors and superusers (whose newsroom role is chief editor); never the inactive."""
    return getattr(user, "newsroom_role", "") == Role.CHIEF_EDITOR


class ChiefEditorPermissions:
    """Chief editors manage everything the admin shows, without per-model permissions: their
    role is the permission (decision 0013). Everyone else keeps Django's own checks."""

    def has_view_permission(self, request, obj=None):
        return is_chief_editor(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_chief_editor(request.user) or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_chief_editor(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_chief_editor(request.user) or super().has_delete_permission(request, obj)

    def has_module_permission(self, request):
        return is_chief_editor(request.user) or super().has_module_permission(request)


def _granted(admin_class: type) -> type:
    return type(
        admin_class.__name__,
        (ChiefEditorPermissions, admin_class),
        {"__module__": admin_class.__module__},
    )


class NewsroomAdminSite(AdminSite):
    site_header = "Dateline newsroom"
    site_title = "Dateline newsroom"
    index_title = "Administration"
    site_url = "/newsroom/"

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and is_chief_editor(request.user)

    def register(self, model_or_iterable, admin_class=None, **options):
        granted = _granted(admin_class or ModelAdmin)
        granted.inlines = [_granted(inline) for inline in granted.inlines]
        super().register(model_or_iterable, granted, **options)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """One sign-in for the whole newsroom (/newsroom/login/, throttled by axes); a member
        who is signed in but not a chief editor is refused, not asked to sign in again."""
        wanted = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
            wanted = ""
        wanted = wanted or reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(wanted, reverse("newsroom:login"))
        if self.has_permission(request):
            return HttpResponseRedirect(wanted)
        from dateline.newsroom.access import forbidden

        return forbidden(request, "The administration is for chief editors.")
