"""Writing and moving one story: the new-story and edit screens, the workflow buttons, the
conflict screen, the live preview and the private preview, presence.

Each view reads the request, calls one action of `stories.actions` with `by=request.user`
(the actions hold the rules) and shows what came back: ValidationError on the form's fields,
NotAllowed as a 403 page, IllegalTransition as a message (409), EditConflict as the conflict
screen (409).
"""

import types
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dateline.copy import CopyError, parse_text
from dateline.copy.characters import (
    has_visible_character,
    strip_bidi_controls,
    without_controls,
)
from dateline.discovery.related import explained, related_stories
from dateline.newsroom import presence, sent_once
from dateline.newsroom.access import (
    NO_STORE,
    forbidden,
    member_editions,
    member_required,
    story_for,
)
from dateline.newsroom.forms import (
    CommentPolicyForm,
    EmbargoForm,
    KillForm,
    NoteForm,
    PasteForm,
    RelatedChoiceForm,
    ScheduleForm,
    StoryForm,
    TakeForm,
    TranslationForm,
    UploadForm,
    edition_zone,
    local_input_value,
    parse_in_zone,
)
from dateline.newsroom.merging import reapply
from dateline.newsroom.templatetags.newsroom import member_name
from dateline.newsroom.translations import candidates, versions_of
from dateline.newsroom.views.refused import keeps_typed_text
from dateline.site.chrome import site_chrome
from dateline.site.templating import dateline_of
from dateline.stories import actions
from dateline.stories.content import clean_content
from dateline.stories.models import Status, Story, StoryChange, Tag
from dateline.stories.rendering import render_body
from dateline.stories.revisions import CONTENT_FIELDS, difference, revision_of
from dateline.stories.tagging import tag_key, tags_for
from dateline.stories.workflow import (
    EditConflict,
    IllegalTransition,
    NotAllowed,
    offered_actions,
    require,
)

Action = StoryChange.Action


@dataclass(frozen=True)
class Move:
    """A workflow button: its URL word and label, its form (whose fields are the action's keyword
    arguments: note, at, until, reason), the action, and what the message says it did."""

    slug: str
    button: str
    form: type
    change: Callable[..., Story]
    done: str


MOVES = {
    Action.TAKEN: Move("take", "Take", TakeForm, actions.take_story, "taken up: it is yours"),
    Action.SUBMITTED: Move(
        "submit",
        "Submit to the editors",
        NoteForm,
        actions.submit_story,
        "submitted to the editors",
    ),
    Action.APPROVED: Move("approve", "Approve", NoteForm, actions.approve_story, "approved"),
    Action.PUBLISHED: Move("publish", "Publish now", NoteForm, actions.publish_story, "published"),
    Action.SCHEDULED: Move(
        "schedule", "Schedule", ScheduleForm, actions.schedule_story, "scheduled"
    ),
    Action.EMBARGOED: Move("embargo", "Embargo", EmbargoForm, actions.embargo_story, "embargoed"),
    Action.UNPUBLISHED: Move(
        "unpublish", "Unpublish", NoteForm, actions.unpublish_story, "unpublished"
    ),
    Action.KILLED: Move("kill", "Kill", KillForm, actions.kill_story, "killed"),
    Action.COMMENTS: Move(
        "comments",
        "Set comment policy",
        CommentPolicyForm,
        actions.set_comment_policy,
        "given its comment policy",
    ),
    Action.LINKED: Move(
        "link",
        "Link",
        TranslationForm,
        actions.link_translation,
        "linked with its translation",
    ),
    Action.UNLINKED: Move(
        "unlink",
        "Unlink from its translations",
        NoteForm,
        actions.unlink_translation,
        "unlinked from its translations",
    ),
    Action.RELATED: Move(
        "related",
        "Save the choice",
        RelatedChoiceForm,
        actions.choose_related,
        "given its Related News choice",
    ),
}
MOVE_BY_SLUG = {move.slug: action for action, move in MOVES.items()}
# Shown in the Translations box, not among the workflow buttons.
TRANSLATION_MOVES = frozenset({Action.LINKED, Action.UNLINKED})
BOXED_MOVES = TRANSLATION_MOVES | {Action.RELATED}  # the Related News box has its own
CLASH_HELP = "You both changed this. Your text is here; theirs is in the changes above."
CORRECTION_NOT_SAVED = (
    "Not saved: Save keeps no correction note. Press “Save as correction” to show it to "
    "readers, or empty this box to save without one."
)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = NO_STORE
    return response


def _put_errors(form, error: ValidationError, aliases: dict | None = None) -> None:
    """An action's ValidationError onto the form: by field where the form has it."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, problems in error.message_dict.items():
        name = aliases.get(name, name)
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def _tags(form: StoryForm, story: Story | None = None):
    known = _known_tags(story) if story is not None else None
    return tags_for((("keyword", name) for name in form.tag_names()), known)


def _known_tags(story: Story) -> dict[str, Tag]:
    """The story's tags by the keys their names make (`tag_key`): its own tags are the
    keywords their names, as the form shows them, are typed as, even one left without a key
    of its own (named as an older tag: migration 0011)."""
    return {tag_key(tag.name): tag for tag in story.tags.all()}


# --- the edit screen ---------------------------------------------------------------------------


def _move_forms(story: Story, offers, bound: dict | None = None) -> list[dict]:
    bound = bound or {}
    forms = []
    for offer in offers:
        move = MOVES.get(offer.action)
        if move is None:
            continue
        form = bound.get(offer.action)
        if form is None:
            initial = {}
            if offer.action == Action.SCHEDULED and story.status == Status.SCHEDULED:
                initial["at"] = local_input_value(story.published_at, story.edition)
            if offer.action == Action.COMMENTS:
                initial["policy"] = story.comment_policy
            if offer.action == Action.TAKEN:
                initial["owner"] = story.owner_id or "none"
            if offer.action == Action.EMBARGOED and story.is_embargoed:
                initial["until"] = local_input_value(story.embargo_until, story.edition)
            form = move.form(initial=initial, prefix=move.slug)
        button = move.button
        if offer.action == Action.TAKEN and story.owner is not None:
            button = f"Take over from {member_name(story.owner)}"  # not silently someone's
        if "note" in form.fields:  # one label each, for whoever reaches it by its label alone
            form.fields["note"].label = f"{button}: note (optional)"
        forms.append(
            {
                "slug": move.slug,
                "button": button,
                "form": form,
                "url": reverse("newsroom:move", args=[story.pk, move.slug]),
            }
        )
    return forms


def _edit_page(
    request: HttpRequest,
    story: Story,
    *,
    form: StoryForm | None = None,
    bound_moves: dict | None = None,
    preview=None,
    error: str = "",
    status: int = 200,
    refused_save: bool = False,
) -> HttpResponse:
    """`refused_save`: `form` holds a save the story no longer allows (it moved on since the
    page was opened); its text is shown read-only, to copy, rather than the story's."""
    offers = offered_actions(request.user, story)
    offered = {offer.action for offer in offers}
    public = _is_public(story)
    if form is None:
        form = StoryForm(initial=StoryForm.initial_for(story, public=public), story=story)
    can_edit = Action.EDITED in offered or Action.CORRECTED in offered
    if not can_edit:
        for field in form.fields.values():
            if refused_save:
                field.widget.attrs["readonly"] = True
            else:
                field.disabled = True
    others = presence.touch(story.pk, request.user)
    query = request.GET.get("find_translation", "")
    can_link = Action.LINKED in offered
    moves = _move_forms(story, [o for o in offers if o.action not in BOXED_MOVES], bound_moves)
    translation_moves = _move_forms(
        story, [o for o in offers if o.action in TRANSLATION_MOVES], bound_moves
    )
    related_moves = _move_forms(
        story, [o for o in offers if o.action == Action.RELATED], bound_moves
    )
    context = {
        "title": story.headline,
        "story": story,
        "form": form,
        "can_edit": can_edit,
        "can_save": Action.EDITED in offered,
        "can_correct": Action.CORRECTED in offered,
        "can_restore": Action.RESTORED in offered,
        "moves": moves,
        "translation_moves": translation_moves,
        "versions": versions_of(story, request.user),
        "related_lines": explained(story),
        "related_moves": related_moves,
        # A button refused (a time passed, no reason given): said at the top, where the page
        # opens, not only beside the button, far below the form on a phone.
        "refused_move": next(
            (m for m in moves + translation_moves + related_moves if m["form"].errors), None
        ),
        "translation_query": query,
        "candidates": candidates(story, request.user, query) if can_link else [],
        "others": others,
        "zone": edition_zone(story.edition),
        "preview": preview,
        "error": error,
        "is_public": public,
        "corrections": list(story.corrections.order_by("at")),
        "last_change": story.changes.select_related("actor").order_by("-id").first(),
        "heartbeat": presence.HEARTBEAT_SECONDS,
    }
    return _no_store(render(request, "newsroom/edit.html", context, status=status, using="django"))


def _typed_language(request: HttpRequest, data: dict) -> str:
    """The language typed content is in: as the form says (the story's, a pasted copy's),
    else that of the edition chosen for it, as `create_story` would give it."""
    edition = data.get("edition")
    return request.POST.get("language", "") or getattr(edition, "language", "")


def _preview_of(data: dict, language: str):
    """What the preview pane shows for typed (unsaved) content: without the direction and
    other control characters saving removes (stories.content), which would show the text in
    an order the story will not have."""

    def typed(name: str) -> str:
        return without_controls(strip_bidi_controls(data.get(name) or "")[0])

    text = types.SimpleNamespace(
        headline=" ".join(typed("headline").split()),
        lead=typed("lead").strip(),
        dateline_place=" ".join(typed("dateline_place").split()),
        dateline_date=data.get("dateline_date") or None,
        dateline_source=" ".join(typed("dateline_source").split()),
        byline=" ".join(typed("byline").split()),
        language=language or "en",
    )
    text.dateline = dateline_of(text)
    text.body_html = render_body(typed("body"))
    return text


def _unknown_action(wanted: str) -> HttpResponseBadRequest:
    """A form's button the screen does not have (a crafted or mangled request): nothing done,
    rather than read as the screen's first button."""
    return HttpResponseBadRequest(
        f"No such button on this screen: {wanted[:40]!r}; nothing done.\n",
        content_type="text/plain; charset=utf-8",  # never markup: the text is the sender's
    )


@keeps_typed_text
@member_required
def edit(request: HttpRequest, code: int) -> HttpResponse:
    story = story_for(request, code)
    if request.method == "GET":
        return _edit_page(request, story)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = StoryForm(request.POST, story=story)
    wanted = request.POST.get("action", "save")
    if wanted not in ("save", "correct", "preview"):
        return _unknown_action(wanted)
    if wanted == "preview":
        form.is_valid()  # for cleaned dates; the preview shows what was typed, errors or not
        data = {**request.POST.dict(), **getattr(form, "cleaned_data", {})}
        return _edit_page(request, story, form=form, preview=_preview_of(data, story.language))
    if not form.is_valid():
        return _edit_page(request, story, form=form)
    base_version = form.cleaned_data["base_version"]
    section = form.cleaned_data["section"]
    try:
        if wanted == "correct":
            if section != story.section:
                form.add_error("section", "A correction keeps the section: save the move first.")
                return _edit_page(request, story, form=form)
            saved = actions.correct_story(
                story.pk,
                note=form.cleaned_data["correction_note"],
                by=request.user,
                base_version=base_version,
                tags=_tags(form, story),
                **form.content(),
            )
            messages.success(request, f"Corrected: version {saved.version}, with the note.")
        else:
            if has_visible_character(form.cleaned_data["correction_note"]):
                # Saved without it, readers would see the change and no word of a correction.
                form.add_error("correction_note", CORRECTION_NOT_SAVED)
                return _edit_page(request, story, form=form)
            if _unchanged(story, form) and base_version == story.version:
                messages.info(request, "Nothing changed, so nothing was saved.")
                return redirect("newsroom:edit", code=story.pk)
            # Unless a newer version landed as well: the conflict screen then says what to check.
            # Said to whoever may save it again: to a reporter the action says an editor has it.
            published_since = not form.cleaned_data["opened_public"] and _is_public(story)
            may_save = any(o.action == Action.EDITED for o in offered_actions(request.user, story))
            if published_since and base_version == story.version and may_save:
                return _published_since_opened(request, story, form)
            saved = actions.edit_story(
                story.pk,
                base_version=base_version,
                by=request.user,
                tags=_tags(form, story),
                section=section,
                **form.content(),
            )
            messages.success(request, f"Saved as version {saved.version}.")
    except EditConflict as conflict:
        return _conflict_page(request, story, form, conflict)
    except NotAllowed as refusal:
        # Taken over or approved since the page was opened: say so, what was typed kept.
        error = f"Not saved: {refusal} What you typed is kept below, to copy."
        return _edit_page(request, story, form=form, error=error, status=403, refused_save=True)
    except IllegalTransition as refusal:
        return _edit_page(
            request, story, form=form, error=str(refusal), status=409, refused_save=True
        )
    except ValidationError as error:
        _put_errors(form, error, {"note": "correction_note"})
        return _edit_page(request, story, form=form)
    return redirect("newsroom:edit", code=story.pk)


def _is_public(story: Story) -> bool:
    return Story.objects.public().filter(pk=story.pk).exists()


def _published_since_opened(request: HttpRequest, story: Story, form: StoryForm) -> HttpResponse:
    """The story went out to readers after this page was opened: nothing is saved, what was
    typed stays in the form, now marked as opened on the public story, so that Save changes
    it for readers if that is what the editor wants."""
    data = request.POST.copy()
    data["opened_public"] = "True"
    published = (
        story.changes.filter(action__in=[Action.PUBLISHED, Action.RELEASED])
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    who = f" by {member_name(published.actor)}" if published else ""
    error = (
        f"Not saved: this story was published{who} after you opened it, so readers see it now. "
        "What you typed is kept below. Save again to change the published story (its page "
        "says “Updated”), or write a correction note and save it as a correction."
    )
    return _edit_page(request, story, form=StoryForm(data, story=story), error=error, status=409)


def _unchanged(story: Story, form: StoryForm) -> bool:
    """Whether saving the form would store what the story holds already (as the action
    would normalise it): then no new version is made."""
    try:
        typed = clean_content(**form.content())
    except ValidationError:
        return False
    section = form.cleaned_data["section"]
    return (
        all(typed[field] == getattr(story, field) for field in CONTENT_FIELDS)
        and _typed_tags_unchanged(story, form)
        and (section.pk if section else None) == story.section_id
    )


def _typed_tags_unchanged(story: Story, form: StoryForm) -> bool:
    known = _known_tags(story)
    typed = {tag_key(name) for name in form.tag_names()}
    return typed <= known.keys() and {known[key] for key in typed} == set(known.values())


# --- the conflict screen -----------------------------------------------------------------------


def _conflict_page(
    request: HttpRequest, story: Story, form: StoryForm, conflict: EditConflict
) -> HttpResponse:
    """Another save landed since the version this edit started from. Nothing was written:
    show what they changed (base → current, with who and when), and a form holding this
    person's edits re-applied on the current version, to check and save again."""
    current = Story.objects.select_related("edition", "section", "owner").get(pk=story.pk)
    revisions = {
        revision.version: revision
        for revision in current.revisions.filter(
            version__in=[conflict.base_version, current.version]
        )
    }
    current_tags = list(current.tags.all())
    latest = revisions.get(current.version) or revision_of(current, current_tags)
    base = revisions.get(conflict.base_version)
    typed = form.cleaned_data
    mine = {
        **form.content(),
        "tags": form.tag_names(),
        "section": typed["section"].pk if typed["section"] else None,
    }
    if base is None:  # a base version that never existed: nothing to compare, keep all typed
        base = latest
    merged = reapply(base, typed.get("base_section"), current, [t.name for t in current_tags], mine)
    reapplied = StoryForm(
        initial={
            **merged.values,
            "base_version": current.version,
            "base_section": current.section_id,
            "opened_public": _is_public(current),
            "correction_note": typed.get("correction_note", ""),
        },
        story=current,
    )
    for name in merged.clashes:
        reapplied.fields[name].help_text = CLASH_HELP
    between = list(
        current.changes.filter(version__gt=conflict.base_version)
        .select_related("actor")
        .order_by("id")
    )
    offers = {offer.action for offer in offered_actions(request.user, current)}
    context = {
        "title": f"Conflict: {current.headline}",
        "story": current,
        "base_version": conflict.base_version,
        "differences": difference(base, latest),
        "between": between,
        "merged": merged,
        "form": reapplied,
        "typed": mine | {"tags": ", ".join(mine["tags"]), "section": typed["section"]},
        "typed_note": typed.get("correction_note", ""),
        "can_save": Action.EDITED in offers,
        "can_correct": Action.CORRECTED in offers,
    }
    return _no_store(render(request, "newsroom/conflict.html", context, status=409, using="django"))


# --- the workflow buttons ----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def move(request: HttpRequest, code: int, slug: str) -> HttpResponse:
    action = MOVE_BY_SLUG.get(slug)
    story = story_for(request, code)
    if action is None:
        return forbidden(request, f"There is no change called '{slug}'.")
    if request.method != "POST":
        # The address a refused button left in the address bar, opened again: the story.
        return redirect("newsroom:edit", code=story.pk)
    step = MOVES[action]
    form = step.form(request.POST, prefix=step.slug)
    try:
        with timezone.override(edition_zone(story.edition)):  # a refusal names times on it
            if parse_in_zone(form, story.edition):
                try:
                    step.change(story.pk, by=request.user, **form.cleaned_data)
                except ValidationError as error:
                    _put_errors(form, error)
            if form.errors:
                # The button's own refusal first (a page opened before another member moved
                # the story on): its form's errors would be shown beside a button the screen
                # no longer has, so not at all.
                require(request.user, action, story)
                return _edit_page(request, story, bound_moves={action: form})
    except NotAllowed as refusal:
        return forbidden(request, str(refusal))
    except IllegalTransition as refusal:
        return _edit_page(request, story, error=str(refusal), status=409)
    messages.success(request, f"Story {story.pk} {step.done}.")
    return redirect("newsroom:edit", code=story.pk)


# --- a new story, and pasted wire copy ---------------------------------------------------------


def _new_page(request, form, paste_form, *, preview=None, status=200) -> HttpResponse:
    context = {
        "title": "New story",
        "form": form,
        "paste_form": paste_form,
        "upload_form": UploadForm(),
        "preview": preview,
    }
    return _no_store(render(request, "newsroom/new.html", context, status=status, using="django"))


def _parsed_initial(parsed, edition_id) -> dict:
    dateline = parsed.dateline
    keywords = [name for names in parsed.tags.values() for name in names]
    return {
        "edition": edition_id,
        "headline": parsed.headline,
        "byline": parsed.byline,
        "dateline_place": (dateline.place or "") if dateline else "",
        "dateline_date": dateline.date if dateline else None,
        "dateline_source": (dateline.source or "") if dateline else "",
        "lead": parsed.lead,
        "body": parsed.body_markdown(),
        "tags": ", ".join(dict.fromkeys(keywords)),
        "language": parsed.language,
    }


@keeps_typed_text
@member_required
def new(request: HttpRequest) -> HttpResponse:
    editions = member_editions(request.user)
    if not editions.exists():  # else a form whose Edition has no choice, "required" on saving
        return forbidden(
            request,
            "You work on no edition, so there is nowhere to write a story. "
            "Ask a chief editor to add you to one.",
        )
    if request.method == "GET":
        form = StoryForm(initial={"once": sent_once.new_token()}, editions=editions)
        return _new_page(request, form, PasteForm())
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    wanted = request.POST.get("action", "create")
    if wanted not in ("create", "paste", "preview"):
        return _unknown_action(wanted)
    if wanted == "paste":
        paste_form = PasteForm(request.POST)
        if not paste_form.is_valid():
            return _new_page(request, StoryForm(editions=editions), paste_form)
        try:
            parsed = parse_text(
                paste_form.cleaned_data["copy"].encode("utf-8"),
                name="The pasted copy",
                now=timezone.now(),
            )
        except CopyError as error:
            paste_form.add_error("copy", str(error))
            return _new_page(request, StoryForm(editions=editions), paste_form)
        # The edition of the copy's language, as an upload's goes to (Persian copy pasted by a
        # member of both editions is for the Persian one), else the one chosen, else the first.
        in_language = next((e.pk for e in editions if e.language == parsed.language), None)
        initial = _parsed_initial(parsed, in_language or request.POST.get("edition") or None)
        initial["once"] = sent_once.new_token()
        messages.info(request, "The form is filled from the pasted copy: check it, then create.")
        return _new_page(request, StoryForm(initial=initial, editions=editions), PasteForm())
    form = StoryForm(request.POST, editions=editions)
    if wanted == "preview":
        form.is_valid()
        data = {**request.POST.dict(), **getattr(form, "cleaned_data", {})}
        language = _typed_language(request, data)
        return _new_page(request, form, PasteForm(), preview=_preview_of(data, language))
    if not form.is_valid():
        return _new_page(request, form, PasteForm())
    once = form.cleaned_data["once"]
    where = (request.POST.get("edition"), request.POST.get("section"))
    typed = repr((form.content(), form.tag_names(), where))
    if (made := sent_once.claim(request.user, once, typed)) is not None:
        messages.info(request, f"This form was sent twice: story {made} was created once.")
        return redirect("newsroom:edit", code=made)
    try:
        story = actions.create_story(
            edition=form.cleaned_data["edition"],
            section=form.cleaned_data["section"],
            tags=_tags(form),
            language=form.cleaned_data.get("language", ""),
            by=request.user,
            **form.content(),
        )
    except NotAllowed as refusal:
        sent_once.released(request.user, once, typed)
        return forbidden(request, str(refusal))
    except ValidationError as error:
        sent_once.released(request.user, once, typed)
        _put_errors(form, error)
        return _new_page(request, form, PasteForm())
    sent_once.created(request.user, once, typed, story.pk)
    messages.success(request, f"Story {story.pk} created as a draft.")
    return redirect("newsroom:edit", code=story.pk)


# --- previews ----------------------------------------------------------------------------------


@require_POST
@member_required
def render_preview(request: HttpRequest) -> HttpResponse:
    """The live preview's fragment: what the form holds, rendered as the article's text is.
    Nothing is saved. Fetched by newsroom.js as the person types."""
    form = StoryForm(request.POST, editions=member_editions(request.user))
    form.is_valid()
    data = {**request.POST.dict(), **getattr(form, "cleaned_data", {})}
    preview = _preview_of(data, _typed_language(request, data))
    return _no_store(
        render(request, "newsroom/_preview.html", {"preview": preview}, using="django")
    )


@member_required
def private_preview(request: HttpRequest, code: int) -> HttpResponse:
    """The story as its public page would show it, in any state, for the newsroom only:
    never indexed, never stored by a browser or proxy."""
    story = story_for(request, code)
    chrome = site_chrome().edition(story.edition.code)
    is_public = Story.objects.public().filter(pk=story.pk).exists()  # before the draft's time
    tags = list(story.tags.all())
    if story.published_at is None:  # a draft: as if it were published now (not saved)
        story.published_at = timezone.now()
    context = {
        "chrome": chrome,
        "edition": chrome.edition if chrome else story.edition,
        "labels": story.edition.labels,
        "story": story,
        "tags": tags,
        "related": related_stories(story, [tag.pk for tag in tags]),
        "corrections": list(story.corrections.order_by("at", "pk")),
        "status_label": Status(story.status).label,
        "is_public": is_public,
        "public_url": story.get_absolute_url() if is_public else None,
        "edit_url": reverse("newsroom:edit", args=[story.pk]),
    }
    response = TemplateResponse(request, "newsroom/preview.html", context, using="jinja2")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return _no_store(response)


# --- presence ----------------------------------------------------------------------------------


@require_POST
@member_required
def heartbeat(request: HttpRequest, code: int) -> HttpResponse:
    """The edit screen's heartbeat: keep my line fresh, answer with who else has it open.
    `leave` (sent as the page goes away) drops my line at once; `page`, the screen's id for
    itself, keeps a heartbeat it sent before leaving from bringing the line back."""
    story = story_for(request, code)
    page = request.POST.get("page", "")[:64]  # the screen's own id for itself
    if request.POST.get("leave"):
        presence.leave(story.pk, request.user, page)
        return _no_store(JsonResponse({"others": []}))
    zone = edition_zone(story.edition)
    others = [
        {"name": present.name, "since": present.since.astimezone(zone).strftime("%H:%M")}
        for present in presence.touch(story.pk, request.user, page)
    ]
    return _no_store(JsonResponse({"others": others}))


# --- restoring an earlier version (from the history screen) ------------------------------------


@require_POST
@member_required
def restore(request: HttpRequest, code: int) -> HttpResponse:
    story = story_for(request, code)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, "Choose a version to restore.")
        return redirect("newsroom:history", code=story.pk)
    try:
        saved = actions.restore_revision(story.pk, version=version, by=request.user)
    except NotAllowed as refusal:
        return forbidden(request, str(refusal))
    except (IllegalTransition, ValidationError) as refusal:
        message = "; ".join(refusal.messages) if hasattr(refusal, "messages") else str(refusal)
        messages.error(request, message)
        return redirect("newsroom:history", code=story.pk)
    messages.success(request, f"Version {version} restored as version {saved.version}.")
    return redirect("newsroom:history", code=story.pk)
