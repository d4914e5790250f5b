"""Signing in and out, and changing one's password.

The sign-in is Django's LoginView with the newsroom's form: every attempt goes through
`authenticate()`, so django-axes counts failures and its middleware answers a locked-out
attempt with the lock-out page (decision 0011). Changing the password keeps this session and
ends every other one (Django's `update_session_auth_hash`).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator

from dateline.accounts.throttling import cool_off_minutes
from dateline.comments.moderation import MODERATING_ROLES
from dateline.newsroom.access import NO_STORE, WRITING_ROLES, signed_in
from dateline.newsroom.forms import SignInForm
from dateline.stories.workflow import role_of


class SignInView(auth_views.LoginView):
    template_name = "newsroom/login.html"
    template_engine = "django"
    authentication_form = SignInForm
    next_page = reverse_lazy("newsroom:stories")

    def get_default_redirect_url(self):
        """A comment moderator has no story screens: their home is the comment queue."""
        if (
            role_of(self.request.user) not in WRITING_ROLES
            and role_of(self.request.user) in MODERATING_ROLES
        ):
            return reverse("newsroom:comments")
        return super().get_default_redirect_url()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": "Sign in",
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": cool_off_minutes(),
        }

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET): a link cannot sign anyone out."""

    next_page = reverse_lazy("newsroom:login")


@method_decorator(signed_in, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "newsroom/password_change.html"
    template_engine = "django"
    success_url = reverse_lazy("newsroom:stories")
    title = "Change your password"

    def form_valid(self, form):
        response = super().form_valid(form)  # saves, then update_session_auth_hash
        messages.success(
            self.request, "Password changed. Your other sessions have been signed out."
        )
        return response
