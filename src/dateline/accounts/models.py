from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    """What a newsroom member may do; `stories.permissions` holds the rules for each action."""

    REPORTER = "reporter", "Reporter"  # writes and submits own drafts
    EDITOR = "editor", "Editor"  # edits, approves, publishes, schedules, corrects its editions
    CHIEF_EDITOR = "chief_editor", "Chief editor"  # also kills; manages editions and staff
    COMMENT_MODERATOR = "comment_moderator", "Comment moderator"  # comments only


class User(AbstractUser):
    """A newsroom member or, later, a registered reader.

    Custom from the first migration so that roles and API keys can be added without the
    painful mid-project swap of AUTH_USER_MODEL.
    """

    byline = models.CharField(
        max_length=120, blank=True, help_text="Name as printed on stories, e.g. 'Sara Karimi'."
    )
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text="Newsroom role; none means no access to stories.",
    )
    editions = models.ManyToManyField(
        "editions.Edition",
        blank=True,
        related_name="staff",
        help_text="Editions this member works on; a chief editor works on all of them.",
    )

    def __str__(self) -> str:
        return self.byline or self.get_username()

    @property
    def newsroom_role(self) -> str:
        """The role the rules apply: a superuser is a chief editor, an inactive user nothing."""
        if not self.is_active:
            return ""
        if self.is_superuser:
            return Role.CHIEF_EDITOR
        return self.role
