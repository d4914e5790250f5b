"""A reader's comment from form to database: every check, then one insert (or nothing).

Checks run cheapest first: the rate limit before anything else (a flood costs a cache
increment per post), then the form, the signed token and the honeypot, the story's policy,
bans, duplicates, the parent, banned and suspect words, and the number of links.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from dateline.comments import defences, tasks
from dateline.comments.forms import CommentForm
from dateline.comments.models import Ban, Comment, ModerationEvent, Status, WordRule
from dateline.comments.policy import effective_policy
from dateline.comments.signals import announce_comments_changed
from dateline.comments.text import links_in
from dateline.comments.words import judge, normalise
from dateline.site.formatting import format_number
from dateline.stories.models import Story


class CommentRefused(Exception):
    """The comment was not stored. `message` is for the reader; `status` the HTTP answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class RateLimited(CommentRefused):
    def __init__(self, seconds: int):
        message = ngettext(
            "You are commenting too fast. Please wait a second before sending another comment.",
            "You are commenting too fast. Please wait {n} seconds before sending another comment.",
            seconds,
        )
        # The count in the language's own digits ("۱۲" in Persian).
        count = format_number(seconds, language=get_language() or "en")
        super().__init__(message.format(n=count), 429)
        self.seconds = seconds


class CommentsClosed(CommentRefused):
    def __init__(self):
        super().__init__(_("Comments on this story are closed."), 403)


class StoryGone(CommentRefused):
    """The story is not public any more (killed, unpublished while the reader wrote) or never
    was: 410 for one withdrawn after readers saw it, else the 404 an unknown code gets."""

    def __init__(self, withdrawn: bool):
        if withdrawn:
            super().__init__(_("This story has been withdrawn; nothing can be posted to it."), 410)
        else:
            super().__init__(_("This story is not available; nothing can be posted to it."), 404)


class FormInvalid(CommentRefused):
    def __init__(self, form: CommentForm):
        super().__init__(_("Please correct the comment form."), 400)
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
        raise CommentRefused(_("Your comment could not be accepted."))
    policy = effective_policy(story)
    if not policy.is_open():
        raise CommentsClosed
    email_hash = defences.email_hash(fields["email"])
    text_hash = defences.text_hash(normalise(fields["text"]))
    screening = _screening(story, address, email_hash, text_hash)
    if screening.banned:
        raise CommentRefused(_("Comments from you are not accepted on this site."), 403)
    if screening.duplicate:
        raise CommentRefused(_("You have already sent this comment."), 409)
    parent = _parent(story, fields["parent"])
    verdict = judge(fields["text"] + "\n" + fields["name"], screening.rules)
    if verdict.banned:
        raise CommentRefused(_("Your comment contains words this site does not publish."))
    held = []
    if verdict.suspect:
        held.append("suspect words: " + ", ".join(verdict.suspect))
    if len(links_in(fields["text"])) > settings.COMMENT_MAX_LINKS:
        held.append(f"more than {settings.COMMENT_MAX_LINKS} links")
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
    # Where the site is rooted, its script prefix included: the worker, which writes the mail,
    # reverses the links under none.
    site = request.build_absolute_uri(get_script_prefix())
    with transaction.atomic():
        comment.save()
        if parent is None:  # a thread of its own: its id is known only now
            comment.thread = comment
            Comment.objects.filter(pk=comment.pk).update(thread=comment)
        if published:
            ModerationEvent.objects.create(comment=comment, action=ModerationEvent.Action.PUBLISHED)
            announce_comments_changed([story.pk])
            tasks.send_published.enqueue([comment.pk], site)
        # Queued in the same transaction: mail for a comment that was not stored never goes.
        tasks.send_receipt.enqueue(comment.pk, site)
    return Accepted(comment)


@dataclass(frozen=True)
class _Screening:
    banned: bool  # the email or the address
    duplicate: bool  # this email already sent this text on this story
    rules: list[tuple[str, str]]  # every word rule: (kind, normalised phrase)


def _screening(story: Story, address: str, email_hash: str, text_hash: str) -> _Screening:
    """What the checks after the form need from the database, read by hand: through the ORM,
    building these queries cost more CPU than the rest of a post's checks."""
    bans, comments, rules = (m._meta.db_table for m in (Ban, Comment, WordRule))
    params = [Ban.Kind.EMAIL, email_hash, Ban.Kind.ADDRESS, address, story.pk, email_hash]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {bans}"  # noqa: S608  (our names; values are parameters)
            " WHERE kind = %s AND value_hash = %s OR kind = %s AND value_hash = %s),"
            f" EXISTS (SELECT 1 FROM {comments}"
            " WHERE story_id = %s AND email_hash = %s AND text_hash = %s)",
            [*params, text_hash],
        )
        banned, duplicate = cursor.fetchone()
        cursor.execute(f"SELECT kind, normalised FROM {rules}")  # noqa: S608  (our name)
        return _Screening(bool(banned), bool(duplicate), cursor.fetchall())


def _parent(story: Story, parent_id: int | None) -> Comment | None:
    if parent_id is None:
        return None
    parent = Comment.objects.filter(pk=parent_id, story=story, status=Status.APPROVED).first()
    if parent is None:
        raise CommentRefused(_("The comment you are replying to is not available any more."))
    return parent
