"""Partner copy in over HTTP (issue 9, item 7): `POST /api/v1/incoming` with a key that has
inbound access makes an Incoming draft with its source, the same item twice is one draft, and
hostile or broken input is a 4xx with a clear message, never a 500, with nothing stored."""

import json
import re
import threading

import pytest
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test import Client

from dateline.stories.models import Status, Story, StoryChange
from dateline.wire.models import AccessLogEntry
from dateline.wire.subscribers import add_subscriber, revoke
from tests.factories import PARTNER_NINJS_ITEM

NEWSML_TYPE = "application/vnd.iptc.g2.newsitem+xml"
NEWSML = b"""<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:afp.com:20261126:1"
  version="2" standard="NewsML-G2" standardversion="2.35" xml:lang="en">
  <itemMeta><itemClass qcode="ninat:text"/><provider literal="AFP"/>
    <versionCreated>2026-11-26T10:00:00Z</versionCreated><pubStatus qcode="stat:usable"/>
  </itemMeta>
  <contentMeta><headline>Rail line opens</headline></contentMeta>
  <contentSet><inlineXML contenttype="application/xhtml+xml">
    <html xmlns="http://www.w3.org/1999/xhtml"><body>
      <p>PARIS, 26 nov 2026 (AFP) - The line opened on Thursday.</p><p>A second paragraph.</p>
    </body></html>
  </inlineXML></contentSet>
</newsItem>"""


@pytest.fixture
def partner(editions):
    return add_subscriber("SANA", inbound=True)


def send(key: str | None, body: bytes, content_type: str = "application/json", **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return Client(**headers).post("/api/v1/incoming", data=body, content_type=content_type, **extra)


def test_a_ninjs_item_becomes_one_incoming_draft_with_its_source(partner, editions):
    response = send(partner.api_key, json.dumps(PARTNER_NINJS_ITEM).encode())
    assert response.status_code == 201, response.content
    story = Story.objects.get()
    assert response.json() == {"id": story.pk, "status": "imported"}
    assert (story.status, story.owner) == (Status.DRAFT, None)
    assert story.source_name == "SANA: urn:partner:sana:9 (version 1)"
    assert "script" not in story.body_html and "alert" not in story.body_html
    again = send(partner.api_key, json.dumps(PARTNER_NINJS_ITEM).encode())
    assert again.status_code == 200
    assert again.json() == {"id": story.pk, "status": "already imported"}
    assert Story.objects.count() == 1
    newer = send(partner.api_key, json.dumps({**PARTNER_NINJS_ITEM, "version": "2"}).encode())
    assert newer.json() == {"id": story.pk, "status": "updated"}
    assert Story.objects.count() == 1
    assert list(AccessLogEntry.objects.order_by("pk").values_list("status", "items")) == [
        (201, 1),
        (200, 1),
        (200, 1),
    ]


def test_a_newsml_item_goes_to_the_edition_of_its_language(partner, editions):
    en, _fa = editions
    response = send(partner.api_key, NEWSML, NEWSML_TYPE)
    assert response.status_code == 201, response.content
    story = Story.objects.get(pk=response.json()["id"])
    assert story.edition == en and story.headline == "Rail line opens"
    assert story.source_name.startswith("AFP: urn:newsml:afp.com:20261126:1")
    assert send(partner.api_key, NEWSML, "text/xml; charset=utf-8").status_code == 200


def test_only_a_valid_key_with_inbound_access_may_send(partner, editions):
    body = json.dumps(PARTNER_NINJS_ITEM).encode()
    assert send(None, body).status_code == 401
    assert send("dlw_000000000000_wrong", body).status_code == 401
    reader = add_subscriber("Reads Only")
    refused = send(reader.api_key, body)
    assert refused.status_code == 403
    assert "may not send copy in" in refused.json()["detail"]
    revoke(partner.subscriber)
    assert send(partner.api_key, body).status_code == 401
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        (
            json.dumps(PARTNER_NINJS_ITEM).replace('"1"', "1" * 4301).encode(),
            "application/json",
            400,
            "the item: not valid JSON (a number of 4,301 digits, too long to read)",
        ),
        (
            json.dumps({**PARTNER_NINJS_ITEM, "version": float("nan")}).encode(),
            "application/json",
            400,
            "the item: not valid JSON (NaN is not a JSON number)",
        ),
        (b'{"uri": "urn:x", "headlines": [', "application/json", 400, "not valid JSON"),
        (b"\xff\xfe{}", "application/json", 400, "not UTF-8"),
        (b"[1, 2]", "application/json", 400, "not a ninjs item"),
        (b" \n", "application/json", 400, "empty"),
        (b'{"uri": "urn:x"}', "application/json", 400, "headline"),
        (
            json.dumps({**PARTNER_NINJS_ITEM, "bodies": []}).encode(),
            "application/json",
            400,
            "body",
        ),
        (b"<newsItem", NEWSML_TYPE, 400, "not well-formed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
            b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">&a;</newsItem>',
            NEWSML_TYPE,
            400,
            "DTD",
        ),
        (b"<feed/>", "application/xml", 400, "not a NewsML-G2 newsItem"),
        (json.dumps(PARTNER_NINJS_ITEM).encode(), "text/plain", 415, "is not taken"),
        (
            json.dumps(PARTNER_NINJS_ITEM).encode(),
            "multipart/form-data; boundary=x",
            415,
            "is not taken",
        ),
        (b"{" + b" " * (5 * 1024 * 1024 + 1) + b"}", "application/json", 413, "5 MB limit"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "nested too deeply"),
        (
            json.dumps({**PARTNER_NINJS_ITEM, "embargoedUntil": "tomorrow"}).encode(),
            "application/json",
            400,
            "the embargo time 'tomorrow' is not an ISO 8601 time",
        ),
        (
            json.dumps(
                {**PARTNER_NINJS_ITEM, "bodies": [{"value": "<p>" + "word " * 1000 + "</p>"}]}
            ).encode(),
            "application/json",
            400,
            "not imported: The lead is 4,999 characters; 3,000 is the limit.",
        ),
    ],
    ids=[
        "huge-number",
        "nan",
        "broken-json",
        "not-utf8",
        "json-array",
        "empty",
        "no-headline",
        "no-body",
        "broken-xml",
        "entity-bomb",
        "not-newsml",
        "text-plain",
        "multipart",
        "huge",
        "nested-deep",
        "unreadable-embargo",
        "lead-too-long",
    ],
)
def test_hostile_input_is_a_clear_4xx_and_stores_nothing(
    partner, body, content_type, status, message
):
    response = send(partner.api_key, body, content_type)
    assert response.status_code == status, response.content
    assert message in response.json()["detail"]
    assert not Story.objects.exists()
    assert list(AccessLogEntry.objects.values_list("status", "items")) == [(status, 0)]


def test_a_chunked_body_is_asked_for_again_with_its_length(partner):
    """Through a server, a chunked request has no Content-Length, and a WSGI application reads
    no body without one: the item would be refused as empty, which sends the partner looking
    in the wrong place. (The test client always sets a length: the request is made here.)"""
    from django.test import RequestFactory

    from dateline.wire import incoming

    body = json.dumps(PARTNER_NINJS_ITEM).encode()
    request = RequestFactory().post("/api/v1/incoming", body, content_type="application/json")
    del request.META["CONTENT_LENGTH"]
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    status, answer = incoming.receive(request, partner.subscriber)
    assert (status, answer["detail"]) == (
        411,
        "Send the item with a Content-Length header (not chunked)",
    )
    assert not Story.objects.exists()


def test_a_surrogate_in_a_headline_is_left_out_not_a_500(partner):
    item = json.dumps({**PARTNER_NINJS_ITEM, "headline": "Dam\ud800 opens"}).encode()
    assert b"\\ud800" in item
    response = send(partner.api_key, item)
    assert response.status_code == 201, response.content
    assert Story.objects.get().headline == "Dam opens"


def test_a_partners_embargo_stays_with_its_draft_which_cannot_be_published_before_it(
    partner, editions
):
    """The draft was published at once and sent out `usable` hours before the partner's
    embargo: the embargo is kept and publishing or scheduling sooner is refused, naming the
    time and the way (an embargo, which sends it to subscribers marked embargoed)."""
    import datetime

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from dateline.stories.actions import embargo_story, publish_story, schedule_story
    from dateline.wire.items import ninjs_item

    until = (timezone.now() + datetime.timedelta(hours=10)).replace(microsecond=0)
    held = {**PARTNER_NINJS_ITEM, "pubStatus": "withheld", "embargoedUntil": until.isoformat()}
    story = Story.objects.get(pk=send(partner.api_key, json.dumps(held).encode()).json()["id"])
    assert (story.status, story.embargo_until) == (Status.DRAFT, until)
    shown = f"{until:%Y-%m-%d %H:%M} (UTC+00:00)"  # the test's clock is UTC
    with pytest.raises(ValidationError, match=re.escape(f"under embargo until {shown}")):
        publish_story(story)
    with pytest.raises(ValidationError, match="it may reach readers no sooner"):
        schedule_story(story, at=until - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="it may reach readers no sooner"):
        embargo_story(story, until=until - datetime.timedelta(hours=1))  # no sooner either
    story.refresh_from_db()
    assert (story.status, story.embargo_until) == (Status.DRAFT, until)  # nothing half-written
    story = embargo_story(story, until=until)
    item = ninjs_item(story)
    assert (item["pubStatus"], item["embargoedUntil"]) == ("withheld", until.isoformat()[:19] + "Z")
    assert not Story.objects.public().exists()


def test_a_newer_version_moves_or_lifts_the_embargo_of_the_draft(partner, editions):
    import datetime

    from django.utils import timezone

    from dateline.stories.actions import publish_story

    later = (timezone.now() + datetime.timedelta(hours=10)).replace(microsecond=0)
    held = {**PARTNER_NINJS_ITEM, "pubStatus": "withheld", "embargoedUntil": later.isoformat()}
    code = send(partner.api_key, json.dumps(held).encode()).json()["id"]
    released = {**PARTNER_NINJS_ITEM, "version": "2"}
    assert send(partner.api_key, json.dumps(released).encode()).json()["status"] == "updated"
    story = Story.objects.get(pk=code)
    assert story.embargo_until is None
    assert publish_story(story).status == Status.PUBLISHED


def test_an_item_with_a_long_uri_sent_again_is_already_imported(partner, editions):
    """The version was cut off the end of a long source name, so the same version counted as
    newer at every push and piled up revisions."""
    item = {**PARTNER_NINJS_ITEM, "uri": "urn:partner:sana:" + "x" * 300, "version": "2"}
    first = send(partner.api_key, json.dumps(item).encode())
    assert first.status_code == 201
    for _ in range(2):
        assert send(partner.api_key, json.dumps(item).encode()).json()["status"] == (
            "already imported"
        )
    assert Story.objects.get().version == 1


def test_a_version_of_thousands_of_digits_is_a_400_not_a_500(partner, editions):
    item = {**PARTNER_NINJS_ITEM, "version": "9" * 5000}
    refused = send(partner.api_key, json.dumps(item).encode())
    assert refused.status_code == 400
    assert "the version 99999999999999999999… has 5,000 digits" in refused.json()["detail"]
    assert not Story.objects.exists()


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads writing at once need PostgreSQL; on SQLite one writer holds the database",
)


def push_at_once(key: str, bodies: list[bytes]) -> list[tuple[int, str]]:
    """Each body sent from a thread of its own, all let go at once: (status, "status")."""
    start = threading.Barrier(len(bodies))
    answers: list[tuple[int, str]] = []
    failures: list[BaseException] = []

    def push(body):
        try:
            start.wait()
            response = send(key, body)
            answers.append((response.status_code, response.json().get("status", "")))
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=push, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    return answers


def versions(item: dict, *numbers: int) -> list[bytes]:
    return [json.dumps({**item, "version": str(number)}).encode() for number in numbers]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_versions_sent_at_once_end_as_the_newest(editions):
    """Version 1, then 9 and 2 to 8 at once: whatever their order, every call is answered 200
    and the draft ends at version 9, its versions applied in increasing order."""
    key = add_subscriber("SANA", inbound=True).api_key
    for race in range(3):
        item = {**PARTNER_NINJS_ITEM, "uri": f"urn:partner:sana:race:{race}"}
        assert send(key, json.dumps(item).encode()).status_code == 201
        answers = push_at_once(key, versions(item, 9, *range(2, 9)))
        assert {status for status, _ in answers} == {200}
        story = Story.objects.get(source_id=f"partner:{item['uri']}")
        assert story.source_name.endswith("(version 9)")
        notes = StoryChange.objects.filter(story=story, action="edited").order_by("pk")
        applied = [int(note.rsplit(" ", 1)[1]) for note in notes.values_list("note", flat=True)]
        assert applied == sorted(applied) and applied[-1] == 9
        assert answers.count((200, "updated")) == len(applied)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_first_two_versions_sent_at_once_end_as_the_newer(editions):
    """Neither stored yet: the one whose draft is made second was answered 'already imported'
    and dropped, even when it was the newer."""
    key = add_subscriber("SANA", inbound=True).api_key
    for race in range(10):
        item = {**PARTNER_NINJS_ITEM, "uri": f"urn:partner:sana:first:{race}"}
        answers = push_at_once(key, versions(item, 1, 9))
        assert (201, "imported") in answers
        story = Story.objects.get(source_id=f"partner:{item['uri']}")
        assert story.source_name.endswith("(version 9)"), answers


def test_a_withdrawal_of_an_item_that_made_a_story_names_the_story(partner, editions, tmp_path):
    """The partner's withdrawal is its kill: refused as an item, it names the story an earlier
    version made (out on the wire, perhaps), until that story is killed."""
    import io

    from django.core.management import call_command

    from dateline.stories.actions import kill_story, publish_story

    first = send(partner.api_key, json.dumps(PARTNER_NINJS_ITEM).encode())
    story = publish_story(first.json()["id"])
    withdrawn = json.dumps({**PARTNER_NINJS_ITEM, "version": "2", "pubStatus": "canceled"})
    refused = send(partner.api_key, withdrawn.encode())
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "the item: the partner has withdrawn this item (pubStatus canceled); it made story "
        f"{story.pk}, which is published: kill it if it must go"
    )
    path = tmp_path / "withdrawn.json"
    path.write_text(withdrawn)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(path), stdout=io.StringIO(), stderr=err)
    assert f"; it made story {story.pk}, which is published: kill it if it must go" in (
        err.getvalue()
    )
    kill_story(story, reason="The partner withdrew it.")
    assert send(partner.api_key, withdrawn.encode()).json()["detail"] == (
        "the item: the partner has withdrawn this item (pubStatus canceled)"
    )
