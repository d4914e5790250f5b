from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from dateline.editions.models import CommentPolicy, Edition
from dateline.stories.querysets import StoryQuerySet


class Status(models.TextChoices):
    """Where a story is in the workflow; `stories.workflow` says which moves are legal.

    An embargoed story is PUBLISHED with `embargo_until` in the future: out on the wire, public
    nowhere until then. A SCHEDULED story becomes PUBLISHED at `published_at`, by the worker.
    """

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"
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
    is_default = models.BooleanField(
        default=False, help_text="Where stories go when neither the import nor a mapping says."
    )
    comment_policy = models.CharField(
        max_length=8,
        choices=CommentPolicy.choices,
        blank=True,
        help_text="Blank: as the edition says.",
    )

    class Meta:
        ordering = ["edition", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="unique_section_per_edition"),
            models.UniqueConstraint(
                fields=["edition"],
                condition=models.Q(is_default=True),
                name="one_default_section_per_edition",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site:section", kwargs={"edition": self.edition.code, "slug": self.slug})


class Tag(models.Model):
    """A label shared by all editions: a keyword, or an entry of a vocabulary (topic, place…)."""

    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    name = models.CharField(max_length=120)
    # What the tag is told apart by: its name's key (`stories.tagging.tag_key`), which keeps
    # the punctuation a slug drops ("C#" is not "C++"). None for a tag that was named as an
    # older one when keys came (migration 0011): it keeps its address and stories, and its
    # name finds the older tag.
    key = models.CharField(max_length=120, unique=True, null=True, blank=True, editable=False)
    vocabulary = models.CharField(
        max_length=16, choices=Vocabulary.choices, default=Vocabulary.KEYWORD
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TranslationGroup(models.Model):
    """The versions of one story in several editions (the English and the Persian, …): each
    member links to the others. At most one story per edition (a constraint on Story)."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"translations #{self.pk}"


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
    # No index of its own: the one-per-edition constraint's index starts with it.
    translation_group = models.ForeignKey(
        TranslationGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="stories",
        db_index=False,
        help_text="Its versions in other editions; linked and unlinked by stories.actions.",
    )

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
    comment_policy = models.CharField(
        max_length=8,
        choices=CommentPolicy.choices,
        blank=True,
        help_text="Blank: as the section, or else the edition, says.",
    )
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(null=True, blank=True)
    embargo_until = models.DateTimeField(null=True, blank=True)
    revised_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When readers last saw its content change: a version saved while it was "
        "public (an edit, a correction, a restored version), or its return after an "
        "unpublishing. Its pages, feeds and sitemaps give it as the last modification.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_stories",
        help_text="The reporter or editor who has the story; none for wire copy not yet taken up.",
    )
    source_name = models.CharField(
        max_length=300, blank=True, editable=False, help_text="The file or feed it came from."
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        editable=False,
        help_text="Whose copy it is when not the agency's own: a partner item's copyright "
        "holder (or provider), named to subscribers as the rights holder.",
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
            # The code last: lists are ordered by it after the time, and search's date bounds
            # (discovery.backends) read the codes of a range of times off the index alone. The
            # release sweep finds scheduled stories here too, edition by edition: an index of
            # them alone (its condition on `status`) made SQLite prepare every query comparing
            # `status` again on each run (decision 0057).
            models.Index(
                fields=["edition", "status", "-published_at", "-code"],
                name="story_edition_latest",
            ),
            models.Index(
                fields=["section", "status", "-published_at", "-code"],
                name="story_section_latest",
            ),
            models.Index(
                fields=["embargo_until"],
                condition=models.Q(embargo_until__isnull=False),
                name="story_embargoed",
            ),
            # The newsroom's story list, most recently changed first: read in index order and
            # stopped after a page, filtered or not, instead of sorting the whole table.
            models.Index(fields=["-updated_at", "-code"], name="story_recently_changed"),
        ]
        constraints = [
            # NULLs are distinct: any number of stories belong to no group.
            models.UniqueConstraint(
                fields=["translation_group", "edition"],
                name="one_story_per_edition_in_translation_group",
            )
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        # Reversed, so the site's script prefix (FORCE_SCRIPT_NAME, or the request's) is in it.
        return reverse(
            "site:article",
            kwargs={"edition": self.edition.code, "code": self.code, "slug": self.slug},
        )

    @property
    def is_embargoed(self) -> bool:
        return self.embargo_until is not None and self.embargo_until > timezone.now()


class StoryChange(models.Model):
    """One row per change of a story, in order: the audit log (who, why) and the feed.

    The id is the change's sequence number: subscribers pull "everything after N" and the
    search and related indexes catch up from it.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        TAKEN = "taken", "Taken up"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        SCHEDULED = "scheduled", "Scheduled"
        EMBARGOED = "embargoed", "Embargoed"
        PUBLISHED = "published", "Published"
        RELEASED = "released", "Embargo lifted"
        UNPUBLISHED = "unpublished", "Unpublished"
        CORRECTED = "corrected", "Corrected"
        KILLED = "killed", "Killed"
        RESTORED = "restored", "Revision restored"
        COMMENTS = "comments", "Comment policy changed"
        LINKED = "linked", "Translation linked"
        UNLINKED = "unlinked", "Translation unlinked"
        RELATED = "related", "Related News chosen"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who made the change; none for the system (import, scheduled release).",
    )
    note = models.TextField(blank=True, help_text="Why: a correction note, a kill reason, …")
    lists_left = models.JSONField(
        null=True,
        blank=True,
        help_text="What a public story stopped being listed in with this version: "
        '{"section": the slug of the section it left, or null, "tags": the slugs of the tags it '
        "dropped}. Their pages showed it, and the story no longer names them.",
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.story_id} v{self.version}"


class PendingFanOut(models.Model):
    """A change whose `story_changed` has not been sent in full yet: the outbox (decision 0050).

    Written in the transaction that logs the change and deleted once its fan-out has run, so a
    process that stops between the commit and the end of the fan-out leaves the row behind,
    and the worker's sweep sends the change again (`actions.changes.fan_out_pending`). Its
    age is the change's `at`.
    """

    change = models.OneToOneField(
        StoryChange, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"#{self.change_id} pending"


class WireListing(models.Model):
    """A section or a tag a story carried while it was out on the wire (published, embargoed
    included). A subscriber whose filters take them may have the story, so its later versions,
    corrections and withdrawal reach the subscriber even after an edit has moved it out of
    those filters (`wire.feed.taken_or_had`, decision 0052).
    Written with each change that puts a story out or changes it while out
    (`actions.changes.record_changes_of`); a story's rows only grow."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(section__isnull=True) ^ models.Q(tag__isnull=True),
                name="wire_listing_names_a_section_or_a_tag",
            ),
            models.UniqueConstraint(
                fields=["story", "section"],
                condition=models.Q(section__isnull=False),
                name="wire_listing_section_once",
            ),
            models.UniqueConstraint(
                fields=["story", "tag"],
                condition=models.Q(tag__isnull=False),
                name="wire_listing_tag_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.story_id} under {self.section or self.tag}"


class Revision(models.Model):
    """The full content of one version of a story, so any two can be compared or one restored."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    headline = models.CharField(max_length=300)
    lead = models.TextField()
    body = models.TextField(blank=True)
    byline = models.CharField(max_length=200, blank=True)
    dateline_place = models.CharField(max_length=120, blank=True)
    dateline_date = models.DateField(null=True, blank=True)
    dateline_source = models.CharField(max_length=60, blank=True)
    tags = models.JSONField(default=list, help_text="[[vocabulary, name], …] as saved.")
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The story's section in this version (none: no section, or since deleted).",
    )
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["story", "version"]
        constraints = [
            models.UniqueConstraint(fields=["story", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.story_id} v{self.version}"


class Correction(models.Model):
    """A visible, dated note on a published story that was changed after publication."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="corrections")
    version = models.PositiveIntegerField(help_text="The version the correction made.")
    note = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["story", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.story_id} v{self.version}: {self.note[:40]}"


class SectionMapping(models.Model):
    """Editors' rule: stories of this edition carrying this tag go to this section, unless the
    import names a section. The first mapped tag of a story, in the story's tag order, wins."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["edition", "tag__name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "tag"], name="one_section_per_tag")
        ]

    def __str__(self) -> str:
        return f"{self.tag} → {self.section}"

    def clean(self) -> None:
        if self.section_id and self.edition_id and self.section.edition_id != self.edition_id:
            raise ValidationError({"section": "Choose a section of the same edition."})
