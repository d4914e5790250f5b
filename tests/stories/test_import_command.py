"""`dateline import`: stores wire copy one transaction per story and reports what it did."""

import dataclasses
import io
import os
import re
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dateline.copy import parse_text
from dateline.stories.content import MAX_BODY_BYTES
from dateline.stories.importing import ImportTarget, StorySkipped, import_story
from dateline.stories.models import Story
from tests.factories import make_edition, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def editions():
    en = make_edition("en")
    fa = make_edition("fa")
    make_section(en, "world")
    return en, fa


def run_import(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_seed_is_imported_published_and_its_url_printed(editions, seed_path):
    out, err = run_import(seed_path, "--publish", "--section", "world", "--edition", "en")
    story = Story.objects.public().get()
    assert out == f"published {story.get_absolute_url()}\n"
    assert out.startswith(f"published /en/news/{story.code}/lavrovs-visit-to-tehran")
    assert story.dateline_place == "Moscow"
    assert story.dateline_source == "IRNA"
    assert (story.dateline_date.month, story.dateline_date.day) == (4, 18)
    assert story.body_html.count("<h2>") == 4
    assert story.section.slug == "world"
    assert "imported 1; skipped 0" in err


def test_date_option_fixes_the_year_of_a_yearless_dateline(editions, seed_path):
    run_import(seed_path, "--date", "2021-04-20")
    assert Story.objects.get().dateline_date.isoformat() == "2021-04-18"


@pytest.mark.parametrize("date", ["0001-01-01", "1899-12-31"])
def test_a_date_option_before_1900_is_refused_by_name(editions, seed_path, date):
    with pytest.raises(CommandError, match=f"'{date}': no news copy is dated before 1900"):
        run_import(seed_path, "--date", date)
    assert not Story.objects.exists()


def test_importing_the_same_copy_twice_keeps_one_story(editions, reuters_dir, tmp_path):
    # Reuters stories carry an id; the second run skips them as already imported.
    sample = tmp_path / "reut2-000.sgm"
    shutil.copy(reuters_dir / "reut2-000.sgm", sample)
    run_import(sample)
    first = Story.objects.count()
    _out, err = run_import(sample)
    assert Story.objects.count() == first
    assert f"{first:,} already imported" in err
    assert "imported 0;" in err


def test_reuters_file_maps_fields_and_tags(editions, reuters_dir):
    _out, err = run_import(reuters_dir / "reut2-000.sgm", "--publish")
    story = Story.objects.get(source_id="reuters21578:1")
    assert story.headline.startswith("BAHIA COCOA REVIEW")
    assert story.dateline_place.startswith("SALVADOR")
    assert story.published_at.year == 1987
    assert {t.slug for t in story.tags.all()} >= {"cocoa", "el-salvador", "usa", "uruguay"}
    assert "no body" in err  # briefs are counted, not stored
    assert Story.objects.filter(lead="").count() == 0


def test_no_edition_yet_is_a_clear_error(seed_path):
    with pytest.raises(CommandError, match="no edition exists yet"):
        run_import(seed_path)


def test_unknown_section_names_the_known_ones(editions, seed_path):
    with pytest.raises(CommandError, match=r"--section sport: no such section \(there are world\)"):
        run_import(seed_path, "--section", "sport")


def test_unknown_section_names_each_known_slug_once(editions, seed_path):
    _, fa = editions
    make_section(fa, "world")
    make_section(fa, "economy")
    with pytest.raises(CommandError, match=r"\(there are economy, world\)$"):
        run_import(seed_path, "--section", "sport")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n \r\n", "empty"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("furniture.txt", b"Related News\n\nYour Comment\n", "headline"),
    ],
)
def test_bad_file_is_named_with_its_problem_and_nothing_is_stored(
    editions, tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match="nothing could be imported"):
        run_import(path)
    assert Story.objects.count() == 0


def test_bad_file_message(editions, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(path), stdout=io.StringIO(), stderr=err)
    assert "empty.txt" in err.getvalue() and "empty" in err.getvalue()


def test_huge_file_is_refused_without_reading_it(editions, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # a sparse 50 MB file
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(path), stdout=io.StringIO(), stderr=err)
    assert "huge.txt" in err.getvalue() and "limit" in err.getvalue()


def test_wrong_format_is_named(editions, seed_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import",
            str(seed_path),
            "--format",
            "reuters-sgml",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "irna-en-84299330.txt" in err.getvalue() and "REUTERS" in err.getvalue()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_directory_with_an_unreadable_file_imports_the_rest(editions, seed_path, tmp_path):
    shutil.copy(seed_path, tmp_path / "good.txt")
    locked = tmp_path / "locked.txt"
    locked.write_text("Headline\n\nBody.\n")
    locked.chmod(0)
    _out, err = run_import(tmp_path)
    assert Story.objects.count() == 1
    assert "locked.txt: cannot be read" in err


def test_directory_with_a_dangling_link_reports_it_and_imports_the_rest(
    editions, seed_path, tmp_path
):
    shutil.copy(seed_path, tmp_path / "good.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted-meanwhile.txt")
    _out, err = run_import(tmp_path)
    assert Story.objects.count() == 1
    assert "gone.txt: cannot be read (No such file or directory)" in err


def test_a_link_in_a_directory_to_a_file_outside_it_is_passed_over(editions, seed_path, tmp_path):
    """Handing over a directory hands over what is in it, not what its links reach elsewhere
    (a drop folder's link to /etc/passwd, or to another desk's copy)."""
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("Secret headline\n\nNot for this import.\n")
    folder = tmp_path / "drop"
    folder.mkdir()
    shutil.copy(seed_path, folder / "good.txt")
    (folder / "link.txt").symlink_to(outside)
    _out, err = run_import(folder)
    assert Story.objects.count() == 1
    assert not Story.objects.filter(headline="Secret headline").exists()
    assert f"link.txt: passed over, not wire copy: a link to a file outside {folder}" in err


def test_directory_with_a_bad_file_imports_the_rest_and_exits_zero(editions, seed_path, tmp_path):
    shutil.copy(seed_path, tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / ".hidden").write_bytes(b"\x00\x01")
    _out, err = run_import(tmp_path)
    assert Story.objects.count() == 1
    assert "empty.txt" in err
    assert ".hidden" not in err
    assert "imported 1" in err


def test_missing_path_is_named(editions, tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(tmp_path / "nope.txt"), stdout=io.StringIO(), stderr=err)
    assert "nope.txt: no such file or directory" in err.getvalue()


def test_hostile_copy_is_stored_as_text(editions, tmp_path):
    path = tmp_path / "hostile.txt"
    path.write_text(
        "Headline <script>alert(1)</script>\n\n"
        "Tehran, IRNA – A lead with <img src=x onerror=alert(1)> in it.\n\n"
        "# not a heading\n\n'); DROP TABLE stories_story; --\n",
        encoding="utf-8",
    )
    run_import(path, "--publish")
    story = Story.objects.get()
    assert "<script>" not in story.body_html and "<img" not in story.body_html
    assert "DROP TABLE" in story.body_html
    assert story.headline == "Headline <script>alert(1)</script>"


def test_persian_copy_goes_to_the_persian_edition_by_its_language(editions, tmp_path):
    _, fa = editions
    path = tmp_path / "khabar.txt"
    path.write_text(
        "افتتاح خط آهن رشت\n\nرشت- ایرنا- نخستین قطار باری امروز حرکت کرد.\n\nادامه خبر.\n",
        encoding="utf-8",
    )
    out, _err = run_import(path, "--publish")
    story = Story.objects.get()
    assert story.edition == fa
    assert (story.dateline_place, story.dateline_source) == ("رشت", "ایرنا")
    assert out.startswith(f"published /fa/news/{story.code}/")


def test_a_file_of_briefs_only_imports_nothing_and_fails(editions, tmp_path):
    path = tmp_path / "briefs.sgm"
    path.write_text(
        '<REUTERS TOPICS="NO" NEWID="9001"><DATE>26-FEB-1987 15:01:01.79</DATE>'
        '<TEXT TYPE="BRIEF"><TITLE>SHORT ITEM ONLY</TITLE></TEXT></REUTERS>\n'
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing could be imported"):
        call_command("import", str(path), stdout=io.StringIO(), stderr=err)
    assert "imported 0; skipped 1 (1 no body)" in err.getvalue()


def _strict_utf8() -> io.TextIOWrapper:
    """An output that refuses what cannot be encoded, as a strict UTF-8 terminal or pipe does."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="")


def _written(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8")


def test_file_names_that_are_not_utf8_are_printed_escaped(editions, tmp_path):
    (tmp_path / os.fsdecode(b"story-\xff.txt")).write_text(
        "Headline\n\nA lead without a dateline.\n", encoding="utf-8"
    )
    (tmp_path / os.fsdecode(b"empty-\xfe.txt")).write_bytes(b"")
    (tmp_path / os.fsdecode(b"zwsp-\xfd.txt")).write_text(
        "\u200b\n\nTehran, IRNA – Talks.\n", encoding="utf-8"
    )
    out, err = _strict_utf8(), _strict_utf8()
    call_command("import", str(tmp_path), "--publish", stdout=out, stderr=err)
    story = Story.objects.get()
    assert _written(out).strip() == f"published {story.get_absolute_url()}"
    messages = _written(err)
    assert "empty-\\xfe.txt: the file is empty" in messages
    assert "zwsp-\\xfd.txt: headline has no visible characters" in messages
    assert "warning: story-\\xff.txt: no dateline found at the start of the lead" in messages


def test_bidi_controls_never_reach_a_stored_story(editions, tmp_path):
    path = tmp_path / "spoof.txt"
    path.write_text(
        "Talks \u202eresume\u202c\n\nBy Ali \u2066Rezaei\u2069\n\n"
        "Teh\u202bran, IRNA – Talks \u2067resumed\u2069.\n\nNext \u202dsteps.\n",
        encoding="utf-8",
    )
    _out, err = run_import(path)
    story = Story.objects.get()
    stored = [
        story.headline, story.lead, story.body, story.body_html, story.byline,
        story.dateline_place, story.dateline_source,
    ]  # fmt: skip
    assert stored[:2] == ["Talks resume", "Talks resumed."]
    assert (story.byline, story.dateline_place) == ("By Ali Rezaei", "Tehran")
    assert not set("".join(stored)) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "removed 8 bidirectional control characters" in err


def test_reuters_story_with_an_invisible_headline_is_skipped_with_the_reason(editions, tmp_path):
    path = tmp_path / "zwsp.sgm"
    path.write_text(
        '<REUTERS NEWID="9002"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT>'
        "<TITLE>&#8203;&#8206;</TITLE><BODY>Showers continued.</BODY></TEXT></REUTERS>\n"
        '<REUTERS NEWID="9003"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT>'
        "<TITLE>COCOA</TITLE><BODY>Showers continued.</BODY></TEXT></REUTERS>\n"
    )
    _out, err = run_import(path)
    assert list(Story.objects.values_list("source_id", flat=True)) == ["reuters21578:9003"]
    assert "zwsp.sgm#NEWID=9002: headline has no visible characters; skipped" in err


@pytest.mark.parametrize(
    ("copy", "limit"),
    [
        (
            "Tehran, IRNA - A lead.\n\n"
            + "\n\n".join(["A paragraph of the body, again and again."] * 30_000),
            f"{MAX_BODY_BYTES:,} bytes (1 MB) is the limit",
        ),
        # One paragraph of any size would be the lead, shown whole on every list and feed.
        ("PARIS, Nov 30 (QA) - " + " ".join(["word"] * 200_000), "3,000 is the limit"),
    ],
    ids=["body", "lead without a paragraph break"],
)
def test_copy_over_a_limit_is_skipped_with_the_limit_named(editions, tmp_path, copy, limit):
    path = tmp_path / "long.txt"
    path.write_text(f"Headline\n\n{copy}\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):  # nothing imported
        call_command("import", str(path), "--publish", stdout=io.StringIO(), stderr=err)
    assert limit in err.getvalue()
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    ("headline", "lead", "reason"),
    [
        ("\u200b", "A lead.", "The headline has no visible characters."),
        ("\u2060\u200e \u200f", "A lead.", "The headline has no visible characters."),
        ("Headline", "\u200b\u00ad", "The lead has no visible characters."),
    ],
)
def test_invisible_copy_that_bypasses_the_parser_is_refused_on_import(
    editions, headline, lead, reason
):
    # What the demo loader does: a parsed story changed after parsing. create_story refuses it.
    parsed = dataclasses.replace(
        parse_text(b"Headline\n\nTehran, IRNA - A lead.\n", name="x.txt", now=timezone.now()),
        headline=headline,
        lead=lead,
    )
    target = ImportTarget(edition=editions[0], section=None, publish=True)
    with pytest.raises(StorySkipped, match=re.escape(reason)):
        import_story(parsed, target)
    assert Story.objects.count() == 0
