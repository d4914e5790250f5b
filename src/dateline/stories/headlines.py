"""A story as its lists show it (a front, a section's or a tag's page, Related News): nine
plain values read from one row, not a model instance.

A list page shows a few dozen stories. Loaded as models (Django's row-to-instance machinery:
descriptors, deferred-field bookkeeping, the instance's state) each cost about 40 µs against
the 4 µs of reading its row, a third of a rendered front page; a list only shows its stories
and never saves one (decision 0044).
"""

import datetime
from dataclasses import dataclass, fields


@dataclass(slots=True, eq=False)
class Headline:
    code: int
    slug: str
    headline: str
    lead: str
    byline: str
    language: str
    published_at: datetime.datetime
    edition_id: int
    section_id: int | None
    # Its approved comments, when the list's query counted them in the same row (the pages
    # listing stories do: `site.views`); None when it did not.
    approved_comments: int | None = None
    # The story's Section, from the edition's furniture (`EditionChrome.with_sections`).
    section: object = None

    @property
    def pk(self) -> int:
        return self.code

    @classmethod
    def of(cls, rows) -> list["Headline"]:
        """Rows of `HEADLINE_FIELDS`, in that order, and maybe the count of approved comments:
        `StoryQuerySet.headlines()`, as a queryset or as a `Compiled` query's `rows()`."""
        return [cls(*row) for row in rows]


# What a list reads of a story: the columns above (a list of models asks for only these too).
HEADLINE_FIELDS = tuple(
    field.name for field in fields(Headline) if field.name not in ("approved_comments", "section")
)
