from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A newsroom member or, later, a registered reader.

    Custom from the first migration so that roles and API keys can be added without the
    painful mid-project swap of AUTH_USER_MODEL.
    """

    byline = models.CharField(
        max_length=120, blank=True, help_text="Name as printed on stories, e.g. 'Sara Karimi'."
    )

    def __str__(self) -> str:
        return self.byline or self.get_username()
