"""Files that are readable but are not wire copy: markup, word lists, notes; and the names a
directory import passes over."""

import datetime
from pathlib import Path

import pytest

from dateline.copy import CopyError, NotWireCopy, parse_file, parse_text
from dateline.copy.files import WIRE_SUFFIXES, not_wire_copy_by_name

NOW = datetime.datetime(2021, 4, 20, 12, 0, tzinfo=datetime.UTC)
DEMO_CONTENT = Path(__file__).resolve().parents[2] / "src" / "dateline" / "demo" / "content"


def _parse(text: str, name: str = "copy.txt"):
    return parse_text(text.encode(), name=name, now=NOW)


@pytest.mark.parametrize(
    "first_line",
    [
        "<!ELEMENT REUTERS - - (DATE,TOPICS,TEXT)>",
        "<!-- a comment -->",
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<newsMessage xmlns='http://iptc.org/std/nar/2006-10-01/'>",
        "</p>",
        "<html lang=en>",
    ],
)
def test_a_first_line_of_markup_is_not_a_headline(first_line: str) -> None:
    with pytest.raises(NotWireCopy, match=r"^copy\.txt: passed over, not wire copy: .*markup"):
        _parse(f"{first_line}\n\nTehran, IRNA – Something happened in the city today.\n")


def test_a_headline_with_markup_later_in_it_is_a_headline() -> None:
    story = _parse("Talks <b>resume</b>\n\nTehran, IRNA – Talks resumed today.\n")
    assert story.headline == "Talks <b>resume</b>"
    assert _parse("<3 things to know\n\nTehran, IRNA – Three.\n").headline == "<3 things to know"


def test_a_word_list_is_not_a_story() -> None:
    with pytest.raises(NotWireCopy, match=r"a word list \(each of its 4 lines is one lowercase"):
        _parse("acq\nalum\n\ncastor-meal\nu.k.\n")


@pytest.mark.parametrize(
    "text",
    [
        "Acq\nalum\ncocoa\n",  # a capital: could be a headline and a one-word lead
        "acq\nthe aluminium price rose\n",  # a sentence
        "acq\n",  # one line: no story text, a CopyError of its own
    ],
)
def test_what_is_not_a_word_list(text: str) -> None:
    try:
        _parse(text)
    except NotWireCopy as error:
        pytest.fail(f"taken for a word list: {error}")
    except CopyError:
        pass


def test_notes_without_a_dateline_and_mostly_short_lines_are_not_a_story() -> None:
    notes = (
        "Some notes on the Reuters categories and codes\nDavid D. Lewis\n3-Dec-96\n\n"
        + "".join(f"Category number {n} (CAT{n})\n" for n in range(12))
    )
    with pytest.raises(NotWireCopy, match=r"notes or a list \(no dateline, and 14 of its 15 lines"):
        _parse(notes)


def test_a_table_with_a_dateline_is_a_story() -> None:
    results = "Football results\n\nTehran, IRNA – Results of the league today:\n\n" + "".join(
        f"Team {n} 2 Team {n + 1} 1\n" for n in range(12)
    )
    assert _parse(results).dateline is not None


def test_the_seed_and_the_demo_copy_are_stories(seed_path: Path) -> None:
    files = [seed_path, *sorted(DEMO_CONTENT.glob("*/*.txt"))]
    assert len(files) > 10
    for path in files:
        assert parse_file(path, now=NOW).stories, path


def test_the_reuters_collection_files_that_are_not_copy(reuters_dir: Path) -> None:
    passed_over = {}
    for path in sorted(reuters_dir.iterdir()):
        if path.name.startswith("reut2-"):
            assert not_wire_copy_by_name(path) is None
            continue
        reason = not_wire_copy_by_name(path)
        if reason is None:
            with pytest.raises(NotWireCopy) as caught:
                parse_file(path, now=NOW)
            reason = str(caught.value)
        passed_over[path.name] = reason
    assert passed_over == {
        "README.txt": "documentation by its name (README.txt)",
        "all-exchanges-strings.lc.txt": "all-exchanges-strings.lc.txt: passed over, not wire "
        "copy: a word list (each of its 39 lines is one lowercase word)",
        "all-orgs-strings.lc.txt": "all-orgs-strings.lc.txt: passed over, not wire copy: a word "
        "list (each of its 56 lines is one lowercase word)",
        "all-people-strings.lc.txt": "all-people-strings.lc.txt: passed over, not wire copy: a "
        "word list (each of its 267 lines is one lowercase word)",
        "all-places-strings.lc.txt": "all-places-strings.lc.txt: passed over, not wire copy: a "
        "word list (each of its 175 lines is one lowercase word)",
        "all-topics-strings.lc.txt": "all-topics-strings.lc.txt: passed over, not wire copy: a "
        "word list (each of its 135 lines is one lowercase word)",
        "cat-descriptions_120396.txt": "cat-descriptions_120396.txt: passed over, not wire copy: "
        "notes or a list (no dateline, and 714 of its 896 lines have 5 words or fewer)",
        "lewis.dtd": ".dtd is not a wire-copy suffix (.txt, .sgm, .sgml)",
    }


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("story.txt", None),
        ("STORY.TXT", None),
        ("reut2-000.sgm", None),
        ("feed.sgml", None),
        ("lewis.dtd", ".dtd is not a wire-copy suffix (.txt, .sgm, .sgml)"),
        ("item.xml", ".xml is not a wire-copy suffix (.txt, .sgm, .sgml)"),
        ("item.json", ".json is not a wire-copy suffix (.txt, .sgm, .sgml)"),
        ("photo.jpg", ".jpg is not a wire-copy suffix (.txt, .sgm, .sgml)"),
        ("84299330", "no suffix is not a wire-copy suffix (.txt, .sgm, .sgml)"),
        ("README.txt", "documentation by its name (README.txt)"),
        ("readme", "documentation by its name (readme)"),
        ("LICENSE.txt", "documentation by its name (LICENSE.txt)"),
        ("notes-from-tehran.txt", None),
        # A font's or a library's licence beside the copy: its first or last word says so.
        ("vazirmatn-OFL.txt", "documentation by its name (vazirmatn-OFL.txt)"),
        ("LICENSE-MIT.txt", "documentation by its name (LICENSE-MIT.txt)"),
        ("READ_ME.txt", "documentation by its name (READ_ME.txt)"),
        ("license-fees-rise.txt", "documentation by its name (license-fees-rise.txt)"),
        ("new-install-base.txt", None),  # a word inside the name is no sign
        ("install-base-report.txt", None),  # nor is a first word that a story may start with
    ],
)
def test_names_a_directory_import_takes(name: str, reason: str | None) -> None:
    assert WIRE_SUFFIXES == (".txt", ".sgm", ".sgml")
    assert not_wire_copy_by_name(Path("/wire") / name) == reason


def test_an_sgml_suffix_reads_as_reuters(tmp_path: Path) -> None:
    path = tmp_path / "feed.sgml"
    path.write_text(
        '<REUTERS NEWID="7"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT><TITLE>COCOA</TITLE>'
        "<BODY>Showers continued.</BODY></TEXT></REUTERS>\n"
    )
    (story,) = parse_file(path, now=NOW).stories
    assert story.source_id == "reuters21578:7"
