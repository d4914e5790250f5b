"""A reader's comment from form to database: every check, then one insert (or nothing).

Checks run cheapest first: the rate limit before anything else (a flood costs a cache
increment per post), then the form, the signed token and the honeypot, the story's policy,
bans, duplicates, the parent, banned and suspect words, and the number of links.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from dateline.comments import defences, tasks
from dateline.comments.forms import CommentForm
from dateline.comments.models import Ban, Comment, ModerationEvent, Status, WordRule
from dateline.comments.policy import effective_policy
from dateline.comments.text import links_in
from dateline.comments.words import judge, normalise
from dateline.stories.models import Story


class CommentRefused(Exception):
    """The comment was not stored. `message` is for the reader; `status` the HTTP answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class RateLimited(CommentRefused):
    def __init__(self, seconds: int):
        when = "a second" if seconds == 1 else f"{seconds} seconds"
        super().__init__(
            f"You are commenting too fast. Please wait {when} before sending another comment.",
            429,
        )
        self.seconds = seconds


class FormInvalid(CommentRefused):
    def __init__(self, form: CommentForm):
        super().__init__("Please correct the comment form.", 400)
        self.form = form


@dataclass(frozen=True)
class Accepted:
    comment: Comment

    @property
    def published(self) -> bool:
        return self.comment.status == Status.APPROVED


def submit_comment(request: HttpRequest, story: Story, data) -> Accepted:
    """Store the comment in `data` (a POST) on public `story`, or raise CommentRefused."""
    address = defences.address_hash(request)
    raw_email = str(data.get("email", ""))[:254]
    wait = defences.seconds_over_rate(request, address, defences.email_hash(raw_email))
    if wait:
        raise RateLimited(wait)
    form = CommentForm(data)
    if not form.is_valid():
        raise FormInvalid(form)
    fields = form.cleaned_data
    try:
        token = defences.read_token(fields["token"], story.code)
    except defences.TokenRefused as refused:
        raise CommentRefused(str(refused)) from None
    if fields["website"]:
        raise CommentRefused("Your comment could not be accepted.")
    if not effective_policy(story).is_open():
        raise CommentRefused("Comments on this story are closed.", 403)
    email_hash = defences.email_hash(fields["email"])
    banned = Q(kind=Ban.Kind.EMAIL, value_hash=email_hash) | Q(
        kind=Ban.Kind.ADDRESS, value_hash=address
    )
    if Ban.objects.filter(banned).exists():
        raise CommentRefused("Comments from you are not accepted on this site.", 403)
    normalised = normalise(fields["text"])
    text_hash = defences.text_hash(normalised)
    if Comment.objects.filter(story=story, email_hash=email_hash, text_hash=text_hash).exists():
        raise CommentRefused("You have already sent this comment.", 409)
    parent = _parent(story, fields["parent"])
    verdict = judge(fields["text"] + "\n" + fields["name"], _rules())
    if verdict.banned:
        raise CommentRefused("Your comment contains words this site does not publish.")
    held = []
    if verdict.suspect:
        held.append("suspect words: " + ", ".join(verdict.suspect))
    if len(links_in(fields["text"])) > settings.COMMENT_MAX_LINKS:
        held.append(f"more than {settings.COMMENT_MAX_LINKS} links")
    policy = effective_policy(story)
    published = not policy.premoderated and not held
    comment = Comment(
        story=story,
        story_version=min(token.version, story.version),
        parent=parent,
        thread=parent.thread if parent else None,
        depth=parent.depth + 1 if parent else 0,
        name=fields["name"],
        email=fields["email"],
        email_hash=email_hash,
        address_hash=address,
        text=fields["text"],
        text_hash=text_hash,
        notify=fields["notify"],
        status=Status.APPROVED if published else Status.PENDING,
        moderated_at=timezone.now() if published else None,
        held_because="; ".join(held)[:200],
    )
    site = request.build_absolute_uri("/")
    with transaction.atomic():
        comment.save()
        if parent is None:
            comment.thread = comment
            comment.save(update_fields=["thread"])
        if published:
            ModerationEvent.objects.create(comment=comment, action=ModerationEvent.Action.PUBLISHED)
            tasks.send_published.enqueue([comment.pk], site)
        # Queued in the same transaction: mail for a comment that was not stored never goes.
        tasks.send_receipt.enqueue(comment.pk, site)
    return Accepted(comment)


def _parent(story: Story, parent_id: int | None) -> Comment | None:
    if parent_id is None:
        return None
    parent = Comment.objects.filter(pk=parent_id, story=story, status=Status.APPROVED).first()
    if parent is None:
        raise CommentRefused("The comment you are replying to is not available any more.")
    return parent


def _rules() -> list[tuple[str, str]]:
    return list(WordRule.objects.values_list("kind", "normalised"))
