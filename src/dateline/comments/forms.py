"""The public comment form: what a reader may send, checked before anything is stored."""

import unicodedata

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dateline.copy.characters import has_visible_character, strip_bidi_controls

# The fields as the reader's messages name them, in the edition's language when shown.
FIELD_NAMES = {
    "name": gettext_lazy("name"),
    "comment": gettext_lazy("comment"),
}

# Line breaks and tabs are text; every other control character (NUL, escape, …) is not.
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def _plain_text(value: str, field: str, *, multiline: bool) -> str:
    label = FIELD_NAMES[field]
    if "\ufffd" in value:
        # Django decodes the post as UTF-8 and puts U+FFFD where bytes were not.
        raise forms.ValidationError(_("The {field} is not valid UTF-8 text.").format(field=label))
    allowed = _ALLOWED_CONTROLS if multiline else set()
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in value):
        raise forms.ValidationError(
            _("The {field} contains control characters, not text.").format(field=label)
        )
    value, _removed = strip_bidi_controls(value)
    value = value.strip() if multiline else " ".join(value.split())
    if not has_visible_character(value):
        raise forms.ValidationError(_("The {field} has no visible characters.").format(field=label))
    return value


class _TextareaField(forms.CharField):
    """Line breaks as LF: a browser sends each as CR LF but counts it as one character against
    the textarea's maxlength, so the length checked here counts it once too."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class CommentForm(forms.Form):
    name = forms.CharField(label="Name", max_length=80)
    email = forms.EmailField(
        label="Email", max_length=254, help_text="Required, never shown on the site."
    )
    text = _TextareaField(
        label="Comment", max_length=settings.COMMENT_MAX_LENGTH, widget=forms.Textarea
    )
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
        self.fields["email"].error_messages["invalid"] = _("Please give a valid email address.")
        self.fields["text"].error_messages["required"] = _("Please write your comment.")
        self.fields["text"].error_messages["max_length"] = _(
            "Comments are limited to {limit} characters (this one has {length})."
        ).format(limit=f"{settings.COMMENT_MAX_LENGTH:,}", length="%(show_value)s")

    def add_error(self, field, error):
        # A hidden field has no label for the reader to find: its errors are the form's.
        super().add_error(None if field in ("token", "parent") else field, error)

    def clean_name(self) -> str:
        return _plain_text(self.cleaned_data["name"], "name", multiline=False)

    def clean_text(self) -> str:
        return _plain_text(self.cleaned_data["text"], "comment", multiline=True)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if any(unicodedata.category(c) == "Cc" for c in email):
            raise forms.ValidationError(_("The email address contains control characters."))
        return email.strip()
