from django.conf import settings
from django.db import models
from django.utils import timezone

from dateline.editions.models import Edition
from dateline.stories.querysets import StoryQuerySet


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    KILLED = "killed", "Killed"


class Vocabulary(models.TextChoices):
    KEYWORD = "keyword", "Keyword"
    TOPIC = "topic", "Topic"
    PLACE = "place", "Place"
    PERSON = "person", "Person"
    ORG = "org", "Organisation"


class Section(models.Model):
    """A desk of one edition (Politics, Economy, …), with its own front page."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=60, allow_unicode=True, db_index=False)  # see Meta
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["edition", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="unique_section_per_edition")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/{self.edition.code}/section/{self.slug}/"


class Tag(models.Model):
    """A label shared by all editions: a keyword, or an entry of a vocabulary (topic, place…)."""

    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    name = models.CharField(max_length=120)
    vocabulary = models.CharField(
        max_length=16, choices=Vocabulary.choices, default=Vocabulary.KEYWORD
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Story(models.Model):
    """A news story. Its primary key is the public, stable news code used in URLs.

    Every change goes through `dateline.stories.actions`, which bumps `version` and records a
    StoryChange; nothing else writes stories.
    """

    code = models.BigAutoField(primary_key=True)
    # No single-column indexes on edition and section: the composite indexes in Meta start with
    # them and serve the same lookups, and every index is one more write per story.
    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="stories", db_index=False
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stories",
        db_index=False,
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="stories")

    headline = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, allow_unicode=True, db_index=False)  # found by code
    language = models.CharField(max_length=16)
    byline = models.CharField(max_length=200, blank=True)
    dateline_place = models.CharField(max_length=120, blank=True)
    dateline_date = models.DateField(null=True, blank=True)
    dateline_source = models.CharField(max_length=60, blank=True)
    lead = models.TextField(help_text="The first paragraph, without the dateline.")
    body = models.TextField(blank=True, help_text="The rest, in Markdown.")
    body_html = models.TextField(blank=True, editable=False, help_text="`body`, rendered once.")

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(null=True, blank=True)
    embargo_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_id = models.CharField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Where wire copy came from, e.g. 'reuters21578:42'; importing it again skips it.",
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-published_at", "-code"]
        indexes = [
            models.Index(
                fields=["edition", "status", "-published_at"], name="story_edition_latest"
            ),
            models.Index(
                fields=["section", "status", "-published_at"], name="story_section_latest"
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return f"/{self.edition.code}/news/{self.code}/{self.slug}"


class StoryChange(models.Model):
    """One row per change of a story, in order.

    The id is the change's sequence number: later, subscribers pull "everything after N" and
    the search and related indexes catch up from it.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        PUBLISHED = "published", "Published"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.story_id} v{self.version}"
