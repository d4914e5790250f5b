"""Partner copy pushed in over HTTP (`POST /api/v1/incoming`): one ninjs or NewsML-G2 item
becomes an Incoming draft through the same path as `dateline import` and the newsroom upload
(decision 0028); the sender is a subscriber whose key has inbound access (decision 0031)."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema

from dateline.copy import CopyError
from dateline.copy.partner import MAX_PARTNER_BYTES, parse_newsml, parse_ninjs
from dateline.editions.models import Edition
from dateline.stories.importing import (
    AlreadyImported,
    ImportTarget,
    NotApplied,
    import_stories,
    source_id_of,
    withdrawal_note,
)
from dateline.stories.models import Story
from dateline.wire.models import Subscriber

MAX_BYTES = MAX_PARTNER_BYTES
PARSERS = {
    "application/json": parse_ninjs,
    "application/ninjs+json": parse_ninjs,
    "application/vnd.iptc.g2.newsitem+xml": parse_newsml,
    "application/xml": parse_newsml,
    "text/xml": parse_newsml,
}


class Received(Schema):
    id: int = Field(description="The Incoming draft's id (its story code).")
    status: str = Field(description="imported, updated (a newer version), or already imported")


class Refusal(Schema):
    detail: str


# 400: the item cannot be read or is not one we take; 403: the key has no inbound access;
# 409: the newer version of a draft an editor has taken up; 413: over the size limit; 415:
# neither JSON nor XML.
REFUSALS = {400: Refusal, 403: Refusal, 409: Refusal, 411: Refusal, 413: Refusal, 415: Refusal}


def receive(request: HttpRequest, subscriber: Subscriber) -> tuple[int, dict]:
    """(the HTTP status, the answer) for the item in the request's body."""
    media_type = request.content_type.split(";")[0].strip().lower()
    parse = PARSERS.get(media_type)
    if parse is None:
        return 415, {
            "detail": f"Content-Type {media_type[:100] or '(none)'!r} is not taken: send "
            "application/json (ninjs) or application/vnd.iptc.g2.newsitem+xml (NewsML-G2)"
        }
    if "CONTENT_LENGTH" not in request.META and "HTTP_TRANSFER_ENCODING" in request.META:
        # A WSGI application reads a body by its length: a chunked one would read as empty.
        return 411, {"detail": "Send the item with a Content-Length header (not chunked)"}
    too_big = {"detail": f"The item is over the {MAX_BYTES // (1024 * 1024)} MB limit"}
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES:
            return 413, too_big
    except ValueError:
        return 400, {"detail": "The Content-Length header is not a number"}
    data = request.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return 413, too_big
    try:
        parsed = parse(data, name="the item", now=timezone.now())
    except CopyError as error:
        return 400, {"detail": str(error) + withdrawal_note(error)}
    [outcome] = import_stories([parsed], _target(subscriber))
    if outcome.story is not None:
        done = "updated" if outcome.updated else "imported"
        return (200 if outcome.updated else 201), {"id": outcome.story.pk, "status": done}
    if isinstance(outcome.skipped, AlreadyImported):
        story = Story.objects.filter(source_id=source_id_of(parsed)).first()
        if story is not None:
            return 200, {"id": story.pk, "status": "already imported"}
    # Only a sound item the newsroom has taken up is a conflict; any other is refused.
    status = 409 if isinstance(outcome.skipped, NotApplied) else 400
    return status, {"detail": f"not imported: {outcome.skipped}"}


def _target(subscriber: Subscriber) -> ImportTarget:
    """The subscriber's editions (all when it has none): the one of the item's language, else
    the default one."""
    editions = list(subscriber.editions.all()) or list(Edition.objects.all())
    default = next((edition for edition in editions if edition.is_default), None)
    return ImportTarget(
        edition=None,
        section=None,
        publish=False,
        editions_by_language={edition.language: edition for edition in reversed(editions)},
        default_edition=default or (editions[0] if editions else None),
    )
