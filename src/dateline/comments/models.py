"""Reader comments, the moderators' log of what was done to them, reports, bans and word lists.

A comment is plain text, stored as typed (bidi controls stripped) and escaped when shown. The
reader's address is never stored, only a keyed hash of it; the email is kept for the mail the
reader asked for and for export or erasure, and never shown on a public page.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dateline.comments.text import comment_html
from dateline.stories.models import Story


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"
    DELETED = "deleted", "Deleted"


class CommentQuerySet(models.QuerySet):
    def reported(self) -> "CommentQuerySet":
        """Comments readers reported that no moderator has looked at since."""
        return self.filter(reports__resolved=False).distinct()


class Comment(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="comments")
    story_version = models.PositiveIntegerField(
        help_text="The version of the story the reader was shown when writing."
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    # The first comment of the thread (itself for a top-level one) and how deep this one is:
    # a page loads whole threads by `thread` and nests them by `depth` without recursion.
    thread = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=0)

    name = models.CharField(max_length=80)
    email = models.EmailField(max_length=254, blank=True)
    email_hash = models.CharField(max_length=64, db_index=True)
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)
    text = models.TextField()
    # The text as pages show it (`comments.text.comment_html`: escaped, paragraphs, links),
    # written by `save()` whenever the text is: a page draws hundreds of comments, and
    # finding links in each on every draw cost more than the rest of drawing it.
    text_html = models.TextField(blank=True, editable=False)
    text_hash = models.CharField(max_length=64, help_text="Of the normalised text: duplicates.")
    notify = models.BooleanField(
        default=False, help_text="Email the reader when the comment is published or answered."
    )

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    held_because = models.CharField(
        max_length=200, blank=True, help_text="Why it waits for a moderator."
    )
    created_at = models.DateTimeField(default=timezone.now)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="The moderator's reason for a rejection.")

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            # An article's thread and counts: the approved comments of one story, in order.
            models.Index(fields=["story", "status", "id"], name="comment_story_status"),
            # The moderation queue, newest first per status.
            models.Index(fields=["status", "-id"], name="comment_queue"),
            models.Index(fields=["thread", "status", "id"], name="comment_thread"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} by {self.name} on {self.story_id}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "text" in update_fields:
            self.text_html = comment_html(self.text)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "text_html"}
        super().save(*args, **kwargs)


class ModerationEvent(models.Model):
    """What happened to a comment, by whom and why: the moderators' audit log.

    Its id is also a sequence number: the public page cache keys pages on the newest one (as on
    the newest story change), so a comment approved, rejected or deleted retires them at once.
    """

    class Action(models.TextChoices):
        PUBLISHED = "published", "Published on arrival"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Marked as spam"
        DELETED = "deleted", "Deleted by its writer"
        REPORTED = "reported", "Reported by a reader"
        DISMISSED = "dismissed", "Reports dismissed"
        BANNED = "banned", "Banned"
        UNBANNED = "unbanned", "Ban lifted"
        EXPORTED = "exported", "Exported"
        ERASED = "erased", "Erased"
        WORDS = "words", "Word list changed"

    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} comment {self.comment_id}"


class Report(models.Model):
    """A reader's report of a comment; one per comment and address."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    address_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)
    resolved = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "address_hash"], name="one_report_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"report of comment {self.comment_id}"


class Ban(models.Model):
    """Comments from a banned email or address are refused. Both are kept as keyed hashes."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        ADDRESS = "address", "Address"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    value_hash = models.CharField(max_length=64)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value_hash"], name="one_ban_per_value")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ban {self.value_hash[:8]}…"


class WordRule(models.Model):
    """A banned word (the comment is refused) or a suspect one (it waits for a moderator).

    Matched on whole words after normalising case, diacritics and Arabic/Persian letter
    variants (`comments.words`); a rule of several words matches them in a row.
    """

    class Kind(models.TextChoices):
        BANNED = "banned", "Banned: refuse"
        SUSPECT = "suspect", "Suspect: hold for review"

    phrase = models.CharField(max_length=100)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    normalised = models.CharField(max_length=100, editable=False)

    class Meta:
        ordering = ["kind", "normalised"]
        constraints = [models.UniqueConstraint(fields=["normalised"], name="one_rule_per_phrase")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.phrase}"

    def save(self, *args, **kwargs):
        from dateline.comments.words import normalise

        self.normalised = normalise(self.phrase)
        super().save(*args, **kwargs)
