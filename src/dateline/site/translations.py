"""What readers see of linked translations: an article's public versions in other editions,
and the editions' names in their own languages for the edition switcher."""

import functools

from babel import Locale, UnknownLocaleError

from dateline.site.chrome import site_chrome
from dateline.stories.models import Story


def public_versions(story: Story) -> list[Story]:
    """The public members of the story's translation group, itself among them, in the order of
    their editions; [] when none but itself is public. No query for a story in no group."""
    if story.translation_group_id is None:
        return []
    versions = list(
        Story.objects.public()
        .filter(translation_group_id=story.translation_group_id)
        .select_related("edition")
        .only("code", "slug", "headline", "translation_group_id", "edition")
        .order_by("edition__position", "edition__code")
    )
    return versions if len(versions) > 1 else []


def default_version(versions: list[Story]) -> Story:
    """The version for readers of none of the languages (`x-default`): the default edition's,
    else the oldest, so that every version names the same one."""
    return next((v for v in versions if v.edition.is_default), min(versions, key=lambda v: v.pk))


@functools.cache
def language_name(tag: str) -> str:
    """A language's name in that language ('fa' → 'فارسی'), from Babel's CLDR data; the tag
    itself for a language Babel does not know."""
    try:
        return Locale.parse(tag, sep="-").get_display_name() or tag
    except (UnknownLocaleError, ValueError):
        return tag


def other_editions(edition) -> list:
    """Every edition but `edition`, in their order, from the cached furniture (no query)."""
    return [chrome.edition for chrome in site_chrome().editions if chrome.edition.pk != edition.pk]
