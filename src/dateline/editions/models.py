from django.db import models
from django.urls import reverse

from dateline.copy import direction_for
from dateline.editions.labels import labels_for


class Calendar(models.TextChoices):
    GREGORIAN = "gregorian", "Gregorian"
    SOLAR_HIJRI = "solar_hijri", "Solar Hijri"


class CommentPolicy(models.TextChoices):
    """How reader comments are taken: set per edition, overridden per section and per story."""

    PRE = "pre", "Pre-moderation: a moderator approves each comment first"
    POST = "post", "Post-moderation: comments appear at once, moderators may remove them"
    CLOSED = "closed", "Closed: no new comments"


class EditionQuerySet(models.QuerySet):
    def default(self) -> "Edition | None":
        """The edition `/` leads to: the one marked default, else the first by position."""
        return self.order_by("-is_default", "position", "code").first()


class Edition(models.Model):
    """One language service of the agency (English, Persian, …) with its own URL prefix."""

    code = models.SlugField(max_length=16, unique=True, help_text="URL prefix, e.g. 'en' for /en/.")
    name = models.CharField(max_length=100)
    language = models.CharField(max_length=16, help_text="BCP 47 language tag, e.g. 'en', 'fa'.")
    calendar = models.CharField(max_length=16, choices=Calendar.choices, default=Calendar.GREGORIAN)
    timezone = models.CharField(
        max_length=64, default="UTC", help_text="IANA time zone for dates shown to readers."
    )
    is_default = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    comment_policy = models.CharField(
        max_length=8, choices=CommentPolicy.choices, default=CommentPolicy.PRE
    )
    comments_close_after_days = models.PositiveSmallIntegerField(
        default=14,
        help_text="Comments close this many days after publication; 0 keeps them open.",
    )

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_edition",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site:front", kwargs={"edition": self.code})

    @property
    def direction(self) -> str:
        """'rtl' or 'ltr', from the language's script; never stored, so it cannot disagree."""
        return direction_for(self.language)

    @property
    def labels(self) -> dict[str, str]:
        return labels_for(self.language)


class FollowLink(models.Model):
    """An account readers can follow, shown as "Follow us on Twitter @IrnaEnglish"."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="follow_links")
    network = models.CharField(max_length=40, help_text="e.g. Twitter, Telegram, Instagram")
    handle = models.CharField(max_length=100, help_text="e.g. @IrnaEnglish")
    url = models.URLField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.network} {self.handle}"


def unknown_edition(code: str) -> str | None:
    """Why `code` names no edition, listing those there are ("no such edition (there are en,
    fa)"), for a command's refusal; None when it names one."""
    known = list(Edition.objects.order_by("code").values_list("code", flat=True))
    if code in known:
        return None
    return f"no such edition (there are {', '.join(known) or 'none yet'})"
