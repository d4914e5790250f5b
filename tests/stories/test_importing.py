"""Incoming wire copy and the import's defects (issue 6, part 7): the Incoming queue, a source
identity for every story, what a directory import takes, malformed dates, `--date`, sections,
one line per story on stdout, and archive imports in batches."""

import datetime
import io
import json
import random
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from dateline.copy import Block, parse_file, parse_reuters_sgml, parse_text
from dateline.stories import importing
from dateline.stories.importing import ImportTarget, import_stories
from dateline.stories.models import Revision, SectionMapping, Status, Story, StoryChange, Tag
from dateline.stories.rendering import render_body
from dateline.stories.signals import story_changed
from tests.factories import make_edition, make_section

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def en():
    edition = make_edition("en")
    make_section(edition, "world")
    return edition


def run_import(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def reuters(
    newid: int,
    title: str = "COCOA REVIEW",
    *,
    date: str = "26-FEB-1987 15:01:01.79",
    topics: tuple[str, ...] = (),
    places: tuple[str, ...] = (),
    dateline: str = "SALVADOR, Feb 26 - ",
) -> str:
    """One <REUTERS> element with a body, as the collection writes them."""
    d = "".join

    return (
        f'<REUTERS TOPICS="YES" NEWID="{newid}">\n<DATE>{date}</DATE>\n'
        f"<TOPICS>{d(f'<D>{t}</D>' for t in topics)}</TOPICS>\n"
        f"<PLACES>{d(f'<D>{p}</D>' for p in places)}</PLACES>\n"
        f"<TEXT>&#2;\n<TITLE>{title}</TITLE>\n<DATELINE>{dateline}</DATELINE>"
        f"<BODY>Showers continued in the zone, story {newid}.\n"
        "    A second paragraph.\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n"
    )


def write_sgml(path: Path, *elements: str) -> Path:
    path.write_text('<!DOCTYPE lewis SYSTEM "lewis.dtd">\n' + "".join(elements), "utf-8")
    return path


# -- Incoming: drafts with no owner, their source kept ----------------------------------------


def test_copy_imported_without_publish_waits_in_incoming_with_its_source(en, seed_path, tmp_path):
    sgml = write_sgml(tmp_path / "reut2-900.sgm", reuters(42))
    out, _err = run_import(seed_path, sgml)
    incoming = Story.objects.filter(status=Status.DRAFT, owner=None, source_id__isnull=False)
    assert incoming.count() == 2 == Story.objects.count()
    text = incoming.get(source_name="irna-en-84299330.txt")
    assert text.source_id.startswith("text:") and len(text.source_id) == len("text:") + 64
    assert (text.created_by, text.published_at) == (None, None)
    wire = incoming.get(source_id="reuters21578:42")
    assert wire.source_name == "reut2-900.sgm#NEWID=42"
    assert out.splitlines() == [
        f"draft {text.get_absolute_url()}",
        f"draft {wire.get_absolute_url()}",
    ]
    changes = StoryChange.objects.filter(story__in=[text, wire])
    assert [(c.action, c.actor) for c in changes] == [("created", None), ("created", None)]


# -- a source identity for plain text --------------------------------------------------------


def test_the_same_plain_text_imported_twice_is_one_story(en, seed_path, tmp_path):
    data = seed_path.read_bytes()
    variants = {
        "crlf.txt": data.replace(b"\n", b"\r\n"),
        "bom.txt": b"\xef\xbb\xbf" + data,
        "rewrapped.txt": data.replace(b". ", b".  ").replace(b"\n\n", b"\n  \n\n"),
    }
    for name, variant in variants.items():
        (tmp_path / name).write_bytes(variant)
    out, err = run_import(seed_path, "--publish")
    story = Story.objects.get()
    assert out == f"published {story.get_absolute_url()}\n"
    out, err = run_import(seed_path, "--publish")
    assert (out, Story.objects.count()) == ("", 1)
    assert "imported 0; skipped 1 (1 already imported)" in err
    out, err = run_import(tmp_path, "--publish")  # CRLF, a BOM, other spacing: the same copy
    assert (out, Story.objects.count()) == ("", 1)
    assert "imported 0; skipped 3 (3 already imported)" in err


def test_different_text_is_a_different_story(en, tmp_path):
    (tmp_path / "a.txt").write_text("Port reopens\n\nBandar Abbas, IRNA – Ships docked.\n")
    (tmp_path / "b.txt").write_text("Port reopens\n\nBandar Abbas, IRNA – Ships left.\n")
    run_import(tmp_path)
    assert Story.objects.count() == 2
    assert len(set(Story.objects.values_list("source_id", flat=True))) == 2


def test_the_same_text_twice_in_one_run_is_stored_once(en, seed_path, tmp_path):
    shutil.copy(seed_path, tmp_path / "one.txt")
    shutil.copy(seed_path, tmp_path / "two.txt")
    out, err = run_import(tmp_path)
    assert len(out.splitlines()) == 1 == Story.objects.count()
    assert Story.objects.get().source_name == "one.txt"
    assert "imported 1; skipped 1 (1 already imported)" in err


# -- a directory takes wire copy only ----------------------------------------------------------


def test_a_directory_passes_over_what_is_not_wire_copy_and_names_each(en, seed_path, tmp_path):
    shutil.copy(seed_path, tmp_path / "story.txt")
    write_sgml(tmp_path / "wire.sgml", reuters(1))
    (tmp_path / "lewis.dtd").write_text("<!ELEMENT LEWIS O O (REUTERS+)>\n")
    (tmp_path / "item.xml").write_text('<?xml version="1.0"?>\n<news>Headline</news>\n')
    (tmp_path / "item.json").write_text('{"headline": "Talks"}\n')
    (tmp_path / "README.md").write_text("Wire copy\n\nThese files are the week's copy.\n")
    (tmp_path / "topics.txt").write_text("acq\nalum\ncocoa\n")
    (tmp_path / "page.txt").write_text("<html>\n<p>Talks resume</p>\n")
    (tmp_path / "notes.txt").write_text("Category notes\n\n" + "Topic (CODE)\n" * 12)
    out, err = run_import(tmp_path, "--publish")
    assert {s.source_name for s in Story.objects.all()} == {"story.txt", "wire.sgml#NEWID=1"}
    assert len(out.splitlines()) == 2
    for name, why in [
        ("lewis.dtd", ".dtd is not a wire-copy suffix"),
        ("item.xml", ".xml is not a wire-copy suffix"),
        ("item.json", ".json is not a wire-copy suffix"),
        ("README.md", "documentation by its name"),
        ("topics.txt", "a word list"),
        ("page.txt", "the first line is markup"),
        ("notes.txt", "notes or a list"),
    ]:
        # Named by its path, as the run names every file: passed over by name or by content.
        assert f"{tmp_path / name}: passed over, not wire copy: {why}" in err, name
    assert err.rstrip().endswith("; 7 files passed over")


def test_the_reuters_folder_imports_its_22_data_files_only(en, reuters_dir):
    out, err = run_import(reuters_dir, "--publish")
    files = {name.partition("#")[0] for name in Story.objects.values_list("source_name", flat=True)}
    assert files == {f"reut2-{n:03}.sgm" for n in range(22)}
    assert Story.objects.count() == 19_771 == len(out.splitlines())
    assert Story.objects.public().count() == 19_771
    others = sorted(p.name for p in reuters_dir.iterdir() if not p.name.startswith("reut2-"))
    assert len(others) == 8
    passed_over = [line for line in err.splitlines() if ": passed over, not wire copy: " in line]
    assert sorted(line.split(": ")[0].rpartition("/")[2] for line in passed_over) == others
    assert "imported 19,771; skipped 1,807 (1,807 no body)" in err
    assert err.rstrip().endswith("; 8 files passed over")
    # NEWID=17192 in reut2-017.sgm has <DATE>31-MAR-1987 605:12:19.12</DATE>: dated from its
    # day, not from the clock, and the warning (shown, whatever the number of warnings) says so.
    story = Story.objects.get(source_id="reuters21578:17192")
    assert story.published_at == datetime.datetime(1987, 3, 31, tzinfo=UTC)
    assert (
        "warning: reut2-017.sgm#NEWID=17192: no readable <DATE> time in "
        "'31-MAR-1987 605:12:19.12': dated 1987-03-31 00:00 UTC from its day"
    ) in err.splitlines()
    assert not Story.objects.filter(published_at__year__gt=1987).exists()


# -- malformed dates -----------------------------------------------------------------------


def test_a_malformed_date_is_named_and_the_story_dated_from_its_day(en, tmp_path):
    # Thirty unreadable datelines first: the date's warning is shown all the same.
    noisy = [reuters(n, dateline=f"NEW YORK, Marc {n} -") for n in range(1, 31)]
    bad = reuters(31, "PROFITS UP", date="31-MAR-1987 605:12:19.12")
    sgml = write_sgml(tmp_path / "reut2-901.sgm", *noisy, bad)
    _out, err = run_import(sgml, "--publish")
    story = Story.objects.get(source_id="reuters21578:31")
    assert story.published_at == datetime.datetime(1987, 3, 31, tzinfo=UTC)
    assert story.dateline_date == datetime.date(1987, 2, 26)  # its year from the day read
    assert (
        "warning: reut2-901.sgm#NEWID=31: no readable <DATE> time in "
        "'31-MAR-1987 605:12:19.12': dated 1987-03-31 00:00 UTC from its day"
    ) in err.splitlines()
    assert "; 31 warnings" in err


def test_a_story_with_no_readable_date_takes_the_date_option(en, tmp_path):
    sgml = write_sgml(tmp_path / "reut2-902.sgm", reuters(5, date="soon"), reuters(6))
    _out, err = run_import(sgml, "--publish", "--date", "1987-04-01")
    assert Story.objects.get(source_id="reuters21578:5").published_at == datetime.datetime(
        1987, 4, 1, tzinfo=UTC
    )
    # A story with its own time keeps it.
    assert Story.objects.get(source_id="reuters21578:6").published_at == datetime.datetime(
        1987, 2, 26, 15, 1, 1, 790000, tzinfo=UTC
    )
    assert "warning: reut2-902.sgm#NEWID=5: no readable <DATE> in 'soon'" in err


# -- --date is the publication date of copy without one ------------------------------------------


def test_the_date_option_dates_the_article_page(en, seed_path, client):
    out, _err = run_import(seed_path, "--publish", "--date", "2021-04-18")
    story = Story.objects.get()
    assert story.published_at == datetime.datetime(2021, 4, 18, tzinfo=UTC)
    assert story.dateline_date == datetime.date(2021, 4, 18)
    response = client.get(out.split()[1])
    assert response.status_code == 200
    html = response.content.decode()
    assert '<time datetime="2021-04-18T00:00:00Z">18 April 2021, 00:00</time>' in html


def test_without_the_date_option_plain_text_is_published_now(en, seed_path):
    before = datetime.datetime.now(UTC)
    run_import(seed_path, "--publish")
    assert Story.objects.get().published_at >= before


def test_a_draft_takes_no_publication_date_from_the_option(en, seed_path):
    run_import(seed_path, "--date", "2021-04-18")
    story = Story.objects.get()
    assert (story.status, story.published_at) == ("draft", None)
    assert story.dateline_date == datetime.date(2021, 4, 18)


# -- sections ------------------------------------------------------------------------------


@pytest.fixture
def desks(en):
    """Economy and World sections, cocoa mapped to Economy and usa to World; Politics default."""
    economy, politics = make_section(en, "economy"), make_section(en, "politics")
    world = en.sections.get(slug="world")
    politics.is_default = True
    politics.save()
    cocoa = Tag.objects.create(slug="cocoa", name="cocoa", key="cocoa", vocabulary="topic")
    usa = Tag.objects.create(slug="usa", name="usa", key="usa", vocabulary="place")
    SectionMapping.objects.create(edition=en, tag=cocoa, section=economy)
    SectionMapping.objects.create(edition=en, tag=usa, section=world)
    # Another edition's mapping of the same tag is not this edition's rule.
    fa = make_edition("fa")
    SectionMapping.objects.create(edition=fa, tag=usa, section=make_section(fa, "jahan"))
    return {"economy": economy, "politics": politics, "world": world}


def sections_of(tmp_path: Path, *elements: str, options=()) -> dict[int, str | None]:
    run_import(write_sgml(tmp_path / "reut2-903.sgm", *elements), "--edition", "en", *options)
    return {
        int(s.source_id.partition(":")[2]): s.section.slug if s.section else None
        for s in Story.objects.select_related("section")
    }


def test_the_section_option_wins(desks, tmp_path):
    sections = sections_of(tmp_path, reuters(1, topics=("cocoa",)), options=("--section", "world"))
    assert sections == {1: "world"}


def test_the_first_mapped_tag_chooses_the_section_topics_first(desks, tmp_path):
    sections = sections_of(
        tmp_path,
        reuters(1, topics=("cocoa",), places=("usa",)),
        reuters(2, topics=("grain",), places=("usa", "uk")),
        reuters(3, topics=("grain",), places=("uk",)),
    )
    assert sections == {1: "economy", 2: "world", 3: "politics"}


def test_the_default_section_or_none(en, tmp_path):
    assert sections_of(tmp_path, reuters(1, topics=("cocoa",))) == {1: None}
    world = en.sections.get(slug="world")
    world.is_default = True
    world.save()
    assert sections_of(tmp_path, reuters(1), reuters(2)) == {1: None, 2: "world"}


def test_a_single_story_import_chooses_its_section_the_same_way(desks):
    target = ImportTarget(
        edition=None, section=None, publish=True, default_edition=desks["world"].edition
    )
    data = "<!DOCTYPE lewis>" + reuters(8, topics=("cocoa",))
    (parsed,) = parse_reuters_sgml(data.encode(), name="x.sgm").stories
    assert importing.import_story(parsed, target).section == desks["economy"]


# -- stdout: one line per story --------------------------------------------------------------


def test_one_line_per_story_on_stdout_and_the_summary_on_stderr(en, seed_path, tmp_path):
    sgml = write_sgml(tmp_path / "reut2-904.sgm", reuters(1), reuters(2, "GRAIN"))
    out, err = run_import(sgml, seed_path, "--publish")
    stories = list(Story.objects.order_by("code"))
    assert out.splitlines() == [f"published {s.get_absolute_url()}" for s in stories]
    assert out.splitlines()[0].startswith("published /en/news/")
    assert err.endswith("imported 3; skipped 0; 0 warnings\n") and "imported" not in out


def test_json_lines(en, seed_path):
    out, _err = run_import(seed_path, "--json", "--section", "world")
    story = Story.objects.get()
    (line,) = out.splitlines()
    assert json.loads(line) == {
        "status": "draft",
        "updated": False,
        "url": story.get_absolute_url(),
        "code": story.code,
        "edition": "en",
        "section": "world",
        "headline": story.headline,
        "published_at": None,
        "source_id": story.source_id,
        "source_name": "irna-en-84299330.txt",
    }


def test_nothing_importable_is_still_an_error(en, tmp_path):
    (tmp_path / "lewis.dtd").write_text("<!ELEMENT LEWIS O O (REUTERS+)>\n")
    with pytest.raises(CommandError, match="nothing could be imported"):
        run_import(tmp_path / "lewis.dtd")  # named on its own: taken, and refused by content


# -- archive imports in batches -------------------------------------------------------------


def parsed_reuters(*elements: str, name: str = "reut2-905.sgm"):
    return parse_reuters_sgml(("".join(elements)).encode(), name=name).stories


@pytest.mark.django_db(transaction=True)  # real commits: the signals go out after each batch
def test_a_batch_writes_stories_tags_revisions_and_changes_in_order():
    en = make_edition("en")
    sent = []

    def receiver(sender, story, change, **kwargs):
        assert Story.objects.filter(pk=story.pk).exists()  # after the commit
        sent.append((story.pk, change.pk, change.action))

    story_changed.connect(receiver)
    try:
        target = ImportTarget(edition=en, section=None, publish=True)
        elements = [reuters(n, f"STORY {n}", topics=("cocoa", "grain")) for n in range(1, 8)]
        outcomes = list(import_stories(parsed_reuters(*elements), target, batch_size=3))
    finally:
        story_changed.disconnect(receiver)
    stories = [outcome.story for outcome in outcomes]
    assert [s.headline for s in stories] == [f"STORY {n}" for n in range(1, 8)]
    assert [s.code for s in stories] == sorted(s.code for s in stories)
    changes = list(StoryChange.objects.order_by("pk"))
    assert [(c.story_id, c.action) for c in changes] == [
        (s.code, action) for s in stories for action in ("created", "published")
    ]
    assert [(c.version, c.actor_id) for c in changes] == [(1, None)] * 14
    assert sent == [(c.story_id, c.pk, c.action) for c in changes]  # one each, in order
    revisions = Revision.objects.order_by("story_id")
    assert [(r.story_id, r.version) for r in revisions] == [(s.code, 1) for s in stories]
    assert revisions[0].tags == [["topic", "cocoa"], ["topic", "grain"]]
    assert revisions[0].headline == "STORY 1" and revisions[0].body == stories[0].body
    for story in Story.objects.all():
        assert [t.slug for t in story.tags.order_by("slug")] == ["cocoa", "grain"]
        assert story.body_html.startswith("<p>A second paragraph.</p>")
        assert story.status == "published" and story.owner is None


def test_a_batch_costs_a_few_queries_whatever_its_size(en, django_assert_max_num_queries):
    target = ImportTarget(edition=en, section=None, publish=True)
    elements = [reuters(n, f"STORY {n}", topics=("cocoa",), places=("usa",)) for n in range(1, 301)]
    stories = parsed_reuters(*elements)
    with CaptureQueriesContext(connection) as queries:
        assert all(o.story for o in import_stories(stories, target, batch_size=100))
    # Per batch: the duplicate check, savepoint, five inserts (the outbox's the fifth,
    # decision 0050), the wire listings' read of the tag links and insert (decision 0052),
    # release; the tags once.
    assert len(queries) <= 3 * 10 + 10, [q["sql"][:80] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        outcomes = list(import_stories(stories, target, batch_size=100))
    assert all(isinstance(o.skipped, importing.AlreadyImported) for o in outcomes)
    assert len(queries) == 3  # one query per batch finds the duplicates


def test_a_story_create_story_would_refuse_is_skipped_alone(en):
    target = ImportTarget(edition=en, section=None, publish=True)
    stories = parsed_reuters(reuters(1), reuters(2, "X" * 301), reuters(3))
    outcomes = list(import_stories(stories, target))
    assert [o.story is not None for o in outcomes] == [True, False, True]
    assert "300 is the limit" in str(outcomes[1].skipped)
    assert Story.objects.count() == 2


def test_a_field_over_its_limit_is_named_in_the_reason(en):
    """The import prints the reason alone, without the field a form would show it beside."""
    from dataclasses import replace

    target = ImportTarget(edition=en, section=None, publish=False)
    [parsed] = parsed_reuters(reuters(1))
    outcomes = list(
        import_stories(
            [
                replace(parsed, byline="By " + "x" * 300, source_id="qa:1"),
                replace(
                    parsed, dateline=replace(parsed.dateline, place="P" * 121), source_id="qa:2"
                ),
            ],
            target,
        )
    )
    assert [str(outcome.skipped) for outcome in outcomes] == [
        "The byline is 303 characters; 200 is the limit.",
        "The dateline's place is 121 characters; 120 is the limit.",
    ]


def test_a_batch_the_database_refuses_is_retried_story_by_story(en, monkeypatch):
    """A story that passes every check but that the database refuses fails its batch; the
    batch is rolled back whole and its stories written one by one, so only that one is lost."""
    from dateline.stories.actions import bulk

    insert = bulk.insert

    def refusing(objs, **kwargs):
        if any(getattr(obj, "headline", "") == "REFUSED" for obj in objs):
            raise IntegrityError("CHECK constraint failed")
        return insert(objs, **kwargs)

    monkeypatch.setattr(bulk, "insert", refusing)
    target = ImportTarget(edition=en, section=None, publish=True)
    stories = parsed_reuters(*(reuters(n, "REFUSED" if n == 3 else f"S{n}") for n in range(1, 6)))
    outcomes = list(import_stories(stories, target))
    assert [o.story is not None for o in outcomes] == [True, True, False, True, True]
    assert "the database refused it" in str(outcomes[2].skipped)
    assert sorted(Story.objects.values_list("headline", flat=True)) == ["S1", "S2", "S4", "S5"]
    assert Revision.objects.count() == 4 and StoryChange.objects.count() == 8


def test_copy_stored_meanwhile_by_another_import_is_skipped_as_already_imported(en, monkeypatch):
    target = ImportTarget(edition=en, section=None, publish=False)
    list(import_stories(parsed_reuters(reuters(2)), target))
    # The other import commits between this batch's duplicate check and its write.
    monkeypatch.setattr(importing, "_stored_source_ids", lambda source_ids: set())
    outcomes = list(import_stories(parsed_reuters(reuters(1), reuters(2), reuters(3)), target))
    assert [o.story is not None for o in outcomes] == [True, False, True]
    assert isinstance(outcomes[1].skipped, importing.AlreadyImported)
    assert Story.objects.count() == 3


def test_plain_text_is_checked_and_tagged_like_create_story(en):
    target = ImportTarget(edition=en, section=None, publish=False)
    parsed = parse_text(
        "Talks \u202eresume\n\nTehran, IRNA – Talks resumed.\n".encode(),
        name="t.txt",
        now=datetime.datetime(2021, 4, 20, tzinfo=UTC),
    )
    (outcome,) = import_stories([parsed], target)
    assert outcome.story.headline == "Talks resume"
    assert outcome.story.source_id == importing.source_id_of(parsed)


# -- the import's direct rendering of plain copy is the renderer's -----------------------------

_PIECES = [
    *"abcXYZ 019.)(-+=*_#`~|[]<>&\\!\"':;/?@$%^{}\t\n\r\x00\x01\x0b\x0c\x1f\x7f\x85",
    *"\u00a0\u200b\u2028\u2029\u3000\ufeff\uffff\u0301é\u202e\u2066ی\U0001f600",
    *["&amp;", "&#65;", "&#x41;", "&#0;", "&nbsp;", "&quot;", "<b>", "<!--", "-->", "<?x", "]]>"],
    *["http://x.y", "<http://a>", "<a@b.c>", "![a](b)", "[a](b)", "[a]: /u", "**", "__", "*a*"],
    *["`a`", "```", "1. ", "2) ", "- ", "+ ", "> ", "    ", "---", "===", "\\\n", "  \n", "## "],
    "<a href='javascript:x'>",
]


def _blocks(rng: random.Random) -> list[Block]:
    return [
        Block(
            rng.choice(["p", "p", "h2"]),
            "x" + "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 14))),
        )
        for _ in range(rng.randint(1, 3))
    ]


def _story(blocks: list[Block]):
    story = parse_text(b"H\n\nL.\n", name="t.txt", now=datetime.datetime(2021, 1, 1, tzinfo=UTC))
    story.blocks = blocks
    return story


def test_plain_copy_renders_directly_as_the_renderer_renders_it_random_text():
    rng = random.Random(20261128)
    for _ in range(20_000):
        story = _story(_blocks(rng))
        assert importing.plain_body_html(story) == render_body(story.body_markdown()), story.blocks


def test_plain_copy_renders_directly_as_the_renderer_renders_it_real_copy(seed_path, reuters_dir):
    stories = [
        story
        for path in [seed_path, *sorted(reuters_dir.glob("reut2-*.sgm"))]
        for story in parse_file(path, now=datetime.datetime(2021, 4, 20, tzinfo=UTC)).stories
    ]
    assert len(stories) == 19_772
    for story in stories:
        assert importing.plain_body_html(story) == render_body(story.body_markdown())


def test_a_block_without_text_is_left_to_the_renderer():
    assert importing.plain_body_html(_story([Block("p", "One."), Block("p", " ")])) is None


# -- A database that takes no more writes ------------------------------------------------------


def _pragma(statement: str) -> int:
    with connection.cursor() as cursor:
        return cursor.execute(f"PRAGMA {statement}").fetchone()[0]


@pytest.fixture
def page_limit():
    """SQLite's page limit, to make the database grow no more as on a full disk (SQLite's own
    "database or disk is full"); put back after the test."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page limit stands in for a full disk")
    limit = _pragma("max_page_count")
    yield limit
    _pragma(f"max_page_count = {limit}")


def test_a_full_database_stops_the_import_saying_so_and_a_run_again_stores_the_rest(
    en, tmp_path, page_limit
):
    """A full disk is no story's fault: not every story after it "skipped: the database
    refused it" and exit status 0, but the import stopped, naming what the database said.
    Every story stored has its line; running the same import later stores the rest."""
    copy = write_sgml(tmp_path / "copy.sgm", *(reuters(n, f"STORY {n}") for n in range(1, 41)))
    _pragma(f"max_page_count = {_pragma('page_count')}")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import", str(copy), stdout=out, stderr=err)
    stored = Story.objects.count()
    assert str(raised.value) == (
        f"stopped: the database takes no writes (database or disk is full); {stored} stories "
        "stored. Run the same import again once it does: what is stored is skipped"
    )
    assert len(out.getvalue().splitlines()) == stored < 40
    assert "refused" not in err.getvalue()
    _pragma(f"max_page_count = {page_limit}")
    out, err = run_import(copy)
    assert Story.objects.count() == 40
    assert len(out.splitlines()) == 40 - stored
