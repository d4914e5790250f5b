"""Who may open the newsroom's screens, and which stories each member sees.

The comment screens (`views.comments`) need a moderating role instead: comment moderator,
editor or chief editor (`moderator_required`); a comment moderator gets no story screen. Which
comments each of them sees is `comments.moderation.moderated_by`'s to say.

Every story screen needs a signed-in member with a writing role (reporter, editor, chief
editor): the anonymous are sent to the sign-in page, anyone else gets a 403. A member sees the
stories of the editions they work on (a chief editor, all); any other story is a 404, so a
screen never tells a stranger that a story exists. What a member may *do* to a story is not
decided here: every change goes through `stories.actions`, which hold the rules.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dateline.accounts.models import Role
from dateline.comments.moderation import MODERATING_ROLES
from dateline.editions.models import Edition
from dateline.stories.models import Story
from dateline.stories.workflow import role_of

WRITING_ROLES = frozenset({Role.REPORTER, Role.EDITOR, Role.CHIEF_EDITOR})
EDITING_ROLES = frozenset({Role.EDITOR, Role.CHIEF_EDITOR})
# Newsroom pages are one member's view of unpublished work: never kept by a browser or proxy.
NO_STORE = "private, no-store"


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    response = render(
        request,
        "newsroom/forbidden.html",
        {"title": "Not allowed", "reason": reason},
        status=403,
        using="django",
    )
    response["Cache-Control"] = NO_STORE
    return response


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Any signed-in account (changing one's password); the anonymous go to the sign-in page."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("newsroom:login"))
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response

    return checked


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in member with a writing role; 403 for a member without one (a comment
    moderator, an account with no role, a deactivated one)."""

    @signed_in
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if role_of(request.user) not in WRITING_ROLES:
            return forbidden(
                request,
                "Your account has no newsroom role for stories. Ask a chief editor for one.",
            )
        return view(request, *args, **kwargs)

    return checked


def moderator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in member who may moderate comments (comment moderator, editor, chief editor);
    403 for anyone else (a reporter, an account with no role, a deactivated one)."""

    @signed_in
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if role_of(request.user) not in MODERATING_ROLES:
            return forbidden(
                request,
                "Your account has no role for comments. Ask a chief editor for one.",
            )
        return view(request, *args, **kwargs)

    return checked


def member_editions(member) -> QuerySet[Edition]:
    if role_of(member) == Role.CHIEF_EDITOR:
        return Edition.objects.all()
    return Edition.objects.filter(staff=member)


def visible_stories(member) -> QuerySet[Story]:
    """The stories of the editions `member` works on (all of them for a chief editor)."""
    if role_of(member) == Role.CHIEF_EDITOR:
        return Story.objects.all()
    return Story.objects.filter(edition__in=member.editions.values("pk"))


def story_for(request: HttpRequest, code: int) -> Story:
    """The story with its edition, section and owner, if the member may see it; else 404."""
    story = (
        visible_stories(request.user)
        .select_related("edition", "section", "owner")
        .filter(pk=code)
        .first()
    )
    if story is None:
        raise Http404("No such story in your editions")
    return story
