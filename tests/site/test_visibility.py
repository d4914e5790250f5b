"""A story readers may not see (draft, scheduled, embargoed, killed, unpublished) shows
nowhere: in no list, in no Related News, and no tag page confirms its tags."""

import datetime

import pytest
from django.utils import timezone

from dateline.stories.models import Status, Story
from tests.factories import make_story
from tests.site.conftest import page

pytestmark = pytest.mark.django_db


def hidden_story(edition, kind: str, **fields) -> Story:
    """A story of `edition` that is not public, in one of the ways a story can be that."""
    now = timezone.now()
    later = now + datetime.timedelta(hours=2)
    if kind == "draft":
        return make_story(edition, published=False, **fields)
    story = make_story(edition, **fields)
    change = {
        "future": {"published_at": later},  # published, for a time still to come
        "embargoed": {"embargo_until": later},
        "unpublished": {"status": "unpublished"},
        "killed": {"status": Status.KILLED},
        "scheduled": {"status": Status.SCHEDULED, "published_at": later},
    }[kind]
    Story.objects.filter(pk=story.pk).update(**change)
    return story


HIDDEN_KINDS = ["draft", "future", "embargoed", "killed", "scheduled", "unpublished"]


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_a_tag_only_a_hidden_story_carries_is_not_found(client, editions, kind):
    en, _ = editions
    make_story(en, tags=("Water",))  # tag pages work at all
    hidden_story(en, kind, tags=(f"Secret tag {kind}",))
    assert client.get("/en/tag/water/").status_code == 200
    response = client.get(f"/en/tag/secret-tag-{kind}/")
    assert response.status_code == 404
    unknown = client.get("/en/tag/no-such-tag-at-all/")
    assert response.content == unknown.content  # not a word more than an unknown tag
    assert f"Secret tag {kind}".encode() not in response.content


def test_a_tag_public_only_in_another_edition_is_not_found_in_this_one(client, editions):
    _, fa = editions
    make_story(fa, tags=("Only in Persian",))
    assert client.get("/fa/tag/only-in-persian/").status_code == 200
    assert client.get("/en/tag/only-in-persian/").status_code == 404


def test_hidden_stories_appear_on_no_list(client, editions):
    en, fa = editions
    world = en.sections.get()
    shown = make_story(en, section=world, tags=("Water",), headline="The public story")
    make_story(fa, section=fa.sections.get(), tags=("Water",))
    markers = []
    for kind in HIDDEN_KINDS:
        for edition, section in ((en, world), (fa, fa.sections.get())):
            marker = f"hidden{kind}{edition.code}marker"
            hidden_story(
                edition,
                kind,
                section=section,
                tags=("Water",),
                headline=f"Headline {marker}",
                lead=f"Lead {marker}.",
            )
            markers.append(marker)
    paths = [
        "/en/",
        "/fa/",
        "/en/section/world/",
        "/fa/section/world/",
        "/en/tag/water/",
        "/fa/tag/water/",
        shown.get_absolute_url(),  # its Related News: same section, same tag
    ]
    for path in paths:
        content = page(client.get(path)).get_text()
        assert not [m for m in markers if m in content], path
    related = page(client.get(shown.get_absolute_url())).select("section.related a")
    assert related == []
