"""Pages for a request turned away before its view could use it: a form that failed the CSRF
check (settings.CSRF_FAILURE_VIEW), one too large to read (handler400, for Django's
RequestDataTooBig). The newsroom's addresses, the admin's among them, get a newsroom screen
that says what happened (and gives a story form's typed text back when it could be read); any
other address, the public site's page in its edition's language (the public forms carry no
CSRF token, decision 0034, so little there can fail that check).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.forms.utils import pretty_name
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

from dateline.copy import direction_for
from dateline.newsroom.access import NO_STORE
from dateline.newsroom.forms import PasteForm, StoryForm
from dateline.site.views import request_refused
from dateline.stories.content import MAX_BODY_BYTES

# The screens whose forms hold a story's text: the forms each may have sent (their text is
# given back; no other form's is, so a password never is), and the link that opens it again.
STORY_FORMS = {"newsroom:edit": (StoryForm,), "newsroom:new": (StoryForm, PasteForm)}
STORY_SCREENS = {"newsroom:edit": "Open the story again", "newsroom:new": "Open a new story"}
# How Django's reasons begin when the browser's Origin or Referer named another address
# (django.middleware.csrf.REASON_BAD_ORIGIN and the REASON_*REFERER messages); every other
# reason is about the token: missing, or not this session's.
ADDRESS_CHECKS = ("Origin checking failed", "Referer checking failed")


@dataclass(frozen=True)
class Typed:
    """One text field of a refused form, as it was typed."""

    name: str
    label: str
    value: str


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403. In the newsroom: the form expired (its token is not this session's: the member
    signed in or out since, perhaps in another tab, or the page outlived the session) or the
    browser said it came from another address; nothing was saved, and a story form's text is
    shown back, read-only, to copy into the story opened again."""
    if not _in_newsroom(request):
        return request_refused(request, "form_expired_text", status=403)
    if reason.startswith(ADDRESS_CHECKS):
        title = "This form was not accepted"
        explanation = (
            "Nothing was saved. Your browser says the form was sent from another address than "
            "this site's. If you sent it from the newsroom's own page, tell whoever runs the "
            "site: its address settings do not match the one in your browser."
        )
    else:
        title = "This form had expired"
        explanation = (
            "Nothing was saved. The page was opened before you last signed in or out (perhaps "
            "in another tab or window), or it was open longer than a session lasts, so its "
            "form no longer counts."
        )
    view_name = request.resolver_match.view_name if request.resolver_match else ""
    typed = _typed_text(request, STORY_FORMS.get(view_name, ()))
    if not typed:
        return _refusal(request, 403, title, explanation)
    language = request.POST.get("language", "")
    # The edit and new-story screens open again with a GET at the same address.
    return _refusal(
        request,
        403,
        title,
        explanation,
        back=(request.path, STORY_SCREENS[view_name]),
        typed=typed,
        language=language,
        direction=direction_for(language) if language else "auto",
    )


def keeps_typed_text(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the story-text screens: their form sent with no one signed in (signed out in
    another tab, or the session outlived) is refused as a stale token is, "This form had
    expired" with the text shown back. The CSRF cookie outlives the session, so the token
    check passes, and the sign-in page the anonymous are sent to would lose what was typed."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and not request.user.is_authenticated:
            return csrf_failure(request)
        return view(request, *args, **kwargs)

    return checked


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400, but for a form over settings.DATA_UPLOAD_MAX_MEMORY_SIZE: 413, saying
    that nothing was saved and naming the limits. Its text was never read, so it cannot be
    given back: the page says to go back and shorten it."""
    if not isinstance(exception, RequestDataTooBig):
        return defaults.bad_request(request, exception)
    if not _in_newsroom(request):
        return request_refused(request, "too_large_text", status=413)
    sent = int(request.META.get("CONTENT_LENGTH") or 0)
    explanation = (
        f"Nothing was saved: the form came to {_megabytes(sent)}, and the site reads at most "
        f"{_megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)} of one form. A story's body may "
        f"be at most {_megabytes(MAX_BODY_BYTES)} ({MAX_BODY_BYTES:,} bytes): go back, shorten "
        "it or split the story, and save again."
    )
    return _refusal(request, 413, "This form was too large to read", explanation)


def _refusal(
    request: HttpRequest,
    status: int,
    title: str,
    explanation: str,
    *,
    back: tuple[str, str] | None = None,
    **context,
) -> HttpResponse:
    """The newsroom's page for a refused form; `back` is the way back (address, link text),
    by default the page the form was on."""
    back_url, back_label = back or _page_before(request)
    context |= {
        "title": title,
        "explanation": explanation,
        "back_url": back_url,
        "back_label": back_label,
    }
    response = render(request, "newsroom/refused.html", context, status=status, using="django")
    response["Cache-Control"] = NO_STORE
    return response


def _megabytes(size: int) -> str:
    """'4 MB', '5.2 MB': decimal megabytes, as the limits are set."""
    return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"


def _in_newsroom(request: HttpRequest) -> bool:
    return request.path.startswith(reverse("newsroom:stories"))


def _typed_text(request: HttpRequest, form_classes) -> list[Typed]:
    """The text fields the forms sent, in each form's order, those left empty skipped."""
    typed = []
    for form_class in form_classes:
        for name, field in form_class.base_fields.items():
            value = request.POST.get(name, "")
            if isinstance(field, forms.CharField) and not field.widget.is_hidden and value.strip():
                typed.append(Typed(name, field.label or pretty_name(name), value))
    return typed


def _page_before(request: HttpRequest) -> tuple[str, str]:
    """The page the form was on, as the browser names it when it is this site's; else the
    newsroom's home."""
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer, "Open the page again"
    return reverse("newsroom:stories"), "To the newsroom"
