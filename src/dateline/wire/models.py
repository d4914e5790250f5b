"""Subscribers to the wire, what they asked for, and IPTC Media Topics for the items' subjects."""

from django.db import models
from django.utils import timezone

from dateline.editions.models import Edition
from dateline.stories.models import Section, Tag

DEFAULT_RATE = "600/m"


class Subscriber(models.Model):
    """An organisation that takes the wire: its API key (only a keyed hash of it is kept), what
    it takes (editions, sections, tags: none chosen means all) and where pushes go."""

    name = models.CharField(max_length=200)
    key_prefix = models.CharField(
        max_length=16, unique=True, editable=False, help_text="The key's public part, to find it."
    )
    key_hash = models.CharField(max_length=64, editable=False)
    editions = models.ManyToManyField(Edition, blank=True, related_name="+")
    sections = models.ManyToManyField(Section, blank=True, related_name="+")
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    rate_limit = models.CharField(
        max_length=16,
        default=DEFAULT_RATE,
        help_text="Requests per key, e.g. 600/m or 10/s (django-ratelimit's form).",
    )
    webhook_url = models.URLField(max_length=500, blank=True)
    # Kept as it is: a signing secret must be usable to sign (Standard Webhooks' whsec_…).
    webhook_secret = models.CharField(max_length=100, editable=False)
    inbound = models.BooleanField(
        default=False,
        help_text="Its key may also send partner copy to POST /api/v1/incoming (Incoming drafts).",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    webhook_paused_until = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Its receiver failed: none of its deliveries is sent before then.",
    )
    # A default in the database too: a process still running the code before this field (an
    # upgrade under way, a migration test's older models) adds subscribers without it.
    webhook_failures = models.PositiveIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="Its receiver's failures in a row: each pause is longer.",
    )

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AccessLogEntry(models.Model):
    """One API request of a subscriber: what it asked for and what it got."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    items = models.PositiveIntegerField(default=0, help_text="How many items were sent.")
    cursor = models.BigIntegerField(null=True, blank=True, help_text="The next cursor handed out.")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subscriber", "-at"], name="wire_log_latest")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.path} {self.status}"


class MediaTopic(models.Model):
    """One concept of IPTC's Media Topics (`dateline loadtopics`)."""

    code = models.CharField(max_length=20, primary_key=True, help_text="e.g. 01000000")
    label_en = models.CharField(max_length=200)
    label_ar = models.CharField(max_length=200, blank=True)
    label_fa = models.CharField(max_length=200, blank=True)
    broader = models.CharField(max_length=20, blank=True, help_text="The parent's code.")
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.label_en} ({self.code})"

    @property
    def qcode(self) -> str:
        return f"medtop:{self.code}"

    @property
    def uri(self) -> str:
        return f"http://cv.iptc.org/newscodes/mediatopic/{self.code}"

    def label_and_language(self, language: str) -> tuple[str, str]:
        """The label in `language`, else in English, and which it is."""
        if label := getattr(self, f"label_{language}", ""):
            return label, language
        return self.label_en, "en"


class TopicMapping(models.Model):
    """Editors' table: stories carrying this tag have this Media Topic as a subject."""

    tag = models.OneToOneField(Tag, on_delete=models.CASCADE, related_name="media_topic")
    topic = models.ForeignKey(MediaTopic, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["tag__name"]

    def __str__(self) -> str:
        return f"{self.tag} → {self.topic}"


class Delivery(models.Model):
    """One push of one story change to one subscriber's webhook (wire/webhooks.py). The
    webhook id is made once and sent on every attempt, so the receiver can tell a retry from a
    new message. `attempts` also fences a claim: only the worker that made the attempt may
    record how it went."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        DEAD = "dead", "Dead letter"
        SUPERSEDED = "superseded", "Superseded"  # a newer delivery carries the story's state

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="+")
    change = models.ForeignKey("stories.StoryChange", on_delete=models.CASCADE, related_name="+")
    webhook_id = models.CharField(max_length=40, unique=True, editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    leased_until = models.DateTimeField(
        null=True, blank=True, help_text="A worker is sending it; another may take over after."
    )
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    pub_status = models.CharField(max_length=10, blank=True, help_text="What was last sent.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "change"], name="one_delivery_per_change")
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="wire_delivery_due"),
            models.Index(fields=["subscriber", "story", "id"], name="wire_delivery_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.webhook_id} {self.state}"
