"""What moderators (and readers, for their own comments) do to comments: the only writers of a
comment after it is stored. Each records a ModerationEvent (who, what, why): the audit log,
and the sequence number that retires cached pages showing the thread.

`by=None` is the system (an operator's command without `--as`); anyone else must be a comment
moderator, an editor or a chief editor, and, below chief editor, work on the story's edition.
"""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dateline.accounts.models import Role
from dateline.comments import tasks
from dateline.comments.defences import email_hash
from dateline.comments.models import Ban, Comment, ModerationEvent, Report, Status, WordRule
from dateline.comments.signals import announce_comments_changed
from dateline.comments.words import normalise
from dateline.stories.workflow import ActionRefused, NotAllowed, role_of

Action = ModerationEvent.Action
MODERATING_ROLES = frozenset({Role.COMMENT_MODERATOR, Role.EDITOR, Role.CHIEF_EDITOR})
# Which statuses each decision may be taken from (a deleted comment stays deleted).
LEGAL_FROM = {
    Action.APPROVED: {Status.PENDING, Status.REJECTED, Status.SPAM},
    Action.REJECTED: {Status.PENDING, Status.APPROVED, Status.SPAM},
    Action.SPAM: {Status.PENDING, Status.APPROVED, Status.REJECTED},
}
NEW_STATUS = {
    Action.APPROVED: Status.APPROVED,
    Action.REJECTED: Status.REJECTED,
    Action.SPAM: Status.SPAM,
}


def require_moderator(person) -> None:
    if person is None:
        return
    if not person.is_active or role_of(person) not in MODERATING_ROLES:
        raise NotAllowed(f"{person.get_username()} may not moderate comments.")


def moderated_by(person):
    """The comments `person` may moderate: all for the system and chief editors, else those
    on stories of their editions."""
    if person is None or role_of(person) == Role.CHIEF_EDITOR:
        return Comment.objects.all()
    return Comment.objects.filter(story__edition__in=person.editions.values("pk"))


def decide(
    action: str, ids: Iterable[int], *, by=None, reason: str = "", site: str | None = None
) -> list[Comment]:
    """Approve, reject or mark as spam the comments `ids`. All or nothing: an id that is not
    there (or not the moderator's), or not in a state the decision may be taken from, refuses
    the whole lot with a message naming it. Returns the comments changed."""
    require_moderator(by)
    reason = reason.strip()
    if action == Action.REJECTED and not reason:
        raise ActionRefused("A rejection needs a reason.")
    ids = sorted(set(ids))
    if not ids:
        raise ActionRefused("No comments given.")
    with transaction.atomic():
        found = {
            c.pk: c
            for c in moderated_by(by)
            .select_for_update(of=("self",))
            .select_related("story__edition", "parent")
            .filter(pk__in=ids)
        }
        missing = [i for i in ids if i not in found]
        if missing:
            raise ActionRefused(f"No such comment: {listed(missing)}.")
        wrong = [c for c in found.values() if c.status not in LEGAL_FROM[action]]
        if wrong:
            first, verb = wrong[0], Action(action).label.lower()
            raise ActionRefused(f"Comment {first.pk} is {first.status}: it cannot be {verb}.")
        now = timezone.now()
        changed = list(found.values())
        for comment in changed:
            comment.status = NEW_STATUS[action]
            comment.moderated_at = now
            comment.moderated_by = by
            comment.reason = reason
        Comment.objects.bulk_update(changed, ["status", "moderated_at", "moderated_by", "reason"])
        Report.objects.filter(comment__in=changed, resolved=False).update(resolved=True)
        _log(changed, action, by, reason)
        if action == Action.APPROVED:
            tasks.send_published.enqueue([c.pk for c in changed], site or settings.SITE_URL)
    return changed


# Ids a refusal names at most: a script's list of thousands would be a message nobody reads.
LISTED_IDS = 10


def listed(ids: Sequence[int]) -> str:
    """The ids for a message: all of a short list, the first LISTED_IDS and how many more."""
    shown = ", ".join(map(str, ids[:LISTED_IDS]))
    return shown if len(ids) <= LISTED_IDS else f"{shown} and {len(ids) - LISTED_IDS:,} more"


def approve(ids, **kwargs) -> list[Comment]:
    return decide(Action.APPROVED, ids, **kwargs)


def reject(ids, **kwargs) -> list[Comment]:
    return decide(Action.REJECTED, ids, **kwargs)


def mark_spam(ids, **kwargs) -> list[Comment]:
    return decide(Action.SPAM, ids, **kwargs)


def pending_ids(by=None) -> list[int]:
    return list(moderated_by(by).filter(status=Status.PENDING).values_list("pk", flat=True))


def dismiss_reports(ids: Sequence[int], *, by=None) -> int:
    """Keep reported comments up: their reports are closed. All or none, as every decision:
    a comment without an open report (or not one `by` moderates) refuses the lot, named."""
    require_moderator(by)
    with transaction.atomic():
        comments = list(moderated_by(by).filter(pk__in=ids, reports__resolved=False).distinct())
        unreported = sorted(set(ids) - {comment.pk for comment in comments})
        if unreported:
            raise ActionRefused(
                f"Nothing dismissed: no open report on comment {listed(unreported)} "
                "(or not one you moderate)."
            )
        Report.objects.filter(comment__in=comments).update(resolved=True)
        _log(comments, Action.DISMISSED, by, "")
    return len(comments)


def report(comment_id: int, address_hash: str) -> bool:
    """A reader reports an approved comment; one report per comment and address counts.

    The Report row is the record; no ModerationEvent is written, because every event retires
    the cached pages (site.page_cache) and a report changes nothing readers see: anyone may
    post one, and must not be able to empty the page cache with it."""
    with transaction.atomic():
        comment = Comment.objects.filter(pk=comment_id, status=Status.APPROVED).first()
        if comment is None:
            return False
        Report.objects.get_or_create(comment=comment, address_hash=address_hash)
    return True


def delete_own(comment_id: int) -> Comment | None:
    """The writer deletes their comment (they hold the signed link from the receipt)."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
        if comment is None or comment.status == Status.DELETED:
            return None
        _blank(comment)
        comment.save()
        _log([comment], Action.DELETED, None, "")
    return comment


BLANKED = [
    "status",
    "name",
    "text",
    "text_html",
    "email",
    "email_hash",
    "text_hash",
    "address_hash",
    "moderated_at",
]


def _blank(comment: Comment) -> None:
    """Forget everything of a comment but that it existed (its replies still answer it), and
    close its reports: there is nothing left to judge."""
    comment.status = Status.DELETED
    comment.name = ""
    comment.text = ""
    comment.text_html = ""  # bulk_update (erase) does not go through save()
    comment.email = ""
    comment.email_hash = ""
    comment.text_hash = ""  # an unkeyed digest of a short text can be guessed back
    comment.address_hash = ""
    comment.moderated_at = timezone.now()
    Report.objects.filter(comment=comment, resolved=False).update(resolved=True)


# --- People ------------------------------------------------------------------------------------
def comments_of(email: str, by=None):
    return moderated_by(by).filter(email_hash=email_hash(email)).select_related("story__edition")


def export(email: str, *, by=None) -> list[dict]:
    """Every comment written with `email`, as a reader asking for their data would get it."""
    require_moderator(by)
    rows = [
        {
            "id": c.pk,
            "story": c.story_id,
            "headline": c.story.headline,
            "story_version": c.story_version,
            "parent": c.parent_id,
            "name": c.name,
            "email": c.email,
            "text": c.text,
            "status": c.status,
            "created_at": c.created_at.isoformat(),
        }
        for c in comments_of(email, by)
    ]
    _log([], Action.EXPORTED, by, f"{len(rows)} comments of one email")
    return rows


def erase(email: str, *, by=None) -> int:
    """Delete the name, email, text and address hash of every comment written with `email`.
    Replies to them stay; the thread shows that a comment was deleted."""
    require_moderator(by)
    with transaction.atomic():
        comments = list(comments_of(email, by).select_for_update(of=("self",)))
        for comment in comments:
            _blank(comment)
        Comment.objects.bulk_update(comments, BLANKED)
        # An event per comment, as for every decision: the pages showing them are retired
        # (site.invalidation reads the events' stories), or they would show the erased text.
        _log(comments, Action.ERASED, by, f"{len(comments)} comments of one email")
    return len(comments)


def ban(kind: str, value: str, *, by=None, reason: str = "", hashed: bool = False) -> Ban:
    """Refuse comments from an email (given plainly) or an address (as the hash a comment
    holds: addresses are never stored). Banned again, it keeps who banned it and when, and its
    reason unless a new one is given."""
    require_moderator(by)
    if kind not in Ban.Kind.values:
        raise ActionRefused(f"Unknown kind of ban {kind!r}: expected email or address.")
    if not value.strip():
        raise ActionRefused(f"A ban needs the {kind} to ban.")
    value_hash = value if hashed else email_hash(value)
    with transaction.atomic():
        banned, _created = Ban.objects.update_or_create(
            kind=kind,
            value_hash=value_hash,
            defaults={"reason": reason} if reason else {},
            create_defaults={"reason": reason, "created_by": by},
        )
        _log([], Action.BANNED, by, f"{kind} {value_hash[:12]}: {reason}".strip())
    return banned


def lift_ban(ban_id: int, *, by=None) -> None:
    require_moderator(by)
    with transaction.atomic():
        deleted, _ = Ban.objects.filter(pk=ban_id).delete()
        if not deleted:
            raise ActionRefused(f"No such ban: {ban_id}.")
        _log([], Action.UNBANNED, by, f"ban {ban_id}")


def set_word(phrase: str, kind: str, *, by=None) -> WordRule:
    require_moderator(by)
    if kind not in WordRule.Kind.values:
        raise ActionRefused(f"Unknown kind of word {kind!r}: expected banned or suspect.")
    phrase = " ".join(phrase.split())
    if not normalise(phrase):
        raise ActionRefused("A word list entry needs at least one letter or digit.")
    with transaction.atomic():
        rule = WordRule.objects.filter(normalised=normalise(phrase)).first() or WordRule()
        rule.phrase, rule.kind = phrase, kind
        rule.save()
        _log([], Action.WORDS, by, f"{kind}: {phrase}")
    return rule


def remove_word(rule_id: int, *, by=None) -> None:
    require_moderator(by)
    with transaction.atomic():
        rule = WordRule.objects.filter(pk=rule_id).first()
        if rule is None:
            raise ActionRefused(f"No such word list entry: {rule_id}.")
        rule.delete()
        _log([], Action.WORDS, by, f"removed {rule.kind}: {rule.phrase}")


def _log(comments: Sequence[Comment], action: str, by, note: str) -> None:
    now = timezone.now()
    events = [
        ModerationEvent(comment=c, action=action, actor=by, note=note, at=now) for c in comments
    ] or [ModerationEvent(comment=None, action=action, actor=by, note=note, at=now)]
    ModerationEvent.objects.bulk_create(events)
    announce_comments_changed({c.story_id for c in comments})
