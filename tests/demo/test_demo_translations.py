"""The demo links its English and Persian versions of the rail electrification story, once."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils.encoding import iri_to_uri

from dateline.stories.models import Story, StoryChange

pytestmark = pytest.mark.django_db

PAIR = (
    "demo:en/08-rail-electrification-funds.txt",
    "demo:fa/05-tehran-mashhad-electrification.txt",
)


def loaddemo() -> str:
    out = io.StringIO()
    call_command("loaddemo", stdout=out)
    return out.getvalue()


def test_the_pair_is_linked_once_and_each_page_links_the_other(client):
    assert "1 translations linked" in loaddemo()
    assert "0 translations linked" in loaddemo()
    english, persian = (Story.objects.get(source_id=source) for source in PAIR)
    assert english.translation_group_id == persian.translation_group_id is not None
    assert StoryChange.objects.filter(action="linked").count() == 2
    for story, other, language in ((english, persian, "fa"), (persian, english, "en")):
        soup = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")
        (link,) = soup.select("nav.translations a")
        assert (link["href"], link["hreflang"]) == (iri_to_uri(other.get_absolute_url()), language)


def test_a_pair_an_editor_unlinked_is_not_linked_again(client):
    from dateline.stories.actions import unlink_translation

    loaddemo()
    unlink_translation(Story.objects.get(source_id=PAIR[0]))
    assert "0 translations linked" in loaddemo()
    assert not Story.objects.filter(translation_group__isnull=False).exists()
