"""An edition's masthead is written once per version of the furniture and current section, and
remembered (decision 0044): a change to the furniture shows on the next page."""

import pytest
from django.template import engines

from dateline.editions.models import FollowLink
from dateline.site.remembered import Remembered
from dateline.stories.models import Section
from tests.factories import make_edition, make_section
from tests.site.conftest import page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rendered_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def mastheads() -> Remembered:
    return engines["jinja2"].env.globals["masthead"].remembered


def sections_shown(soup) -> list[tuple[str, bool]]:
    return [(a.get_text(), a.get("aria-current") == "page") for a in soup.select(".sections a")]


def test_each_page_marks_its_own_section_in_a_remembered_masthead(client, editions):
    en, _ = editions
    make_section(en, "sport", "Sport")
    mastheads().held.clear()
    assert sections_shown(page(client.get("/en/section/sport/"))) == [
        ("Sport", True),
        ("World", False),
    ]
    assert sections_shown(page(client.get("/en/section/world/"))) == [
        ("Sport", False),
        ("World", True),
    ]
    assert sections_shown(page(client.get("/en/"))) == [("Sport", False), ("World", False)]
    written = dict(mastheads().held)
    assert len([key for key in written if key[0] != "follow"]) == 3
    client.get("/en/section/sport/")
    assert mastheads().held == written  # none written again


def test_a_change_to_the_furniture_shows_on_the_next_page(client, editions):
    en, _ = editions
    assert sections_shown(page(client.get("/en/"))) == [("World", False)]
    world = Section.objects.get(edition=en, slug="world")
    world.name = "Abroad"
    world.save()
    assert sections_shown(page(client.get("/en/"))) == [("Abroad", False)]
    make_edition("ar", name="Dateline Arabic", position=9)
    switch = page(client.get("/en/")).select(".edition-switch a")
    assert [a["hreflang"] for a in switch] == ["fa", "ar"]


def test_a_page_outside_its_furniture_still_gets_its_masthead(client, editions):
    """The footer's follow links are not part of the masthead: they change apart."""
    en, _ = editions
    FollowLink.objects.create(
        edition=en, network="Twitter", handle="@IrnaEnglish", url="https://x.com/IrnaEnglish"
    )
    soup = page(client.get("/en/"))
    assert soup.select_one(".masthead .brand").get_text() == "Dateline English"
    assert "@IrnaEnglish" in soup.select_one(".site-footer").get_text()


def test_the_mastheads_held_are_bounded(client, editions, monkeypatch):
    en, _ = editions
    for n in range(4):
        make_section(en, f"desk-{n}", f"Desk {n}")
    mastheads().held.clear()
    monkeypatch.setattr(mastheads(), "most", 2)
    for n in range(4):
        soup = page(client.get(f"/en/section/desk-{n}/"))
        assert (f"Desk {n}", True) in sections_shown(soup)
    assert len(mastheads().held) == 2


def follow_links_shown(soup) -> list[str]:
    return [" ".join(a.get_text().split()) for a in soup.select(".follow a")]


def test_the_follow_links_are_remembered_and_a_changed_one_shows_at_once(client, editions):
    en, fa = editions
    link = FollowLink.objects.create(
        edition=en, network="Twitter", handle="@IrnaEnglish", url="https://x.com/IrnaEnglish"
    )
    FollowLink.objects.create(
        edition=fa, network="Telegram", handle="@irna_fa", url="https://t.me/irna_fa"
    )
    mastheads().held.clear()
    shown = follow_links_shown(page(client.get("/en/")))
    assert "Follow us on Twitter @IrnaEnglish" in shown
    written = dict(mastheads().held)
    assert follow_links_shown(page(client.get("/en/section/world/"))) == shown
    assert [key for key in mastheads().held if key not in written and key[0] == "follow"] == []
    fa_links = " ".join(follow_links_shown(page(client.get("/fa/"))))
    assert "@irna_fa" in fa_links and "IrnaEnglish" not in fa_links
    link.handle = "@IRNA_English"
    link.save()
    shown_now = follow_links_shown(page(client.get("/en/")))
    assert "Follow us on Twitter @IRNA_English" in shown_now
    assert "Follow us on Twitter @IrnaEnglish" not in shown_now
