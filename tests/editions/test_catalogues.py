"""The interface words' catalogues: complete, compiled, and what the pages get through Django's
translation framework."""

import string
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from dateline.editions.labels import (
    LOCALE_DIR,
    MESSAGES,
    interface_languages,
    labels_for,
)

CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
LANGUAGES = [path.parent.parent.name for path in CATALOGUES]


def catalogue(language: str):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").open("rb") as po:
        return read_po(po)


ROOT = Path(__file__).resolve().parents[2]


def marked_messages() -> set[str | tuple[str, ...]]:
    """Every message the code marks for translation, found as `make messages` finds them."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "gettext_lazy": None}
    found = extract_from_dir(ROOT, method_map, options_map, keywords=keywords)
    return {message for _path, _line, message, _comments, _context in found}


def placeholders(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name}


def test_persian_and_arabic_have_catalogues():
    assert {"fa", "ar"} <= set(LANGUAGES)
    assert interface_languages() == {"en", *LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_translates_every_marked_message_and_nothing_else(language):
    messages = {m.id: m for m in catalogue(language) if m.id}
    assert set(MESSAGES.values()) <= marked_messages()
    assert messages.keys() == marked_messages()
    for message in messages.values():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert text.strip(), f"{language}: {message.id!r} is not translated"
            # "{edition}" must stay "{edition}": str.format fills it in on the page. (A plural
            # form may leave out the count its singular does not name: "a second".)
            named = set().union(*map(placeholders, ids))
            assert placeholders(text) == named or (len(ids) > 1 and placeholders(text) <= named)
        assert not message.fuzzy, f"{language}: {message.id!r} is marked fuzzy"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_is_compiled_and_current(language):
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make setup`"
    assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is older than its .po: `make setup`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_are_the_catalogues_words_through_django(language):
    words = {m.id: m.string for m in catalogue(language) if m.id}
    assert dict(labels_for(language)) == {key: words[text] for key, text in MESSAGES.items()}


def test_a_regional_tag_gets_its_languages_words():
    assert labels_for("fa-IR") == labels_for("fa_IR") == labels_for("fa")
    assert labels_for("ar-EG")["home"] == "الرئيسية"


@pytest.mark.parametrize("language", ["en", "de", "xx", "", "<script>", "x" * 300])
def test_a_language_without_a_catalogue_gets_english_not_djangos_words(language):
    # Django's own German catalogue (the admin's) translates "Home": it must not leak in.
    assert dict(labels_for(language)) == MESSAGES


def test_labels_cannot_be_changed_by_whoever_reads_them():
    with pytest.raises(TypeError):
        labels_for("fa")["home"] = "changed"
