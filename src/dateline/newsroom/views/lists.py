"""The newsroom's lists: all stories (the home), Incoming wire copy, scheduled and embargoed
stories, the audit log, and one story's history.

Lists page with `site.pagination.page_of` (one row more than shown, no COUNT(*)) and run a
fixed number of queries whatever the size of the table; the story list's counts per state
are one GROUP BY.
"""

from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from dateline.accounts.models import Role
from dateline.newsroom.access import NO_STORE, member_editions, member_required, story_for
from dateline.newsroom.forms import AuditFilterForm, StoryFilterForm, edition_zone
from dateline.site.pagination import page_of
from dateline.stories.actions.release import overdue
from dateline.stories.models import Section, Status, Story, StoryChange
from dateline.stories.revisions import difference
from dateline.stories.workflow import offered_actions, role_of

PER_PAGE = 50
# What a line of the story list shows; the body and its HTML stay in the database.
LIST_COLUMNS = (
    "code",
    "headline",
    "language",
    "status",
    "version",
    "updated_at",
    "published_at",
    "embargo_until",
    "source_id",
    "edition_id",
    "section__name",
    "owner__username",
    "owner__byline",
    "owner__first_name",
    "owner__last_name",
)


def _page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    response = render(request, f"newsroom/{template}", context, using="django")
    response["Cache-Control"] = NO_STORE
    return response


def _members():
    """Everyone who can write or change stories: the author and audit-log filters' choices."""
    writers = [Role.REPORTER, Role.EDITOR, Role.CHIEF_EDITOR]
    return list(
        get_user_model()
        .objects.filter(Q(role__in=writers) | Q(is_superuser=True))
        .order_by("username")
        .only("pk", "username", "byline")
    )


def _in_editions(queryset, member, editions, field: str = "edition"):
    """Only the member's editions (no filter at all for a chief editor, who works on all)."""
    if role_of(member) == Role.CHIEF_EDITOR:
        return queryset
    return queryset.filter(**{f"{field}__in": [edition.pk for edition in editions]})


def _attach_editions(stories, editions) -> None:
    """Each story's edition from the list already loaded, instead of a join."""
    by_id = {edition.pk: edition for edition in editions}
    for story in stories:
        story.edition = by_id[story.edition_id]


@member_required
def story_list(request: HttpRequest) -> HttpResponse:
    editions = list(member_editions(request.user))
    sections = list(
        Section.objects.filter(edition__in=[e.pk for e in editions])
        .select_related("edition")
        .order_by("edition__position", "edition__code", "position", "name")
    )
    form = StoryFilterForm(
        request.GET or None, editions=editions, sections=sections, owners=_members()
    )
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    stories = _in_editions(Story.objects.all(), request.user, editions)
    if chosen.get("edition"):
        stories = stories.filter(edition=next(e for e in editions if e.code == chosen["edition"]))
    if chosen.get("section"):
        stories = stories.filter(section=chosen["section"])
    if chosen.get("owner") == "none":
        stories = stories.filter(owner__isnull=True)
    elif chosen.get("owner"):
        stories = stories.filter(owner=int(chosen["owner"]))
    # One GROUP BY for the counts per state. Grouped by edition too, in the order of the
    # story_edition_latest index (edition, status, …): read straight off the index, without
    # the temporary table a GROUP BY status alone needs (four times faster on SQLite at 100k).
    counts = Counter()
    for group in stories.order_by().values("edition_id", "status").annotate(n=Count("*")):
        counts[group["status"]] += group["n"]
    if chosen.get("status"):
        stories = stories.filter(status=chosen["status"])
    # Newest change first, along the story_recently_changed index. Editions come from the list
    # above, not a join: an inner join would let the planner start from the editions instead.
    page = page_of(
        stories.select_related("section", "owner")
        .only(*LIST_COLUMNS)
        .order_by("-updated_at", "-code"),
        request.GET.get("page"),
        per_page=PER_PAGE,
    )
    _attach_editions(page.items, editions)
    states = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Status.choices
    ]
    return _page(
        request,
        "list.html",
        {
            "title": "Stories",
            "form": form,
            "page": page,
            "states": states,
            "total": sum(counts.values()),
            "status": chosen.get("status", ""),
        },
    )


@member_required
def incoming(request: HttpRequest) -> HttpResponse:
    """Wire copy waiting for someone to take it up: drafts with a source and no owner."""
    editions = list(member_editions(request.user))
    waiting = _in_editions(
        Story.objects.filter(status=Status.DRAFT, owner__isnull=True, source_id__isnull=False),
        request.user,
        editions,
    )
    # Newest arrival first by news code (given out in order of arrival): the owner index holds
    # the unowned stories in code order, so no sort of the whole queue.
    page = page_of(
        waiting.defer("body", "body_html").order_by("-code"),
        request.GET.get("page"),
        per_page=PER_PAGE,
    )
    _attach_editions(page.items, editions)
    return _page(request, "incoming.html", {"title": "Incoming", "page": page})


@member_required
def scheduled(request: HttpRequest) -> HttpResponse:
    """Stories waiting for their time: scheduled (public at the time, by the worker) and
    embargoed (on the wire now, public at the time). Late ones, whose time passed without a
    release (`release.overdue()`: the worker is down or behind), are marked."""
    editions = list(member_editions(request.user))
    mine = _in_editions(Story.objects.select_related("edition", "section"), request.user, editions)
    waiting = list(mine.filter(status=Status.SCHEDULED).order_by("published_at", "code"))
    embargoed = list(
        mine.filter(status=Status.PUBLISHED, embargo_until__isnull=False).order_by(
            "embargo_until", "code"
        )
    )
    late = set(overdue().values_list("pk", flat=True))
    return _page(
        request,
        "scheduled.html",
        {
            "title": "Scheduled and embargoed",
            "scheduled": waiting,
            "embargoed": embargoed,
            "late": late,
        },
    )


@member_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every change of every story the member may see, newest first."""
    editions = list(member_editions(request.user))
    form = AuditFilterForm(request.GET or None, members=_members())
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    changes = _in_editions(StoryChange.objects.all(), request.user, editions, "story__edition")
    if chosen.get("actor") == "system":
        changes = changes.filter(actor__isnull=True)
    elif chosen.get("actor"):
        changes = changes.filter(actor=int(chosen["actor"]))
    if chosen.get("action"):
        changes = changes.filter(action=chosen["action"])
    page = page_of(
        changes.select_related("story__edition", "actor")
        .only(
            "pk",
            "version",
            "action",
            "at",
            "note",
            "story__code",
            "story__headline",
            "story__language",
            "story__edition__code",
            "story__edition__timezone",
            "actor__username",
            "actor__byline",
            "actor__first_name",
            "actor__last_name",
        )
        .order_by("-id"),
        request.GET.get("page"),
        per_page=PER_PAGE,
    )
    return _page(request, "audit.html", {"title": "Audit log", "form": form, "page": page})


def _version(raw: str | None, versions: dict, default):
    try:
        return versions[int(raw)]
    except (TypeError, ValueError, KeyError):
        return default


@member_required
def history(request: HttpRequest, code: int) -> HttpResponse:
    """Every change of one story, and the difference between any two of its versions."""
    story = story_for(request, code)
    changes = list(story.changes.select_related("actor").order_by("id"))
    revisions = {
        revision.version: revision
        for revision in story.revisions.select_related("saved_by").order_by("version")
    }
    if not revisions:
        raise Http404("This story has no saved versions")
    newest = revisions[max(revisions)]
    before_newest = revisions.get(max(revisions) - 1, newest)
    new = _version(request.GET.get("to"), revisions, newest)
    old = _version(request.GET.get("from"), revisions, before_newest)
    offers = {offer.action for offer in offered_actions(request.user, story)}
    return _page(
        request,
        "history.html",
        {
            "title": f"History: {story.headline}",
            "story": story,
            "changes": changes,
            "revisions": list(revisions.values()),
            "old": old,
            "new": new,
            "differences": difference(old, new) if old.version != new.version else [],
            "can_restore": StoryChange.Action.RESTORED in offers,
            # Versions from before a correction are not restored (`actions.restore`).
            "last_corrected": story.corrections.aggregate(last=Max("version"))["last"] or 0,
            "zone": edition_zone(story.edition),
        },
    )
