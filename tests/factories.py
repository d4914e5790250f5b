"""Building blocks for tests: real rows made through the real actions."""

import datetime
import itertools

from django.utils import timezone

from dateline.comments.models import Comment, Status
from dateline.editions.models import Edition, FollowLink
from dateline.stories.actions import create_story, publish_story, schedule_story
from dateline.stories.models import Section, Story
from dateline.stories.tagging import tags_for

_numbers = itertools.count(1)

# A partner's ninjs item, as the wire's inbound API and the newsroom's upload take it: Arabic,
# with a script and an image with an event handler in its body, which must never survive.
PARTNER_NINJS_ITEM = {
    "uri": "urn:partner:sana:9",
    "version": "1",
    "language": "ar",
    "copyrightHolder": "SANA",
    "headlines": [{"value": "افتتاح خط سكة حديد"}],
    "bodies": [
        {
            "contentType": "text/html",
            "value": "<p>دمشق-سانا افتتح الخط اليوم.<script>alert(1)</script></p>"
            '<p><img src=x onerror="alert(2)">فقرة ثانية.</p>',
        }
    ],
}


def make_edition(code: str = "en", language: str | None = None, **fields) -> Edition:
    edition = Edition.objects.create(
        code=code,
        name=fields.pop("name", f"Edition {code}"),
        language=language or code,
        is_default=fields.pop("is_default", code == "en"),
        **fields,
    )
    FollowLink.objects.create(
        edition=edition,
        network="Twitter",
        handle=f"@Dateline{code.upper()}",
        url=f"https://twitter.com/Dateline{code.upper()}",
    )
    return edition


def make_section(edition: Edition, slug: str = "politics", name: str | None = None) -> Section:
    return Section.objects.create(edition=edition, slug=slug, name=name or slug.title())


def make_story(
    edition: Edition,
    *,
    headline: str | None = None,
    section: Section | None = None,
    tags: tuple[str, ...] = (),
    published: bool = True,
    published_at: datetime.datetime | None = None,
    **fields,
) -> Story:
    story = create_story(
        edition=edition,
        headline=headline or f"Story number {next(_numbers)}",
        lead=fields.pop("lead", "A lead paragraph that says what happened."),
        body=fields.pop("body", "A second paragraph.\n\n## A sub-heading\n\nA third paragraph."),
        section=section,
        tags=tags_for(("keyword", name) for name in tags),
        **fields,
    )
    if published:
        at = published_at or timezone.now() - datetime.timedelta(minutes=5)
        if at > timezone.now():  # a future time is a schedule, released by the worker
            schedule_story(story, at=at)
        else:
            publish_story(story, at=at)
    return story


def make_member(username: str, role: str, editions: tuple[Edition, ...] = (), **fields):
    """A newsroom member with a role, working on `editions`."""
    from dateline.accounts.models import User

    member = User.objects.create_user(
        username=username, password=fields.pop("password", "correct horse battery"), **fields
    )
    member.role = role
    member.save(update_fields=["role"])
    member.editions.set(editions)
    return member


def make_pending_comment(story: Story, text: str) -> Comment:
    """A reader's comment on `story`, waiting for a moderator (as the form leaves it when the
    edition moderates first)."""
    return Comment.objects.create(
        story=story,
        story_version=story.version,
        name="Maryam",
        email="maryam@example.org",
        text=text,
        text_html=f"<p>{text}</p>",
        status=Status.PENDING,
    )
