"""`dateline story translations|link|unlink`: the same action as the newsroom, stable output,
exit 1 with the reason when refused."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dateline.stories.actions import unpublish_story
from dateline.stories.models import StoryChange
from tests.factories import make_edition, make_member, make_story
from tests.processes import dateline_env, run_dateline

pytestmark = pytest.mark.django_db


def story_command(*args: str) -> str:
    out = io.StringIO()
    call_command("story", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def pair():
    en, fa = make_edition("en"), make_edition("fa")
    return make_story(en, headline="Rail link opens"), make_story(fa, headline="خط آهن افتتاح شد")


def test_link_then_list_the_translations_as_text_and_json(pair):
    english, persian = pair
    assert story_command("link", str(english.code), str(persian.code)) == (
        f"linked {english.code} {persian.code}\n"
    )
    text = story_command("translations", str(english.code))
    assert text.split() == [
        str(persian.code),
        "published",
        "fa",
        "public",
        "خط",
        "آهن",
        "افتتاح",
        "شد",
    ]
    unpublish_story(english)
    (line,) = story_command("translations", str(persian.code), "--json").splitlines()
    shown = json.loads(line)
    assert (shown["code"], shown["edition"], shown["public"]) == (english.code, "en", False)
    assert shown["headline"] == "Rail link opens"


def test_unlink_and_a_story_without_translations(pair):
    english, persian = pair
    story_command("link", str(english.code), str(persian.code), "--note", "same copy")
    assert story_command("unlink", str(persian.code)) == f"unlinked {persian.code}\n"
    assert story_command("translations", str(english.code)) == (
        f"story {english.code} has no translations\n"
    )
    assert story_command("translations", str(english.code), "--json") == ""
    notes = StoryChange.objects.filter(story=english, action="linked").values_list("note")
    assert list(notes) == [(f"translations: {english.code} (en), {persian.code} (fa); same copy",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (lambda e, p, o: ["link", e, e], "cannot be its own translation"),
        (lambda e, p, o: ["link", e, o], "are both in the Edition en edition"),
        (lambda e, p, o: ["link", e, "424242"], "There is no story with news code 424242"),
        (lambda e, p, o: ["link", "424242", e], "story 424242: no such story"),
        (lambda e, p, o: ["unlink", e], "is not linked to any translation"),
        (lambda e, p, o: ["translations", "424242"], "story 424242: no such story"),
        (lambda e, p, o: ["link", e, p, "--as", "rita"], "may not make the change"),
    ],
)
def test_refusals_name_the_reason_and_change_nothing(pair, args, message):
    english, persian = pair
    make_member("rita", "reporter", (english.edition, persian.edition))
    other = make_story(english.edition)
    before = StoryChange.objects.count()
    with pytest.raises(CommandError, match=message):
        story_command(*args(str(english.code), str(persian.code), str(other.code)))
    assert StoryChange.objects.count() == before


def test_a_refused_link_exits_1_in_a_real_process(tmp_path):
    env = dateline_env(tmp_path)
    run_dateline("migrate", "-v0", env=env, check=True)
    refused = run_dateline("story", "link", "7", "8", env=env)
    assert refused.returncode == 1
    assert "story 7: no such story" in refused.stderr
    malformed = run_dateline("story", "link", "7", "eight", env=env)
    assert malformed.returncode == 2
