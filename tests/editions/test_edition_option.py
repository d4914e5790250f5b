"""Every command's `--edition` refuses an empty code alike: it meant every edition to `story
list` and `comments list`, and "no such edition" to `reindex` and `related`."""

import pytest
from django.core.management import CommandError, call_command

from dateline.stories.models import Story
from tests.factories import make_edition, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def editions(db):
    return make_edition("en"), make_edition("fa")


@pytest.mark.parametrize(
    "command",
    [
        ["story", "list"],
        ["comments", "list"],
        ["reindex"],
        ["related", "--fit"],
        ["import", "-"],
    ],
    ids=" ".join,
)
@pytest.mark.parametrize("empty", ["", " "])
def test_an_empty_edition_code_is_refused_before_anything_is_done(editions, command, empty):
    make_story(editions[0])
    with pytest.raises(CommandError, match="--edition: an empty code names no edition"):
        call_command(*command, f"--edition={empty}")
    assert Story.objects.count() == 1


def test_a_code_is_still_taken(editions, capsys):
    make_story(editions[1], headline="خبر")
    call_command("story", "list", "--edition=fa", "--json")
    assert "خبر" in capsys.readouterr().out
