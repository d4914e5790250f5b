"""Upload partner copy: a ninjs or NewsML-G2 item (or a text story, or Reuters SGML) becomes an
Incoming draft, as `dateline import` makes it (decision 0028)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from dateline.copy import MAX_TEXT_BYTES, CopyError
from dateline.copy.characters import printable_name
from dateline.copy.files import parse_upload
from dateline.newsroom.access import forbidden, member_editions, member_required
from dateline.newsroom.forms import UploadForm
from dateline.stories.importing import (
    AlreadyImported,
    ImportTarget,
    import_stories,
    withdrawal_note,
)
from dateline.stories.models import StoryChange
from dateline.stories.workflow import NotAllowed, require_allowed

# An upload is one item, one text story or a small Reuters SGML file; archives go through
# `dateline import`.
MAX_UPLOAD_BYTES = MAX_TEXT_BYTES
MAX_MESSAGES = 10  # one per story; a file of many stories gets a count for the rest


@require_POST
@member_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", ["Choose a file to upload."]):
            messages.error(request, error)
        return redirect("newsroom:new")
    editions = list(member_editions(request.user))
    try:
        for edition in editions:
            require_allowed(request.user, StoryChange.Action.CREATED, edition=edition)
    except NotAllowed as refusal:
        return forbidden(request, str(refusal))
    if not editions:
        return forbidden(request, "You work on no edition, so there is nowhere to put the copy.")
    upload = form.cleaned_data["file"]
    name = printable_name(upload.name or "upload")
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    try:
        if len(data) > MAX_UPLOAD_BYTES:
            raise CopyError(f"{name}: over the {MAX_UPLOAD_BYTES // (1024 * 1024)} MB upload limit")
        result = parse_upload(data, name=name, now=timezone.now())
    except CopyError as error:
        messages.error(request, str(error) + withdrawal_note(error))
        return redirect("newsroom:new")
    if not result.stories:  # a Reuters file of briefs only: said, as `dateline import` says it
        briefs = len(result.without_body)
        without = f" ({briefs:,} without a body)" if briefs else ""
        messages.error(request, f"{name}: no story in it{without}")
        return redirect("newsroom:new")
    target = ImportTarget(
        edition=None,
        section=None,
        publish=False,
        editions_by_language={edition.language: edition for edition in reversed(editions)},
        default_edition=editions[0],
    )
    outcomes = list(import_stories(result.stories, target))
    for outcome in outcomes[:MAX_MESSAGES]:
        headline = outcome.parsed.headline
        if outcome.story is not None:
            done = "updated to the partner's newer version" if outcome.updated else "imported"
            messages.success(request, f"“{headline}” {done}: it waits in Incoming.")
        elif isinstance(outcome.skipped, AlreadyImported):
            messages.info(request, f"“{headline}” is here already ({outcome.skipped}).")
        else:
            messages.error(request, f"“{headline}” was not imported: {outcome.skipped}")
    if len(outcomes) > MAX_MESSAGES:
        stored = sum(1 for outcome in outcomes[MAX_MESSAGES:] if outcome.story is not None)
        rest = len(outcomes) - MAX_MESSAGES
        messages.info(request, f"And {rest:,} more stories in {name}, {stored:,} of them imported.")
    # What reading the file changed (bytes not UTF-8 replaced, an encoding guessed, direction
    # controls removed): the imported text is to be checked against the partner's.
    imported = [outcome.parsed for outcome in outcomes if outcome.story is not None]
    warnings = [*result.warnings, *(w for parsed in imported for w in parsed.warnings)]
    for warning in warnings[:MAX_MESSAGES]:
        messages.warning(request, warning)
    if len(warnings) > MAX_MESSAGES:
        messages.warning(request, f"And {len(warnings) - MAX_MESSAGES:,} more warnings.")
    return redirect("newsroom:incoming")
