"""Pages for a request turned away before any view ran: a form that failed the CSRF check
(settings.CSRF_FAILURE_VIEW). The newsroom's addresses, the admin's among them, get a newsroom
screen that says what happened and gives a story form's typed text back; any other address,
the public site's page in its edition's language (the public forms carry no CSRF token,
decision 0034, so little there can fail the check).
"""

from dataclasses import dataclass

from django import forms
from django.forms.utils import pretty_name
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from dateline.copy import direction_for
from dateline.newsroom.access import NO_STORE
from dateline.newsroom.forms import PasteForm, StoryForm
from dateline.site.views import request_refused

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
    language = request.POST.get("language", "") if typed else ""
    # The edit and new-story screens open again with a GET at the same address.
    back = (request.path, STORY_SCREENS[view_name]) if typed else _page_before(request)
    context = {
        "title": title,
        "explanation": explanation,
        "typed": typed,
        "language": language,
        "direction": direction_for(language) if language else "auto",
        "back_url": back[0],
        "back_label": back[1],
    }
    response = render(request, "newsroom/refused.html", context, status=403, using="django")
    response["Cache-Control"] = NO_STORE
    return response


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
