import datetime
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from dateline.stories import actions
from dateline.stories.models import Status, Story
from tests.factories import make_edition, make_member, make_section

SOON = datetime.timedelta(hours=1)


@pytest.fixture
def newsroom(db):
    """Two editions (English on Tehran's clock) and a member of each kind."""
    en = make_edition("en", name="Dateline English", timezone="Asia/Tehran")
    fa = make_edition("fa", name="دیت‌لاین فارسی", timezone="Asia/Tehran")
    return {
        "en": en,
        "fa": fa,
        "world": make_section(en, "world", "World"),
        "economy": make_section(en, "economy", "Economy"),
        "fa_world": make_section(fa, "world", "جهان"),
        "reporter": make_member("rita", "reporter", (en,), byline="Rita Reporter"),
        "other_reporter": make_member("omid", "reporter", (en,)),
        "editor": make_member("eddie", "editor", (en,), byline="Eddie Editor"),
        "fa_editor": make_member("farah", "editor", (fa,)),
        "chief": make_member("chloe", "chief_editor", byline="Chloe Chief"),
        "moderator": make_member("mo", "comment_moderator", (en,)),
        "nobody": make_member("nora", "", (en,)),
        "anonymous": AnonymousUser(),
    }


def client_for(member) -> Client:
    """A browser signed in as `member` (none for the anonymous), CSRF checks on."""
    client = Client(enforce_csrf_checks=True)
    if member is not None and member.is_authenticated:
        client.force_login(member)
    return client


def csrf_token(client: Client) -> str:
    """The token a page's forms carry (the cookie's value, as Django's template tag sends)."""
    if "csrftoken" not in client.cookies:
        client.get("/newsroom/login/")
    return client.cookies["csrftoken"].value


def post(client: Client, path: str, data: dict | None = None, **kwargs):
    return client.post(path, {**(data or {}), "csrfmiddlewaretoken": csrf_token(client)}, **kwargs)


def save_as_a_browser(client: Client, story: Story, **changes):
    """The edit form saved with `changes` typed in, sent as a browser sends it: percent-encoded
    (three bytes on the wire for some characters), where the test client would send multipart."""
    data = {**form_data(story, **changes), "csrfmiddlewaretoken": csrf_token(client)}
    return client.post(
        f"/newsroom/stories/{story.pk}/",
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
    )


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def story_in(newsroom, status: str, **fields) -> Story:
    """A story of the reporter's in the English edition, brought to `status` by the system."""
    story = actions.create_story(
        edition=newsroom["en"],
        headline=fields.pop("headline", "Dam opens on the river"),
        lead=fields.pop("lead", "Water flows through the new dam."),
        body=fields.pop("body", "The second paragraph.\n\n## Next\n\nThe third paragraph."),
        by=newsroom["reporter"],
        section=fields.pop("section", newsroom["world"]),
        **fields,
    )
    if status in (Status.SUBMITTED, Status.APPROVED):
        actions.submit_story(story)
    if status == Status.APPROVED:
        actions.approve_story(story)
    if status == Status.PUBLISHED:
        actions.publish_story(story)
    if status == Status.SCHEDULED:
        actions.schedule_story(story, at=timezone.now() + SOON)
    story.refresh_from_db()
    return story


def form_data(story: Story, **changes) -> dict:
    """What the edit screen's form sends for `story` unchanged, with `changes` typed in."""
    data = {
        "headline": story.headline,
        "dateline_place": story.dateline_place,
        "dateline_date": story.dateline_date.isoformat() if story.dateline_date else "",
        "dateline_source": story.dateline_source,
        "byline": story.byline,
        "lead": story.lead,
        "body": story.body,
        "tags": ", ".join(tag.name for tag in story.tags.all()),
        "section": story.section_id or "",
        "base_version": story.version,
        "base_section": story.section_id or "",
        "opened_public": Story.objects.public().filter(pk=story.pk).exists(),
        "action": "save",
    }
    data.update(changes)
    return data
