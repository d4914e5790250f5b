"""The public comment form: what a reader may send, checked before anything is stored."""

import unicodedata

from django import forms
from django.conf import settings
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from dateline.comments.models import Comment
from dateline.copy.characters import (
    cap_combining_marks,
    has_visible_character,
    strip_bidi_controls,
)
from dateline.site.formatting import format_quantity

NAME_MAX_LENGTH = Comment._meta.get_field("name").max_length

# The fields as the reader's messages name them, in the edition's language when shown.
FIELD_NAMES = {
    "name": gettext_lazy("name"),
    "comment": gettext_lazy("comment"),
}


def _plain_text(value: str, field: str, *, multiline: bool) -> str:
    label = FIELD_NAMES[field]
    if "\ufffd" in value:
        # Django decodes the post as UTF-8 and puts U+FFFD where bytes were not.
        raise forms.ValidationError(_("The {field} is not valid UTF-8 text.").format(field=label))
    value, _removed = strip_bidi_controls(value)
    value = cap_combining_marks(value)  # a stack of marks is drawn over the page around it
    value = value.strip() if multiline else " ".join(value.split())
    if not has_visible_character(value):
        raise forms.ValidationError(_("The {field} has no visible characters.").format(field=label))
    return value


class _RefusingControls:
    """A field that refuses control characters (NUL, escape, …) but `allowed_controls`, with
    its `error_messages["control_characters"]` (the form's own words, naming the field), as
    it reads the value: before Django's validators, which answer a NUL with their own words
    ("Null characters are not allowed.", from Django's catalogue, not ours) and, in an email
    address, with a second message that it is not valid."""

    allowed_controls: frozenset[str] = frozenset()

    def to_python(self, value):
        value = super().to_python(value)
        if any(unicodedata.category(c) == "Cc" and c not in self.allowed_controls for c in value):
            raise forms.ValidationError(
                self.error_messages["control_characters"], code="control_characters"
            )
        return value


class _LineField(_RefusingControls, forms.CharField):
    """One line of text: not even a tab is allowed in it."""


class _EmailField(_RefusingControls, forms.EmailField):
    """An email address, refused for a control character before it is checked as one."""


class _TextareaField(_RefusingControls, forms.CharField):
    """Line breaks as LF: a browser sends each as CR LF but counts it as one character against
    the textarea's maxlength, so the length checked here counts it once too. Line breaks and
    tabs are text."""

    allowed_controls = frozenset("\n\r\t")

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class CommentForm(forms.Form):
    # The lengths are checked by clean_name and clean_text, whose messages write the numbers
    # in the edition's digits (Django's validators would write its own words and ASCII digits).
    name = _LineField(label="Name")
    email = _EmailField(
        label="Email", max_length=254, help_text="Required, never shown on the site."
    )
    text = _TextareaField(label="Comment", widget=forms.Textarea)
    notify = forms.BooleanField(
        label="Email me when my comment is published or answered", required=False
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    token = forms.CharField(max_length=300, widget=forms.HiddenInput)
    # The honeypot: hidden from people by the stylesheet, filled in by form-filling bots.
    website = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for problem in ("required", "max_length"):
            self.fields["token"].error_messages[problem] = _(
                "This form could not be checked. Reload the page and try again."
            )
        for problem in ("invalid", "min_value"):
            self.fields["parent"].error_messages[problem] = _(
                "The comment you are replying to is not available any more."
            )
        self.fields["name"].error_messages["required"] = _("Please give your name.")
        self.fields["email"].error_messages["required"] = _(
            "Please give your email address; it is never shown."
        )
        for problem in ("invalid", "max_length"):
            self.fields["email"].error_messages[problem] = _("Please give a valid email address.")
        self.fields["text"].error_messages["required"] = _("Please write your comment.")
        for field, label in (("name", FIELD_NAMES["name"]), ("text", FIELD_NAMES["comment"])):
            self.fields[field].error_messages["control_characters"] = _(
                "The {field} contains control characters, not text."
            ).format(field=label)
        self.fields["email"].error_messages["control_characters"] = _(
            "The email address contains control characters."
        )

    def add_error(self, field, error):
        # A hidden field has no label for the reader to find: its errors are the form's.
        super().add_error(None if field in ("token", "parent") else field, error)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if len(name) > NAME_MAX_LENGTH:
            limit = _quantity(NAME_MAX_LENGTH)
            raise forms.ValidationError(
                _("Names are limited to {limit} characters.").format(limit=limit)
            )
        return _plain_text(name, "name", multiline=False)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if len(text) > settings.COMMENT_MAX_LENGTH:
            message = _("Comments are limited to {limit} characters (this one has {length}).")
            limit, length = _quantity(settings.COMMENT_MAX_LENGTH), _quantity(len(text))
            raise forms.ValidationError(message.format(limit=limit, length=length))
        return _plain_text(text, "comment", multiline=True)


def _quantity(number: int) -> str:
    """`number` as the language the reader is answered in writes it."""
    return format_quantity(number, language=get_language() or "en")
