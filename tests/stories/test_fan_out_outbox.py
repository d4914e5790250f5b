"""The outbox of story changes (decision 0050): a change whose fan-out never went out
in full (the process stopped between the commit and the end of the fan-out) is sent by the
worker's sweep once it is older than the grace period, so the story is found by search and
each subscriber gets one webhook delivery per change, however often it is sent again."""

import datetime
import io
import json
import os
import signal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from dateline.discovery import indexing
from dateline.stories.actions.changes import FAN_OUT_GRACE, fan_out_pending
from dateline.stories.management.commands import worker
from dateline.stories.models import PendingFanOut, Story, StoryChange
from dateline.stories.signals import story_changes
from dateline.wire.models import Delivery
from dateline.wire.subscribers import add_subscriber
from tests.factories import make_edition, make_section, make_story
from tests.site.conftest import page

CROPS = ["saffron", "pistachio", "cotton", "barley", "sorghum", "lentil", "walnut", "quince"]
SUBSCRIBERS = 2


@pytest.fixture
def edition(db, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the subscribers' addresses below are loopback
    en = make_edition("en")
    make_section(en, "world", "World")
    for n in range(SUBSCRIBERS):
        add_subscriber(f"Agency {n}", webhook_url=f"http://127.0.0.1:9/hook-{n}")
    return en


def reuters_file(path: Path) -> Path:
    """A Reuters-21578 file with one story per crop, its headline naming it."""
    elements = "".join(
        f'<REUTERS TOPICS="YES" NEWID="{n}">\n<DATE>26-FEB-1987 15:01:01.79</DATE>\n'
        "<TOPICS></TOPICS>\n<PLACES></PLACES>\n"
        f"<TEXT>&#2;\n<TITLE>{crop.upper()} PRICES RISE</TITLE>\n"
        "<DATELINE>SALVADOR, Feb 26 - </DATELINE>"
        f"<BODY>Traders said {crop} was dearer.\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n"
        for n, crop in enumerate(CROPS, start=1)
    )
    path.write_text('<!DOCTYPE lewis SYSTEM "lewis.dtd">\n' + elements, "utf-8")
    return path


def found(client, word: str) -> list[str]:
    """The headlines the English search page lists for `word`, in lower case."""
    links = page(client.get("/en/search", {"q": word})).select(".search-results h2 a")
    return [a.get_text().lower() for a in links]


def deliveries_per_change() -> list[int]:
    """How many deliveries each (subscriber, change) pair has, one number per pair."""
    pairs = Delivery.objects.values("subscriber", "change").annotate(rows=Count("id"))
    return [pair["rows"] for pair in pairs]


def after_the_grace(monkeypatch) -> None:
    later = timezone.now() + FAN_OUT_GRACE + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)


STOPS = {
    # Ctrl-C: Python raises KeyboardInterrupt wherever the main thread is.
    "Ctrl-C": (lambda: _raise(KeyboardInterrupt), 130),
    # SIGTERM, as `kill` or a service manager sends it, to the process itself.
    "SIGTERM": (lambda: os.kill(os.getpid(), signal.SIGTERM), 143),
}


def _raise(exception: type[BaseException]) -> None:
    raise exception


@pytest.mark.django_db(transaction=True)  # real commits: the fan-out runs after each
@pytest.mark.parametrize("how", STOPS)
def test_an_import_stopped_in_its_fan_out_is_finished_by_the_worker_once(
    edition, tmp_path, client, monkeypatch, how
):
    stop, exit_code = STOPS[how]
    index_for_real = indexing.sync_stories

    def stopping(codes):
        """The batch's first receiver, the search index: the import stops as its one batch's
        fan-out begins (once: the catch-up below indexes for real)."""
        monkeypatch.setattr(indexing, "sync_stories", index_for_real)
        stop()

    monkeypatch.setattr(indexing, "sync_stories", stopping)
    errors, lines = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command(
            "import", str(reuters_file(tmp_path / "reut2-000.sgm")), "--publish",
            "--edition", "en", "--json", stdout=lines, stderr=errors,
        )  # fmt: skip
    assert stopped.value.code == exit_code
    assert f"interrupted: {len(CROPS)} stories stored so far" in errors.getvalue()
    assert "Traceback" not in errors.getvalue()
    # Stopped between the batch's commit and its report, the lines still come: a script
    # reading them learns every story stored (a run again calls them "already imported").
    reported = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert sorted(line["code"] for line in reported) == sorted(
        Story.objects.values_list("code", flat=True)
    )

    # All stored and public; none found or sent yet.
    assert Story.objects.public().count() == len(CROPS)
    assert found(client, CROPS[0]) == found(client, CROPS[-1]) == []
    assert PendingFanOut.objects.count() == StoryChange.objects.count() == 2 * len(CROPS)
    assert not Delivery.objects.exists()

    assert worker.sweep() == 0  # nothing is due for release, and nothing pending is old enough
    assert PendingFanOut.objects.count() == 2 * len(CROPS)
    assert found(client, CROPS[-1]) == []

    after_the_grace(monkeypatch)
    worker.sweep()
    assert not PendingFanOut.objects.exists()
    for crop in CROPS:
        assert found(client, crop) == [f"{crop} prices rise"]
    # One per subscriber for each story's publication.
    published = StoryChange.objects.filter(action=StoryChange.Action.PUBLISHED)
    assert set(Delivery.objects.values_list("change", flat=True)) == set(
        published.values_list("pk", flat=True)
    )
    assert deliveries_per_change() == [1] * len(CROPS) * SUBSCRIBERS

    # Sent twice (another worker's sweep at the same moment): nothing new.
    story_changes.send(sender=Story, changes=[(change.story, change) for change in published])
    assert deliveries_per_change() == [1] * len(CROPS) * SUBSCRIBERS


@pytest.mark.django_db(transaction=True)
def test_a_change_fanned_out_in_full_leaves_nothing_pending(edition, client):
    make_story(edition, headline="Saffron harvest begins")
    assert StoryChange.objects.count() == 2  # created, published
    assert not PendingFanOut.objects.exists()
    assert found(client, "saffron") == ["saffron harvest begins"]
    assert deliveries_per_change() == [1] * SUBSCRIBERS


def test_a_pending_change_is_sent_only_once_older_than_the_grace(edition, client, monkeypatch):
    # The test's transaction never commits, so the fan-out registered on commit never runs:
    # what a process stopped straight after its commit leaves.
    story = make_story(edition, headline="Pistachio exports fall")
    assert set(PendingFanOut.objects.values_list("change", flat=True)) == set(
        story.changes.values_list("pk", flat=True)
    )
    assert fan_out_pending() == 0
    assert PendingFanOut.objects.count() == 2
    assert found(client, "pistachio") == []

    after_the_grace(monkeypatch)
    assert fan_out_pending() == 2
    assert fan_out_pending() == 0
    assert found(client, "pistachio") == ["pistachio exports fall"]
    assert deliveries_per_change() == [1] * SUBSCRIBERS


def test_an_operator_sends_the_pending_changes_at_once(edition, client):
    make_story(edition, headline="Cotton crop fails")
    out = io.StringIO()
    call_command("story", "catch-up", stdout=out)
    assert out.getvalue() == "sent 0 story changes left unsent\n"  # younger than the grace
    call_command("story", "catch-up", "--all", stdout=out)
    assert out.getvalue().splitlines()[-1] == "sent 2 story changes left unsent"
    assert not PendingFanOut.objects.exists()
    assert found(client, "cotton") == ["cotton crop fails"]
    make_story(edition, headline="Barley crop recovers")
    call_command("story", "catch-up", "--all", "--json", stdout=out)
    assert json.loads(out.getvalue().splitlines()[-1]) == {"sent": 2}
