"""Partner copy in (issue 9, item 7): ninjs and NewsML-G2 items become Incoming drafts with
their source; the same item twice is one draft; a newer version replaces an untouched draft;
hostile HTML never reaches a page; a bad file is named with its problem and stores nothing."""

import io
import json

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from lxml import etree

from dateline.accounts.models import Role
from dateline.stories import importing
from dateline.stories.actions.partner import NotNewer, replace_incoming_copy
from dateline.stories.actions.take import take_story
from dateline.stories.models import Status, Story, StoryChange
from dateline.wire.subscribers import add_subscriber
from tests.factories import make_edition, make_member, make_section
from tests.newsroom.conftest import client_for, html, post

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p>The talks resumed.<script>alert("lead")</script></p>'
    '<p><img src=x onerror="alert(1)">Delegates met <a href="javascript:alert(2)">here</a>.</p>'
    "<style>body{display:none}</style><h3>&lt;script&gt;alert(3)&lt;/script&gt;</h3>"
)


@pytest.fixture
def en():
    edition = make_edition("en")
    make_section(edition, "world")
    return edition


def item(version="1", headline="Talks resume in Vienna", body="<p>Talks resumed.</p>", **more):
    return {
        "uri": "urn:partner:afp:1",
        "version": version,
        "language": "en",
        "copyrightHolder": "Agence France-Presse",
        "headlines": [{"value": headline}],
        "by": "By Jane Smith",
        "located": "Vienna",
        "subjects": [{"name": "Diplomacy"}],
        "bodies": [{"contentType": "text/html", "value": body}],
        **more,
    }


def write(tmp_path, name, data) -> str:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return str(path)


def run_import(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_ninjs_item_becomes_an_incoming_draft_with_its_source(en, tmp_path):
    out, err = run_import(write(tmp_path, "afp.json", item()), "--format", "ninjs")
    story = Story.objects.get()
    assert out == f"draft {story.get_absolute_url()}\n"
    assert (story.status, story.owner) == (Status.DRAFT, None)
    assert story.source_id == "partner:urn:partner:afp:1"
    assert story.source_name == "Agence France-Presse: urn:partner:afp:1 (version 1)"
    assert (story.headline, story.lead, story.byline) == (
        "Talks resume in Vienna",
        "Talks resumed.",
        "By Jane Smith",
    )
    assert story.dateline_place == "Vienna"
    assert story.credit == "Agence France-Presse"  # its rights holder, named to subscribers
    assert [tag.name for tag in story.tags.all()] == ["Diplomacy"]
    assert "imported 1; skipped 0" in err


def test_the_same_item_twice_is_one_draft(en, tmp_path):
    path = write(tmp_path, "afp.json", item())
    run_import(path)
    out, err = run_import(path, write(tmp_path, "again.json", item()))
    assert out == ""
    assert "imported 0; skipped 2 (2 already imported)" in err
    assert Story.objects.count() == 1


def test_a_newer_version_replaces_the_draft_and_an_older_one_does_not(en, tmp_path):
    run_import(write(tmp_path, "v1.json", item()))
    newer = item(version="3", headline="Talks end in Vienna", body="<p>Talks ended.</p>")
    out, _ = run_import(write(tmp_path, "v3.json", newer))
    story = Story.objects.get()
    assert out == f"updated draft {story.get_absolute_url()}\n"
    assert (story.headline, story.lead, story.version) == ("Talks end in Vienna", "Talks ended.", 2)
    assert story.source_name.endswith("(version 3)")
    assert story.credit == "Agence France-Presse"
    change = StoryChange.objects.filter(story=story).latest("id")
    assert (change.action, change.note) == ("edited", "the partner's version 3")
    out, err = run_import(write(tmp_path, "v2.json", item(version="2", headline="Stale")))
    assert out == "" and "1 already imported" in err
    assert Story.objects.get().headline == "Talks end in Vienna"


def test_an_older_version_whose_read_a_newer_one_overtook_is_already_imported(
    en, tmp_path, monkeypatch
):
    """Two imports of one item at once: version 8 reads the stored version (1), then version 9
    is stored before version 8 writes. Version 8 must find 9 under the lock and leave it."""
    run_import(write(tmp_path, "v1.json", item()))
    unlocked_read = importing.stored_version

    def overtaken(source_name):
        monkeypatch.setattr(importing, "stored_version", unlocked_read)
        run_import(write(tmp_path, "v9.json", item(version="9", headline="Version nine")))
        return unlocked_read(source_name)

    monkeypatch.setattr(importing, "stored_version", overtaken)
    out, err = run_import(write(tmp_path, "v8.json", item(version="8", headline="Version eight")))
    assert out == ""
    assert "skipped 1 (1 already imported)" in err
    story = Story.objects.get()
    assert (story.headline, story.version) == ("Version nine", 2)
    assert story.source_name.endswith("(version 9)")


def test_a_newer_version_whose_first_was_stored_after_the_check_replaces_it(
    en, tmp_path, monkeypatch
):
    """Two first imports at once: version 9 finds nothing stored, then version 1's draft is
    made before 9's. Version 9 was skipped as already imported and lost."""
    run_import(write(tmp_path, "v1.json", item()))
    monkeypatch.setattr(importing, "_stored_source_ids", lambda source_ids: set())
    out, _ = run_import(write(tmp_path, "v9.json", item(version="9", headline="Version nine")))
    story = Story.objects.get()
    assert out == f"updated draft {story.get_absolute_url()}\n"
    assert story.headline == "Version nine" and story.source_name.endswith("(version 9)")


def test_replacing_a_draft_refuses_a_version_not_newer_than_the_stored_one(en, tmp_path):
    run_import(write(tmp_path, "v5.json", item(version="5")))
    story = Story.objects.get()
    for version in (5, 4):
        with pytest.raises(NotNewer, match="version 5 is stored"):
            replace_incoming_copy(
                story,
                version=version,
                source_name=f"AFP: urn:partner:afp:1 (version {version})",
                tags=[],
                note=f"the partner's version {version}",
                headline="Stale",
                lead="Stale.",
            )
    story.refresh_from_db()
    assert (story.headline, story.version) == ("Talks resume in Vienna", 1)


def test_two_versions_in_one_run_end_as_the_newer(en, tmp_path):
    first = write(tmp_path, "a1.json", item())
    second = write(tmp_path, "a2.json", item(version="2", headline="Second"))
    out, _ = run_import(first, second)
    assert out.splitlines()[1].startswith("updated draft ")
    assert Story.objects.get().headline == "Second"


def test_a_newer_version_never_overwrites_a_draft_taken_up(en, tmp_path):
    run_import(write(tmp_path, "v1.json", item()))
    editor = make_member("editor", "editor", (en,))
    take_story(Story.objects.get(), by=editor)
    with pytest.raises(CommandError, match="nothing could be imported"):
        run_import(write(tmp_path, "v2.json", item(version="2", headline="Replaced")))
    story = Story.objects.get()
    assert story.headline == "Talks resume in Vienna"


def test_the_error_names_a_newer_version_left_out(en, tmp_path):
    run_import(write(tmp_path, "v1.json", item()))
    take_story(Story.objects.get(), by=make_member("editor", "editor", (en,)))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import", write(tmp_path, "v2.json", item(version="2")), stdout=out, stderr=err
        )
    assert "version 2 not applied: story" in err.getvalue()
    assert "was taken up in the newsroom; not replaced" in err.getvalue()
    assert "skipped 1 (1 not applied)" in err.getvalue()


def test_a_newer_version_of_a_story_published_on_import_says_so(en, tmp_path):
    run_import(write(tmp_path, "v1.json", item()), "--publish")
    story = Story.objects.get()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", write(tmp_path, "v2.json", item(version="2")), stderr=err)
    shown = err.getvalue()
    assert f"version 2 not applied: story {story.code} is published" in shown
    # Named by its file first: in a directory's import the uri alone does not say which.
    assert "v2.json (Agence France-Presse: urn:partner:afp:1 (version 2)): skipped: " in shown
    assert "an editor corrects it" in shown and "taken up" not in shown
    assert "(1 not applied)" in shown
    assert Story.objects.get().headline == "Talks resume in Vienna"


def test_a_newer_version_of_an_incoming_draft_stays_a_draft_with_publish_and_says_why(en, tmp_path):
    """It printed "updated draft" and exited 0, and nothing said why --publish was not done."""
    run_import(write(tmp_path, "v1.json", item()))
    newer = write(tmp_path, "v2.json", item(version="2", headline="Talks end"))
    out, err = run_import(newer, "--publish", "--json")
    story = Story.objects.get()
    assert (story.status, story.headline) == (Status.DRAFT, "Talks end")
    line = json.loads(out)
    assert (line["status"], line["updated"]) == ("draft", True)
    assert set(line) == {
        "status", "updated", "url", "code", "edition", "section", "headline", "published_at",
        "source_id", "source_name",
    }  # fmt: skip
    assert (
        f"warning: v2.json (Agence France-Presse: urn:partner:afp:1 (version 2)): updated draft "
        f"{story.get_absolute_url()}, not published: a newer version of a draft still in "
        "Incoming replaces its text only, whatever --publish says; an editor takes it up and "
        "publishes it\n"
    ) in err
    assert "; 1 warnings" in err
    out, err = run_import(write(tmp_path, "v3.json", item(version="3")))  # no --publish
    assert out == f"updated draft {Story.objects.get().get_absolute_url()}\n"
    assert "warning:" not in err


def test_hostile_partner_html_never_reaches_the_page(en, tmp_path, client):
    out, _ = run_import(write(tmp_path, "evil.json", item(body=HOSTILE)), "--publish")
    page = client.get(out.split()[1])
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    article = soup.select_one("article") or soup
    text = article.get_text(" ")
    assert "The talks resumed." in text and "Delegates met here." in text
    assert "<script>alert(3)</script>" in text  # escaped text stays text
    for script in soup.find_all("script"):
        assert "alert" not in script.get_text()
    assert not soup.select(
        "[onerror], a[href^='javascript:'], img[src='x'], style:-soup-contains('display:none')"
    )


def test_a_newsml_example_imports(en, tmp_path, iptc_examples):
    out, _ = run_import(
        iptc_examples / "LISTING_2_NewsML-G2_Text_Document.xml", "--format", "newsml"
    )
    story = Story.objects.get()
    assert out == f"draft {story.get_absolute_url()}\n"
    assert story.source_name.startswith("Acme News and Media LLC: urn:newsml:acmenews.com")
    assert story.dateline_place == "New York, NY"
    assert story.byline == "By Meredith Jameson"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'{"uri": "u", "headline": ', "bad.json: not valid JSON (Expecting value, line 1"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
         b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">&a;&a;</newsItem>',
         "bad.json: refused: the XML declares a DTD"),
        ('{"uri": "é"}'.encode("utf-16"), "bad.json: "),
    ],
)  # fmt: skip
def test_a_bad_partner_file_is_named_and_stores_nothing(en, tmp_path, data, problem):
    out, err = io.StringIO(), io.StringIO()
    path = write(tmp_path, "bad.json", data)
    with pytest.raises(CommandError, match="nothing could be imported"):
        call_command("import", path, "--format", "auto", stdout=out, stderr=err)
    assert problem in err.getvalue()
    assert Story.objects.count() == 0


def test_a_forced_format_that_does_not_fit_is_named(en, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import",
            write(tmp_path, "afp.json", item()),
            "--format",
            "newsml",
            stdout=out,
            stderr=err,
        )
    assert "afp.json: not well-formed XML" in err.getvalue()
    assert Story.objects.count() == 0


def test_a_directory_of_partner_items_with_their_format(en, tmp_path):
    folder = tmp_path / "feed"
    folder.mkdir()
    write(folder, "a.json", item())
    write(folder, "b.json", item(uri="urn:partner:afp:2", headline="Second item"))
    write(folder, "notes.txt", b"Not an item\n\nLONDON - text.\n")
    out, err = run_import(folder, "--format", "ninjs")
    assert len(out.splitlines()) == 2
    assert "notes.txt: passed over, not wire copy: .txt is not a wire-copy suffix (.json)" in err
    assert sorted(Story.objects.values_list("source_id", flat=True)) == [
        "partner:urn:partner:afp:1",
        "partner:urn:partner:afp:2",
    ]
    _, err = run_import(folder)  # without --format the directory takes text and SGML only
    assert "a.json: passed over, not wire copy: .json is not a wire-copy suffix" in err


def test_numbers_json_cannot_hold_refuse_their_file_alone(en, tmp_path):
    """A number of over 4,300 digits made json.loads raise a ValueError of its own, which
    ended the run and took the valid files read before it; NaN was read as no version."""
    folder = tmp_path / "feed"
    folder.mkdir()
    write(folder, "a.json", item(uri="urn:partner:afp:a", versionCreated="not a time"))
    huge = json.dumps(item(uri="urn:partner:afp:b", version="HUGE"))
    write(folder, "b.json", huge.replace('"HUGE"', "9" * 4301).encode())
    write(folder, "c.json", item(uri="urn:partner:afp:c", version=float("nan")))
    write(folder, "d.json", item(uri="urn:partner:afp:d"))
    out, err = run_import(folder, "--format", "ninjs")
    assert len(out.splitlines()) == 2
    assert "b.json: not valid JSON (a number of 4,301 digits, too long to read)" in err
    assert "c.json: not valid JSON (NaN is not a JSON number)" in err
    assert "warning: a.json: the item's time 'not a time' is not an ISO 8601 time" in err
    assert sorted(Story.objects.values_list("source_id", flat=True)) == [
        "partner:urn:partner:afp:a",
        "partner:urn:partner:afp:d",
    ]


def test_an_embargoed_item_imported_with_publish_waits_for_its_embargo(en, tmp_path, client):
    until = f"{timezone.now().year + 2}-01-01T00:00:00Z"
    embargoed = item(embargoedUntil=until, pubStatus="withheld")
    out, _ = run_import(write(tmp_path, "e.json", embargoed), "--publish")
    story = Story.objects.get()
    assert out == f"scheduled {story.get_absolute_url()}\n"
    assert story.status == Status.SCHEDULED
    assert client.get(story.get_absolute_url()).status_code == 404


def test_an_embargo_with_a_fraction_of_a_second_is_sent_out_from_the_edit_screen(en, tmp_path):
    """The edit screen fills Embargo with the partner's time to the second: an embargo kept to
    the microsecond (13:30:47.5) refused that time (13:30:47) as sooner than itself."""
    until = f"{timezone.now().year + 1}-01-01T13:30:47.5Z"
    run_import(write(tmp_path, "e.json", item(embargoedUntil=until, pubStatus="withheld")))
    story = Story.objects.get()
    assert story.embargo_until.isoformat() == f"{timezone.now().year + 1}-01-01T13:30:48+00:00"
    editor = client_for(make_member("eve", Role.EDITOR, (en,)))
    page = html(editor.get(f"/newsroom/stories/{story.pk}/"))
    filled = page.select_one("form.move-embargo [name=embargo-until]")["value"]
    response = post(editor, f"/newsroom/stories/{story.pk}/embargo/", {"embargo-until": filled})
    assert response.status_code == 302, html(response).find(role="alert")
    story.refresh_from_db()
    assert (story.status, story.is_embargoed) == (Status.PUBLISHED, True)


@pytest.mark.parametrize("sent", [123, '"><b>x', "12345678901234567890"])
def test_an_item_whose_language_is_no_tag_goes_out_in_the_detected_one(
    en, tmp_path, client, iptc_examples, sent
):
    """Stored as given, `"><b>x` reached the page's lang attribute and NewsML-G2's xml:lang
    (invalid under the XSD), and 20 characters overflowed the column."""
    out, err = run_import(write(tmp_path, "odd.json", item(language=sent)), "--publish")
    story = Story.objects.get()
    assert (story.status, story.language, story.edition) == (Status.PUBLISHED, "en", en)
    assert f"warning: odd.json: the item's language {str(sent)!r} is not a language tag" in err
    page = BeautifulSoup(client.get(out.split()[1]).content, "html.parser")
    assert page.select_one("article.story")["lang"] == "en"
    schema = etree.XMLSchema(
        etree.parse(str(iptc_examples.parent / "NewsML-G2_2.35-spec-All-Power.xsd"))
    )
    subscriber = Client(HTTP_AUTHORIZATION=f"Bearer {add_subscriber('Every Edition').api_key}")
    response = subscriber.get(f"/api/v1/items/{story.code}", {"format": "newsml"})
    document = etree.fromstring(response.content)
    assert schema.validate(document), schema.error_log
    assert document.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_a_ninjs_item_whose_uri_comes_late_imports_without_a_format(en, tmp_path):
    """A uri after the first 64 KiB (bodies first, pretty-printed): the item was passed over
    as "notes or a list" unless --format ninjs was given."""
    body = "".join(f"<p>Paragraph {number} of the talks.</p>" for number in range(3000))
    fields = {key: value for key, value in item(body=body).items() if key != "uri"}
    late = json.dumps({**fields, "uri": "urn:late"}, indent=2).encode()
    assert late.index(b'"uri"') > 64 * 1024
    out, _ = run_import(write(tmp_path, "late.json", late), "--publish")
    story = Story.objects.get()
    assert out == f"published {story.get_absolute_url()}\n"
    assert story.source_id == "partner:urn:late"


def test_json_without_a_uri_is_named_as_a_ninjs_item_without_one(en, tmp_path):
    fields = {key: value for key, value in item().items() if key != "uri"}
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing could be imported"):
        call_command("import", write(tmp_path, "no-uri.json", fields), "--publish", stderr=err)
    assert "no-uri.json: the ninjs item has no uri, so it could not be told apart" in err.getvalue()
    assert "passed over" not in err.getvalue()
