"""The comment moderators' screens: the queue (pending, reported, approved, rejected, spam)
with its bulk decisions, the word lists, bans, a person's comments (export, erase) and the
moderation log.

As the story screens are thin over `stories.actions`, these are thin over
`comments.moderation`: every change is one of its functions, called with `by=request.user`;
it checks the role and the editions, and writes the ModerationEvent. Its `ActionRefused`
messages are shown as they come (`NotAllowed` as the 403 page). Which comments a member sees
is `moderation.moderated_by`: the stories of their editions (all for a chief editor).
"""

import json
import types

from django.contrib import messages
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dateline.accounts.models import Role
from dateline.comments import moderation
from dateline.comments.models import Ban, ModerationEvent, Report, WordRule
from dateline.newsroom.access import (
    NO_STORE,
    forbidden,
    member_editions,
    moderator_required,
)
from dateline.newsroom.forms import (
    QUEUE_STATUSES,
    AddressBanForm,
    BulkModerationForm,
    CommentFilterForm,
    EmailBanForm,
    ModerationLogFilterForm,
    PersonForm,
    WordForm,
)
from dateline.site.pagination import page_of
from dateline.stories.workflow import ActionRefused, NotAllowed, role_of

PER_PAGE = 50
Action = ModerationEvent.Action
# The buttons each tab offers: only the decisions legal from the comments it lists
# (`moderation.LEGAL_FROM`); reported comments are approved ones with open reports.
BUTTONS = {
    "pending": ("approve", "reject", "spam"),
    "reported": ("dismiss", "reject", "spam"),
    "approved": ("reject", "spam"),
    "rejected": ("approve", "spam"),
    "spam": ("approve", "reject"),
}
DECISIONS = {
    "approve": (moderation.approve, "approved"),
    "reject": (moderation.reject, "rejected"),
    "spam": (moderation.mark_spam, "marked as spam"),
}
UTC_CLOCK = types.SimpleNamespace(timezone="UTC")


def members_clock(member) -> types.SimpleNamespace:
    """The clock for times of no edition (bans, word lists, exports): the time zone every
    edition the member works on keeps, else UTC (a newsroom spread over several)."""
    zones = set(member_editions(member).values_list("timezone", flat=True))
    return types.SimpleNamespace(timezone=zones.pop()) if len(zones) == 1 else UTC_CLOCK


QUEUE_COLUMNS = (
    "pk",
    "story_version",
    "parent_id",
    "name",
    "email",
    "address_hash",
    "text",
    "status",
    "held_because",
    "created_at",
    "moderated_at",
    "reason",
    "story__code",
    "story__headline",
    "story__language",
    "story__version",
    "story__edition__code",
    "story__edition__name",
    "story__edition__timezone",
    "moderated_by__username",
    "moderated_by__byline",
    "moderated_by__first_name",
    "moderated_by__last_name",
)


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(
        request, f"newsroom/comments/{template}", context, status=status, using="django"
    )
    response["Cache-Control"] = NO_STORE
    return response


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = NO_STORE
    return response


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the comment screen the form was on (its `next`), else to `default`."""
    target = request.POST.get("next", "")
    if target.startswith(reverse("newsroom:comments")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect(target)
    return redirect(default)


def _without_page(request: HttpRequest) -> str:
    """This list's address with its filters but from the first page (a decision may have
    emptied the page one was on)."""
    query = request.GET.copy()
    query.pop("page", None)
    return request.path + (f"?{query.urlencode()}" if query else "")


# --- the queue ---------------------------------------------------------------------------------


@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    editions = list(member_editions(request.user))
    form = CommentFilterForm(request.GET or None, editions=editions)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status = chosen.get("status") or "pending"
    scoped = moderation.moderated_by(request.user)
    if chosen.get("edition"):
        scoped = scoped.filter(story__edition__code=chosen["edition"])
    if chosen.get("story"):
        scoped = scoped.filter(story_id=chosen["story"])

    bulk, error, code = None, "", 200
    if request.method == "POST":
        bulk = BulkModerationForm(request.POST)
        outcome = _decide(request, bulk)
        if isinstance(outcome, HttpResponse):
            return outcome
        error, code = outcome

    counts = dict(
        scoped.order_by().values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    counts["reported"] = scoped.reported().order_by().count()
    tabs = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in QUEUE_STATUSES
    ]
    listed = scoped.reported() if status == "reported" else scoped.filter(status=status)
    open_reports = (
        Report.objects.filter(comment=OuterRef("pk"), resolved=False)
        .order_by()
        .values("comment")
        .annotate(n=Count("id"))
        .values("n")
    )
    page = page_of(
        listed.select_related("story__edition", "moderated_by")
        .only(*QUEUE_COLUMNS)
        .annotate(report_count=Coalesce(Subquery(open_reports, output_field=IntegerField()), 0))
        .order_by("-id"),
        request.GET.get("page"),
        per_page=PER_PAGE,
    )
    if bulk is None:
        bulk = BulkModerationForm()
    ticked = set(getattr(bulk, "cleaned_data", {}).get("ids", []))
    return _page(
        request,
        "queue.html",
        {
            "title": "Comments",
            "form": form,
            "bulk": bulk,
            "ticked": ticked,
            "page": page,
            "tabs": tabs,
            "status": status,
            "filtered": bool(chosen.get("edition") or chosen.get("story")),
            "buttons": [(name, BulkModerationForm.ACTIONS[name]) for name in BUTTONS[status]],
            "error": error,
            "here": request.get_full_path(),
        },
        status=code,
    )


def _decide(request: HttpRequest, bulk: BulkModerationForm):
    """Carry out a bulk decision: a redirect when done, else (error message, status) for the
    queue to show again with the ticks and the reason kept."""
    if not bulk.is_valid():
        return "", 400
    action, ids = bulk.cleaned_data["action"], bulk.cleaned_data["ids"]
    try:
        if action == "dismiss":
            done = moderation.dismiss_reports(ids, by=request.user)
            messages.success(request, f"Reports dismissed on {_comments(done)}; they stay up.")
        else:
            decision, verb = DECISIONS[action]
            changed = decision(
                ids,
                by=request.user,
                reason=bulk.cleaned_data["reason"] if action == "reject" else "",
            )
            messages.success(request, f"{_comments(len(changed)).capitalize()} {verb}.")
    except NotAllowed as refusal:
        return forbidden(request, str(refusal))
    except ActionRefused as refusal:
        return str(refusal), 409
    return redirect(_without_page(request))


def _comments(n: int) -> str:
    return "1 comment" if n == 1 else f"{n} comments"


# --- word lists --------------------------------------------------------------------------------


@moderator_required
def words(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form, code = WordForm(), 200
    if request.method == "POST":
        form = WordForm(request.POST)
        if form.is_valid():
            try:
                rule = moderation.set_word(
                    form.cleaned_data["phrase"], form.cleaned_data["kind"], by=request.user
                )
            except NotAllowed as refusal:
                return forbidden(request, str(refusal))
            except ActionRefused as refusal:
                form.add_error("phrase", str(refusal))
            else:
                label = WordRule.Kind(rule.kind).label.split(":")[0].lower()
                messages.success(request, f"“{rule.phrase}” is on the {label} list.")
                return redirect("newsroom:comment-words")
        code = 400
    rules = list(WordRule.objects.all())
    lists = [
        {
            "kind": kind,
            "label": label,
            "rules": [rule for rule in rules if rule.kind == kind],
        }
        for kind, label in WordRule.Kind.choices
    ]
    return _page(
        request, "words.html", {"title": "Word lists", "form": form, "lists": lists}, status=code
    )


@require_POST
@moderator_required
def remove_word(request: HttpRequest, rule_id: int) -> HttpResponse:
    phrase = WordRule.objects.filter(pk=rule_id).values_list("phrase", flat=True).first()
    try:
        moderation.remove_word(rule_id, by=request.user)
    except NotAllowed as refusal:
        return forbidden(request, str(refusal))
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"“{phrase}” removed from the word lists.")
    return redirect("newsroom:comment-words")


# --- bans --------------------------------------------------------------------------------------


def _bans_page(request, email_form=None, address_form=None, status=200) -> HttpResponse:
    bans = list(Ban.objects.select_related("created_by").order_by("-created_at", "-id"))
    return _page(
        request,
        "bans.html",
        {
            "title": "Bans",
            "bans": bans,
            "email_form": email_form or EmailBanForm(prefix="email"),
            "address_form": address_form or AddressBanForm(),
            "clock": members_clock(request.user),
        },
        status=status,
    )


@moderator_required
def bans(request: HttpRequest) -> HttpResponse:
    """The bans, and banning an email address."""
    if request.method == "GET":
        return _bans_page(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = EmailBanForm(request.POST, prefix="email")
    if not form.is_valid():
        return _bans_page(request, email_form=form, status=400)
    try:
        moderation.ban(
            Ban.Kind.EMAIL,
            form.cleaned_data["email"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except NotAllowed as refusal:
        return forbidden(request, str(refusal))
    except ActionRefused as refusal:
        form.add_error("email", str(refusal))
        return _bans_page(request, email_form=form, status=409)
    messages.success(request, "Comments from that email address are refused from now on.")
    return redirect("newsroom:comment-bans")


@require_POST
@moderator_required
def ban_address(request: HttpRequest) -> HttpResponse:
    """Ban the address a comment came from (its keyed hash: addresses are never stored). From
    the bans screen's form, or a comment's button in the queue (`comment` and `next`: back
    there, with the outcome as a message)."""
    from_queue = "next" in request.POST
    form = AddressBanForm(request.POST)
    if not form.is_valid():
        if from_queue:
            messages.error(request, "Choose a comment whose address to ban.")
            return _back(request, reverse("newsroom:comment-bans"))
        return _bans_page(request, address_form=form, status=400)
    number = form.cleaned_data["comment"]
    comment = moderation.moderated_by(request.user).filter(pk=number).first()
    problem = ""
    if comment is None:
        problem = f"No comment {number} among the comments you moderate."
    elif not comment.address_hash:
        problem = f"Comment {number} keeps no address any more (deleted or erased)."
    if not problem:
        reason = form.cleaned_data["reason"].strip()
        try:
            moderation.ban(
                Ban.Kind.ADDRESS,
                comment.address_hash,
                hashed=True,
                by=request.user,
                reason=f"comment {number}" + (f": {reason}" if reason else ""),
            )
        except NotAllowed as refusal:
            return forbidden(request, str(refusal))
        except ActionRefused as refusal:
            problem = str(refusal)
    if problem:
        if from_queue:
            messages.error(request, problem)
            return _back(request, reverse("newsroom:comment-bans"))
        form.add_error("comment", problem)
        return _bans_page(request, address_form=form, status=409)
    messages.success(
        request, f"Comments from the address of comment {number} are refused from now on."
    )
    return _back(request, reverse("newsroom:comment-bans"))


@require_POST
@moderator_required
def lift_ban(request: HttpRequest, ban_id: int) -> HttpResponse:
    try:
        moderation.lift_ban(ban_id, by=request.user)
    except NotAllowed as refusal:
        return forbidden(request, str(refusal))
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Ban lifted.")
    return redirect("newsroom:comment-bans")


# --- a person's comments: export and erase -----------------------------------------------------


@moderator_required
def people(request: HttpRequest) -> HttpResponse:
    """Every comment written with one email address: export them (a JSON file) or erase them
    (after a confirmation)."""
    if request.method == "GET":
        return _page(request, "people.html", {"title": "A person's comments", "form": PersonForm()})
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = PersonForm(request.POST)
    wanted = request.POST.get("action", "")
    if not form.is_valid() or wanted not in ("export", "erase"):
        if wanted not in ("export", "erase"):
            form.add_error(None, "Choose Export or Erase.")
        return _page(
            request, "people.html", {"title": "A person's comments", "form": form}, status=400
        )
    email = form.cleaned_data["email"]
    try:
        if wanted == "export":
            return _export(request, email)
        if request.POST.get("confirm") != "yes":
            comments = list(moderation.comments_of(email, request.user).order_by("id"))
            return _page(
                request,
                "erase.html",
                {"title": "Erase comments?", "email": email, "comments": comments},
            )
        erased = moderation.erase(email, by=request.user)
    except NotAllowed as refusal:
        return forbidden(request, str(refusal))
    except ActionRefused as refusal:
        form.add_error(None, str(refusal))
        return _page(
            request, "people.html", {"title": "A person's comments", "form": form}, status=409
        )
    messages.success(
        request,
        f"Erased {_comments(erased)} written with that address: name, email, text and address "
        "are gone; replies to them stay.",
    )
    return redirect("newsroom:comment-people")


def _export(request: HttpRequest, email: str) -> HttpResponse:
    rows = moderation.export(email, by=request.user)
    document = {"email": email, "exported_at": timezone.now().isoformat(), "comments": rows}
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="comments-{stamp}.json"'
    return _no_store(response)


# --- the moderation log ------------------------------------------------------------------------


@moderator_required
def log(request: HttpRequest) -> HttpResponse:
    """What was done to comments, by whom, newest first: the events of the comments the member
    moderates and those of no comment (bans, word lists, exports, erasures)."""
    form = ModerationLogFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = ModerationEvent.objects.all()
    if role_of(request.user) != Role.CHIEF_EDITOR:  # the others: their editions' comments
        events = events.filter(
            Q(comment__isnull=True)
            | Q(comment__in=moderation.moderated_by(request.user).values("pk"))
        )
    if chosen.get("action"):
        events = events.filter(action=chosen["action"])
    page = page_of(
        events.select_related("actor", "comment__story__edition").order_by("-id"),
        request.GET.get("page"),
        per_page=PER_PAGE,
    )
    tabs = {value for value, _label in QUEUE_STATUSES}
    clock = members_clock(request.user)
    for event in page.items:
        comment = event.comment
        event.clock = comment.story.edition if comment else clock
        event.queue_status = (
            comment.status if comment is not None and comment.status in tabs else None
        )
    return _page(request, "log.html", {"title": "Moderation log", "form": form, "page": page})
