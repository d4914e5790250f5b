"""`dateline parse`: one JSON object per story per line, nothing stored."""

import io
import json
import os

import pytest
from django.core.management import CommandError, call_command

from dateline.stories.models import Story
from tests.processes import dateline_env, run_dateline


def run_parse(*args) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("parse", *map(str, args), stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


@pytest.mark.django_db
def test_seed_as_json(seed_path):
    (story,), _err = run_parse(seed_path, "--date", "2021-05-01")
    assert story["headline"].startswith("Lavrov’s visit to Tehran")
    assert story["language"] == "en" and story["direction"] == "ltr"
    assert story["dateline"] == {
        "place": "Moscow",
        "date": "2021-04-18",
        "source": "IRNA",
        "raw": "Moscow, April 18, IRNA –",
    }
    assert story["subheadings"] == [
        "No alternative to JCPOA",
        "High level of Russia-Iran ties",
        "Ready to help Iran in fighting COVID-19",
        "Results of Lavrov’s visit to Tehran",
    ]
    assert story["body_html"].count("<h2>") == 4
    assert story["body_html"].startswith('<p><span class="dateline">Moscow, April 18, IRNA –')
    assert story["stripped"] == [
        "Follow us on Twitter @IrnaEnglish",
        "Related News",
        "Your Comment",
        "You are replying to: .",
    ]
    assert story["warnings"] == []
    assert Story.objects.count() == 0


def test_reuters_file_gives_one_line_per_story_with_a_body(reuters_dir):
    stories, err = run_parse(reuters_dir / "reut2-000.sgm")
    assert len(stories) == len({s["source_id"] for s in stories}) > 900
    assert stories[0]["source_id"] == "reuters21578:1"
    assert stories[0]["tags"]["topic"] == ["cocoa"]
    assert "stories without a body were left out" in err


def test_bad_and_good_files_together(tmp_path, seed_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    stories, err = run_parse(tmp_path / "empty.txt", seed_path)
    assert len(stories) == 1
    assert "empty.txt" in err


def test_only_bad_files_is_an_error(tmp_path):
    (tmp_path / "binary.bin").write_bytes(b"\x00\x01\x02" * 100)
    err = io.StringIO()
    with pytest.raises(CommandError, match="no story could be parsed"):
        call_command("parse", str(tmp_path / "binary.bin"), stdout=io.StringIO(), stderr=err)
    assert "binary.bin" in err.getvalue() and "binary" in err.getvalue()


def test_file_names_that_are_not_utf8_print_escaped_on_a_strict_utf8_stdout(tmp_path, seed_path):
    # A name the file system holds as bytes that are not UTF-8 (0xFF) reaches Python as a
    # surrogate escape, which a strict UTF-8 stdout refuses: the command used to die with
    # "UnicodeEncodeError: surrogates not allowed" in the middle of its JSON lines.
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    story = copy_dir / os.fsdecode(b"story-\xff.txt")
    story.write_bytes(seed_path.read_bytes())
    (copy_dir / os.fsdecode(b"empty-\xfe.txt")).write_bytes(b"")
    briefs = copy_dir / os.fsdecode(b"briefs-\xfd.sgm")
    briefs.write_bytes(
        b'<REUTERS NEWID="1"><DATE>26-FEB-1987 15:01:01.79</DATE>'
        b'<TEXT TYPE="BRIEF"><TITLE>SHORT ITEM ONLY</TITLE></TEXT></REUTERS>\n'
    )
    env = dateline_env(tmp_path / "var", PYTHONIOENCODING="utf-8:strict")
    result = run_dateline("parse", str(copy_dir), str(story), "--date", "2021-05-01", env=env)
    assert result.returncode == 0, result.stderr
    assert "UnicodeEncodeError" not in result.stderr
    stories = [json.loads(line) for line in result.stdout.splitlines()]
    assert [s["source"] for s in stories] == ["story-\\xff.txt", "story-\\xff.txt"]
    assert "empty-\\xfe.txt: the file is empty" in result.stderr
    assert f"{tmp_path}/copy/briefs-\\xfd.sgm: 1 stories without a body" in result.stderr


def test_a_missing_path_that_is_not_utf8_is_named_escaped(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError, match="no story could be parsed"):
        call_command(
            "parse", os.fsdecode(b"/nowhere/gone-\xff.txt"), stdout=io.StringIO(), stderr=err
        )
    assert err.getvalue() == "/nowhere/gone-\\xff.txt: no such file or directory\n"


def test_invisible_headline_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "zwsp.txt"
    path.write_text("\u200b\n\nTehran, IRNA – Talks resumed.\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="no story could be parsed"):
        call_command("parse", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == f"{path}: headline has no visible characters\n"
