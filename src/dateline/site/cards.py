"""A story's card in a list of stories (a front's, a section's, a tag's, Related News), written
once per process for what it shows and then remembered.

A list page shows a few dozen cards, and the same ones on every request until a story comes or
goes; writing them (a link, a time in the edition's calendar, a byline, a section, a teaser)
was most of a rendered list page's time. A card is a function of the values it shows, so it is
remembered by those values (`shown`): an edited headline, a renamed section or another
edition's calendar is another key, and nothing has to be retired when a story changes
(decision 0044). The HTML stays in `site/_cards.html`; the comment count, which changes under
a card, is put in on every request.
"""

from django.urls import get_script_prefix, get_urlconf
from markupsafe import Markup

from dateline.site.fragments import comment_count
from dateline.site.remembered import Remembered

# One to two megabytes per thousand cards; a process that has shown more forgets its oldest.
MOST_CARDS = 10_000
# Where the comment count goes in a remembered card: a character no page is meant to hold, so
# a card whose own text holds it is simply not remembered.
_COUNT_SLOT = Markup("\x00")
_BETWEEN_CARDS = Markup("\n")


def site_root() -> tuple:
    """Where the site's URLs are rooted for this request (its URL configuration and script
    prefix): read once per list of cards, each a lookup in a context-local that cost a card
    more than the rest of its key."""
    return get_urlconf(), get_script_prefix()


def shown(story, edition, root: tuple) -> tuple:
    """Every value a card shows or is linked by (but a teaser's lead and section): the story's
    headline fields, the edition's code, language, time zone and calendar, and where the
    site's URLs are rooted (`root`, `site_root()`)."""
    return (
        *root,
        edition.code,
        edition.language,
        edition.timezone,
        edition.calendar,
        story.code,
        story.slug,
        story.headline,
        story.byline,
        story.language,
        story.published_at,
    )


class Cards:
    """The template globals that write a list's cards: `teaser_cards`, `brief_cards` and
    `related_cards`, each the whole list's HTML in one call (a call from a template costs
    Jinja more than looking a remembered card up)."""

    def __init__(self, environment) -> None:
        self._environment = environment
        self.remembered = Remembered(MOST_CARDS)

    def teaser_cards(self, stories, edition, has_lead: bool, counts, labels) -> Markup:
        """A page of stories, the first one's lead in full when the page `has_lead`, the
        others' cut short."""
        root = site_root()
        return _BETWEEN_CARDS.join(
            self._teaser(story, edition, has_lead and index == 0, counts, labels, root)
            for index, story in enumerate(stories)
        )

    def brief_cards(self, stories, edition) -> Markup:
        """Stories in a section's block on the front: each its headline, byline and time."""
        root = site_root()
        return _BETWEEN_CARDS.join(
            self._card(("brief", *shown(story, edition, root)), "brief", (story, edition))
            for story in stories
        )

    def related_cards(self, stories, edition) -> Markup:
        """An article's Related News: each story's headline and time."""
        root = site_root()
        return _BETWEEN_CARDS.join(
            self._card(("related", *shown(story, edition, root)), "related", (story, edition))
            for story in stories
        )

    def _teaser(self, story, edition, is_lead: bool, counts, labels, root: tuple) -> Markup:
        section = story.section if story.section_id else None
        shows = (is_lead, story.lead, section and (section.pk, section.name))
        key = ("teaser", *shows, *shown(story, edition, root))
        count = comment_count(story, edition, counts, labels)
        return self._card(key, "teaser", (story, edition, is_lead), count)

    def _card(self, key: tuple, macro: str, arguments: tuple, count: Markup | None = None):
        parts = self.remembered.get(
            key, lambda: self._write(macro, arguments, counted=count is not None)
        )
        if not parts:  # its own text holds the count's slot: written every time
            return self._macro(macro)(*arguments, count)
        return parts[0] if count is None else count.join(parts)

    def _write(self, macro: str, arguments: tuple, *, counted: bool) -> tuple[Markup, ...]:
        """The card's HTML; a counted card's in two parts, either side of its count."""
        if not counted:
            return (self._macro(macro)(*arguments),)
        written = self._macro(macro)(*arguments, _COUNT_SLOT)
        parts = tuple(written.split(_COUNT_SLOT))
        return parts if len(parts) == 2 else ()

    def _macro(self, name: str):
        return getattr(self._environment.get_template("site/_cards.html").module, name)
