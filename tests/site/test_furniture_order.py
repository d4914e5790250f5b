"""Editions, sections and follow links come in the order the newsroom set, then by name."""

import pytest

from dateline.editions.models import Edition, FollowLink
from dateline.site.chrome import site_chrome
from dateline.stories.models import Section

pytestmark = pytest.mark.django_db


def edition(code: str, position: int) -> Edition:
    return Edition.objects.create(code=code, name=code, language="en", position=position)


def test_editions_by_position_then_code():
    edition("aa", 2), edition("zz", 1), edition("mm", 1)
    assert [e.edition.code for e in site_chrome().editions] == ["mm", "zz", "aa"]


def test_sections_by_position_then_name():
    en = edition("en", 0)
    for name, position in (("Sport", 1), ("Economy", 1), ("World", 0), ("Arts", 2)):
        Section.objects.create(edition=en, slug=name.lower(), name=name, position=position)
    sections = site_chrome().edition("en").sections
    assert [s.name for s in sections] == ["World", "Economy", "Sport", "Arts"]


def test_follow_links_by_position_then_as_added():
    en = edition("en", 0)
    for network, position in (("Mastodon", 1), ("Bluesky", 1), ("Telegram", 0)):
        FollowLink.objects.create(
            edition=en,
            network=network,
            handle=f"@{network}",
            url=f"https://{network.lower()}.example/dateline",
            position=position,
        )
    links = site_chrome().edition("en").follow_links
    assert [link.network for link in links] == ["Telegram", "Mastodon", "Bluesky"]
