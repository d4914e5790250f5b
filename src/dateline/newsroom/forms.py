"""The newsroom's forms. They only read what a person typed; the checks that decide whether a
story may be written (and the messages) belong to `stories.actions`, whose ValidationErrors
the views put back on these forms, field by field."""

import datetime
import zoneinfo
from functools import cached_property

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from dateline.comments.models import ModerationEvent, WordRule
from dateline.copy import direction_for
from dateline.copy.characters import has_visible_character
from dateline.editions.models import CommentPolicy
from dateline.stories.actions.changes import MAX_NOTE_CHARS
from dateline.stories.content import clean_content
from dateline.stories.models import Section, Status, Story, StoryChange
from dateline.stories.revisions import CONTENT_FIELDS
from dateline.stories.tagging import MAX_TAG_LENGTH, tag_key, tag_names

LOCAL_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
# Keywords one story may carry, typed in the newsroom: more than any wire copy brings (a
# Reuters story's places, people and organisations), far fewer than a pasted list makes.
MAX_KEYWORDS = 100


class Form(forms.Form):
    """Labels without Django's trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Please enter the correct username and password. Both may be case-sensitive."
        ),
    }


def edition_zone(edition) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(edition.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_input_value(moment: datetime.datetime | None, edition) -> str:
    """A time as a datetime-local input shows it: the edition's wall clock, no zone."""
    if moment is None:
        return ""
    return moment.astimezone(edition_zone(edition)).strftime(LOCAL_TIME_FORMAT)


class SectionChoice(forms.ModelChoiceField):
    def __init__(self, *args, with_edition: bool = False, **kwargs):
        self.with_edition = with_edition
        super().__init__(*args, **kwargs)

    def label_from_instance(self, section: Section) -> str:
        return f"{section.edition.name}: {section.name}" if self.with_edition else section.name


class StoryForm(Form):
    """A story's content as the edit and new-story screens send it. `base_version` is the
    version the writer started from (EditConflict when another save landed since);
    `base_section` the section then, so a conflict can tell whose section change it was;
    `opened_public` whether readers saw the story then (publishing makes no new version, so a
    save from a page opened before is stopped once, to say the story is live now)."""

    # Its length is measured by `clean_content`, once runs of spaces are one: as it is stored.
    headline = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    dateline_place = forms.CharField(label="Place", required=False, max_length=120)
    dateline_date = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # A Latin agency's name in a Persian story, or the reverse: each takes its own direction.
    dateline_source = forms.CharField(
        label="Source", required=False, max_length=60, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    byline = forms.CharField(required=False, max_length=200)
    lead = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), strip=False)
    body = forms.CharField(
        label="Body (Markdown)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Paragraphs separated by a blank line; ## for a sub-heading.",
    )
    tags = forms.CharField(
        label="Keywords",
        required=False,
        help_text="Separated by commas.",
        max_length=2000,
    )
    section = SectionChoice(queryset=Section.objects.none(), required=False, empty_label="None")
    base_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1
    )
    base_section = forms.IntegerField(widget=forms.HiddenInput, required=False)
    opened_public = forms.BooleanField(widget=forms.HiddenInput, required=False)
    # The new-story form's own token: sent twice, it makes one story (`newsroom.sent_once`).
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    correction_note = forms.CharField(
        label="Correction note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to readers under the story, dated.",
    )

    def __init__(self, *args, story: Story | None = None, editions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.story = story
        if story is not None:
            self.fields["section"].queryset = Section.objects.filter(edition=story.edition_id)
            language = story.language
        else:
            self.fields["edition"] = forms.ModelChoiceField(
                queryset=editions, empty_label=None, label="Edition"
            )
            self.order_fields(["edition"])
            self.fields["section"].queryset = Section.objects.filter(
                edition__in=editions
            ).select_related("edition")
            self.fields["section"].with_edition = True
            self.fields["language"] = forms.CharField(
                widget=forms.HiddenInput, required=False, max_length=16
            )
            language = ""
        # What readers read in the story's language, the correction's note among it.
        in_language = (
            "headline",
            "byline",
            "dateline_place",
            "lead",
            "body",
            "tags",
            "correction_note",
        )
        if language:
            for name in in_language:
                self.fields[name].widget.attrs.update(lang=language, dir=direction_for(language))
        else:
            for name in in_language:
                self.fields[name].widget.attrs.update(dir="auto")

    def clean(self):
        """Browsers send a textarea's line breaks as CRLF; stories keep LF, so a save that
        changed nothing else does not differ from the last version in every paragraph."""
        cleaned = super().clean()
        if self.story is not None and cleaned.get("base_version") is None:
            # Without it a save could not tell that another landed first: refused, not guessed.
            raise forms.ValidationError(
                "This form does not say which version it was opened at: open the story again."
            )
        for name in ("headline", "lead", "body", "correction_note"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].replace("\r\n", "\n").replace("\r", "\n")
        self._check_content(cleaned)
        return cleaned

    def _check_content(self, cleaned: dict) -> None:
        """What saving would refuse (`clean_content`: a lead too long, a body nested too deep,
        a date no copy has…), named with the form's own refusals, in one round: a field the
        form refused already keeps that one message."""
        typed = {name: cleaned.get(name) or "" for name in CONTENT_FIELDS}
        typed["dateline_date"] = cleaned.get("dateline_date")
        try:
            clean_content(**typed)
        except ValidationError as refused:
            for name, said in refused.message_dict.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, said)

    def clean_tags(self) -> str:
        text = self.cleaned_data.get("tags", "")
        names = tag_names(text, self._own_tag_names)
        if len(names) > MAX_KEYWORDS:  # each would be a tag with a page of its own
            raise forms.ValidationError(
                f"{len(names):,} keywords: a story carries at most {MAX_KEYWORDS}. Keep the ones "
                "a reader would follow."
            )
        too_long = [name for name in names if len(name) > MAX_TAG_LENGTH]
        if too_long:  # the tag would be cut short: said, not done silently
            raise forms.ValidationError(
                f"A keyword is at most {MAX_TAG_LENGTH} characters; "
                f"“{too_long[0][:40]}…” has {len(too_long[0])}."
            )
        nameless = [name for name in names if not tag_key(name)]
        if nameless:  # it would make no tag: said, not dropped silently, each one named
            raise forms.ValidationError(" ".join(_nameless_keywords(nameless)))
        return text

    @classmethod
    def initial_for(cls, story: Story, *, public: bool) -> dict:
        return {
            **{field: getattr(story, field) for field in CONTENT_FIELDS},
            "tags": ", ".join(tag.name for tag in story.tags.all()),
            "section": story.section_id,
            "base_version": story.version,
            "base_section": story.section_id,
            "opened_public": public,
        }

    def content(self) -> dict:
        """The content fields, as the actions take them."""
        return {field: self.cleaned_data[field] for field in CONTENT_FIELDS}

    def tag_names(self) -> list[str]:
        return tag_names(self.cleaned_data.get("tags", ""), self._own_tag_names)

    @cached_property
    def _own_tag_names(self) -> list[str]:
        """The story's tags, each one name in the field though it holds a comma."""
        return [tag.name for tag in self.story.tags.all()] if self.story is not None else []


class NoteForm(Form):
    """What every workflow button may carry: a note for the audit log."""

    note = forms.CharField(required=False, max_length=MAX_NOTE_CHARS, label="Note (optional)")


class TakeForm(NoteForm):
    """Take, or take over: `owner` says whose the member saw the story was ("none": nobody's),
    so that one taken up by someone else meanwhile is not taken from them unawares."""

    owner = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_owner(self):
        seen = self.cleaned_data["owner"]
        if seen == "none":
            return None
        if seen.isascii() and seen.isdigit():
            return int(seen)
        if seen:
            raise forms.ValidationError("This form does not say whose the story was.")
        return seen

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("owner") == "":  # a form that does not say: take it, whoever has it
            del cleaned["owner"]
        return cleaned


class ScheduleForm(NoteForm):
    at = forms.DateTimeField(
        label="Publish at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}),
    )


class EmbargoForm(NoteForm):
    until = forms.DateTimeField(
        label="Embargo until",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}),
    )


class CommentPolicyForm(NoteForm):
    policy = forms.ChoiceField(
        label="Comments",
        required=False,
        choices=[("", "As the section or edition says"), *CommentPolicy.choices],
    )


class TranslationForm(NoteForm):
    other = forms.IntegerField(
        label="News code of the translation",
        min_value=1,
        max_value=2**63 - 1,
        help_text="The same story in another edition.",
    )


class RelatedChoiceForm(NoteForm):
    other = forms.IntegerField(
        label="News code", min_value=1, max_value=2**63 - 1, help_text="A story of this edition."
    )
    choice = forms.ChoiceField(
        label="Choice",
        choices=[
            ("pick", "Pick: show it first"),
            ("exclude", "Exclude: never show it"),
            ("clear", "Clear my choice"),
        ],
    )


class KillForm(Form):
    reason = forms.CharField(
        label="Reason for killing it",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the story is withdrawn; it goes into the audit log.",
    )


def parse_in_zone(form: forms.Form, edition) -> bool:
    """Validate `form`, reading datetime-local values on the edition's clock."""
    with timezone.override(edition_zone(edition)):
        return form.is_valid()


class StoryFilterForm(Form):
    """The story list's filters; an unknown value is an error shown on the filter, not a 500."""

    status = forms.ChoiceField(choices=[("", "Any state"), *Status.choices], required=False)
    edition = forms.ChoiceField(required=False)
    section = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    owner = forms.ChoiceField(required=False, label="Author")

    def __init__(self, *args, editions, sections, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].choices = [("", "Any edition")] + [
            (edition.code, edition.name) for edition in editions
        ]
        several = len(editions) > 1
        self.fields["section"].choices = [("", "Any section")] + [
            (s.pk, f"{s.edition.name}: {s.name}" if several else s.name) for s in sections
        ]
        self.fields["owner"].choices = [("", "Anyone"), ("none", "Nobody (wire)")] + [
            (str(member.pk), str(member)) for member in owners
        ]


class AuditFilterForm(Form):
    actor = forms.ChoiceField(required=False, label="Member")
    action = forms.ChoiceField(
        choices=[("", "Any change"), *StoryChange.Action.choices], required=False
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", "Anyone"), ("system", "The system")] + [
            (str(member.pk), str(member)) for member in members
        ]


class PasteForm(Form):
    copy = forms.CharField(
        label="Wire copy",
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        help_text="Plain text: headline on the first line, then the dateline and lead, then "
        "the body. It fills the form below; nothing is saved until you create the story.",
        strip=False,
    )

    def clean_copy(self) -> str:
        """Refused here when there is nothing to read: the parser would speak of a file."""
        copy = self.cleaned_data["copy"]
        if not has_visible_character(copy):
            raise forms.ValidationError(
                "The pasted copy has no text in it, only spaces, line breaks or invisible "
                "characters: paste the story itself."
            )
        return copy


class UploadForm(Form):
    file = forms.FileField(
        label="Partner copy file",
        # The copy's own reader refuses an empty file naming it, as `dateline import` does.
        allow_empty_file=True,
        help_text="A ninjs (JSON) or NewsML-G2 (XML) item from a partner agency, or a plain-text "
        "story: it becomes a draft in Incoming with its source. A newer version of an item "
        "replaces its draft until someone takes it up.",
    )


# --- comments ------------------------------------------------------------------------------------

QUEUE_STATUSES = [
    ("pending", "Pending"),
    ("reported", "Reported"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("spam", "Spam"),
]


class CommentFilterForm(Form):
    """The moderation queue's filters; `status` is chosen by the tabs (pending when absent)."""

    status = forms.ChoiceField(choices=QUEUE_STATUSES, required=False)
    edition = forms.ChoiceField(required=False)
    story = forms.IntegerField(label="Story code", required=False, min_value=1, max_value=2**63 - 1)

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].choices = [("", "Any edition")] + [
            (edition.code, edition.name) for edition in editions
        ]


class CommentIdsField(forms.Field):
    """The ticked comments: every value a comment id (whole number), none twice."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = []
        for raw in values:
            raw = str(raw).strip()
            if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
                raise forms.ValidationError("That is not a comment of this list.")
            ids.append(int(raw))
        return list(dict.fromkeys(ids))


class BulkModerationForm(Form):
    """What the queue's buttons send: the ticked comments, the button, a reason to reject."""

    ACTIONS = {
        "approve": "Approve",
        "reject": "Reject",
        "spam": "Mark as spam",
        "dismiss": "Dismiss reports",
    }

    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    ids = CommentIdsField(required=False)
    reason = forms.CharField(
        label="Reason for rejecting",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        help_text="Needed to reject; kept with the comment and in the moderation log.",
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("ids") and "ids" not in self.errors:
            self.add_error("ids", "Tick the comments first.")
        if cleaned.get("action") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "A rejection needs a reason: say why in this box.")
        return cleaned


class WordForm(Form):
    phrase = forms.CharField(
        label="Word or phrase",
        max_length=100,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text="English or Persian; case, accents and Arabic letter forms do not matter. "
        "A phrase already listed moves to the kind chosen here.",
    )
    kind = forms.ChoiceField(label="Kind", choices=[], widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = WordRule.Kind.choices
        self.fields["kind"].initial = WordRule.Kind.SUSPECT


class EmailBanForm(Form):
    email = forms.EmailField(label="Email address", max_length=254)
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=500)


class AddressBanForm(Form):
    comment = forms.IntegerField(
        label="Comment number",
        min_value=1,
        max_value=2**63 - 1,
        help_text="Comments from the address this comment came from are refused. The address "
        "itself is never kept, only a keyed hash of it.",
    )
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=500)


class PersonForm(Form):
    email = forms.EmailField(label="Email address", max_length=254)


class ModerationLogFilterForm(Form):
    action = forms.ChoiceField(required=False, label="Action")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Anything"), *ModerationEvent.Action.choices]


NAMED_AT_MOST = 5  # keywords quoted in one refusal


def _nameless_keywords(nameless: list[str]) -> list[str]:
    """What is said of keywords no tag can be named by: those with something to see, quoted
    (the first NAMED_AT_MOST), and whether some are made only of invisible characters (quoted,
    they would read as empty)."""
    visible = [name for name in nameless if has_visible_character(name)]
    said = []
    if visible:
        quoted = ", ".join(f"“{name}”" for name in visible[:NAMED_AT_MOST])
        more = f" and {len(visible) - NAMED_AT_MOST:,} more" if len(visible) > NAMED_AT_MOST else ""
        has = "has" if len(visible) == 1 else "have"
        kind = "keyword" if len(visible) == 1 else "keywords"
        said.append(f"The {kind} {quoted}{more} {has} no letter or digit a tag could be named by.")
    if len(visible) < len(nameless):
        said.append(
            "A keyword between the commas is made only of invisible characters (a zero-width "
            "space, a direction mark): no tag can be named by it."
        )
    return said
