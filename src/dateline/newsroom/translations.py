"""The edit screen's Translations box: the story's versions in other editions, and stories a
member may link as one, found by headline words or news code. Linking itself is
`stories.actions.link_translation`'s, through the workflow move view."""

from dataclasses import dataclass

from dateline.newsroom.access import visible_stories
from dateline.stories.models import Status, Story

MAX_QUERY = 200
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class Version:
    story: Story
    visible: bool  # of an edition the member works on: headline and link shown
    public: bool


def versions_of(story: Story, member) -> list[Version]:
    """The other members of the story's group; for a member of other editions, only which
    edition has a version (the story is theirs to see, not its words)."""
    if story.translation_group_id is None:
        return []
    others = list(
        Story.objects.filter(translation_group_id=story.translation_group_id)
        .exclude(pk=story.pk)
        .select_related("edition")
        .order_by("edition__position", "edition__code")
    )
    codes = [other.pk for other in others]
    visible = set(visible_stories(member).filter(pk__in=codes).values_list("pk", flat=True))
    public = set(Story.objects.public().filter(pk__in=codes).values_list("pk", flat=True))
    return [Version(other, other.pk in visible, other.pk in public) for other in others]


def candidates(story: Story, member, query: str) -> list[Story]:
    """Stories of the member's other editions whose headline holds `query` (or whose news
    code it is) that could be linked with this one; newest changes first."""
    query = " ".join(query.split())[:MAX_QUERY]
    if not query:
        return []
    found = (
        visible_stories(member)
        .exclude(edition_id=story.edition_id)
        .exclude(status=Status.KILLED)
        .select_related("edition")
        .order_by("-updated_at", "-code")
    )
    # Linked with this story already, or with another story of its edition: a link refused.
    found = found.exclude(translation_group__stories__edition_id=story.edition_id)
    if query.isascii() and query.isdigit() and len(query) < 19:
        return list(found.filter(pk=int(query))[:1])
    return list(found.filter(headline__icontains=query)[:MAX_CANDIDATES])
