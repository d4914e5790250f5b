"""Every item the API produces validates against IPTC's own ninjs 3.3 and 2.4 JSON Schemas and
the NewsML-G2 2.35 XSD (../shared/data/iptc/), for stories of both editions, plain, corrected,
embargoed and killed; and says what the story is (status, embargo, correction, dateline)."""

import datetime
import json

import pytest
from lxml import etree

from dateline.copy.partner import parse_newsml
from dateline.stories.actions import correct_story
from dateline.stories.models import Revision, Tag
from dateline.wire.items import item_of
from dateline.wire.models import MediaTopic, TopicMapping
from dateline.wire.topics import load_topics
from tests.factories import make_story
from tests.wire.conftest import IPTC, NEWSML_TYPE, need_shared, pull, schema_errors, wire

pytestmark = pytest.mark.django_db
NAR = {"g": "http://iptc.org/std/nar/2006-10-01/"}
KINDS = ("plain", "corrected", "embargoed", "killed")


@pytest.fixture(scope="module")
def newsml_schema():
    return etree.XMLSchema(
        etree.parse(str(need_shared(IPTC / "newsml-g2" / "NewsML-G2_2.35-spec-All-Power.xsd")))
    )


@pytest.mark.parametrize("edition", ["en", "fa"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_format_validates(stories, issued, ninjs_validators, newsml_schema, edition, kind):
    story = stories[f"{edition}-{kind}"]
    client = wire(issued.api_key)
    url = f"/api/v1/items/{story.code}"
    ninjs3 = json.loads(client.get(url).content)
    assert schema_errors(ninjs_validators["3.3"], ninjs3) == []
    ninjs2 = json.loads(client.get(url, {"format": "ninjs2"}).content)
    assert schema_errors(ninjs_validators["2.4"], ninjs2) == []
    for response in (
        client.get(url, {"format": "newsml"}),
        client.get(url, HTTP_ACCEPT=NEWSML_TYPE),
    ):
        assert response["Content-Type"].startswith(NEWSML_TYPE)
        document = etree.fromstring(response.content)
        assert newsml_schema.validate(document), newsml_schema.error_log
    # Earlier versions too (a corrected story's first).
    if story.version > 1:
        older = json.loads(client.get(url, {"version": 1}).content)
        assert schema_errors(ninjs_validators["3.3"], older) == []
        assert newsml_schema.validate(
            etree.fromstring(client.get(url, {"version": 1, "format": "newsml"}).content)
        )


def test_a_whole_dateline_goes_out_in_newsml(editions, issued, newsml_schema):
    """Place, day and source, as the seed's page shows them; subscribers had only the place."""
    story = make_story(
        editions[0],
        dateline_place="Moscow",
        dateline_date=datetime.date(2026, 4, 18),
        dateline_source="IRNA",
    )
    document = _newsml(wire(issued.api_key), story)
    assert newsml_schema.validate(document), newsml_schema.error_log
    assert document.findtext("g:contentMeta/g:dateline", namespaces=NAR) == "Moscow, April 18, IRNA"


def test_a_byline_goes_out_in_newsml_as_its_people_and_as_written(editions, issued, newsml_schema):
    """Each creator is a person, without the byline's "By"; the byline is `by`, so an agency
    reading the item (our own import among them) gets "By Sara Ahmadi…", not "By By …"."""
    story = make_story(editions[0], byline="By Sara Ahmadi and Ali Rezaei")
    response = wire(issued.api_key).get(f"/api/v1/items/{story.code}", {"format": "newsml"})
    document = etree.fromstring(response.content)
    assert newsml_schema.validate(document), newsml_schema.error_log
    creators = document.findall("g:contentMeta/g:creator/g:name", NAR)
    assert [creator.text for creator in creators] == ["Sara Ahmadi", "Ali Rezaei"]
    assert document.findtext("g:contentMeta/g:by", namespaces=NAR) == story.byline
    read_back = parse_newsml(response.content, name="ours.xml", now=story.published_at)
    assert read_back.byline == "By Sara Ahmadi and Ali Rezaei"


def test_partner_copy_goes_out_as_the_partners(editions, issued, ninjs_validators, newsml_schema):
    """A partner's item we pass on names its rights holder, not us; our own names us."""
    theirs = make_story(editions[0], headline="Talks resume", credit="Agence France-Presse")
    ours = make_story(editions[0], headline="Rail opens")
    client = wire(issued.api_key)
    for story, holder in ((theirs, "Agence France-Presse"), (ours, "Dateline")):
        item = _ninjs(client, story)
        assert schema_errors(ninjs_validators["3.3"], item) == []
        assert item["copyrightHolder"] == holder
        assert _ninjs(client, story, format="ninjs2")["copyrightholder"] == holder
        document = _newsml(client, story)
        assert newsml_schema.validate(document), newsml_schema.error_log
        named = document.findtext("g:rightsInfo/g:copyrightHolder/g:name", namespaces=NAR)
        assert named == (holder if story is theirs else None)


def test_the_feed_validates(stories, issued, ninjs_validators):
    for version, fmt in (("3.3", "ninjs"), ("2.4", "ninjs2")):
        items = pull(wire(issued.api_key), format=fmt)["items"]
        assert len(items) == 8  # plain, corrected, embargoed and killed, in two editions
        for item in items:
            assert schema_errors(ninjs_validators[version], item) == []


def test_a_schema_error_would_be_caught(ninjs_validators, newsml_schema):
    """The validators are real: a wrong status fails both."""
    assert schema_errors(ninjs_validators["3.3"], {"uri": "urn:x:1", "pubStatus": "live"})
    bad = etree.fromstring(b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x"/>')
    assert not newsml_schema.validate(bad)


def _ninjs(client, story, **query):
    return json.loads(client.get(f"/api/v1/items/{story.code}", query).content)


def _newsml(client, story):
    return etree.fromstring(client.get(f"/api/v1/items/{story.code}", {"format": "newsml"}).content)


def test_what_the_items_say(stories, issued):
    client = wire(issued.api_key)
    plain = _ninjs(client, stories["fa-plain"])
    assert plain["pubStatus"] == "usable"
    assert plain["language"] == "fa"
    assert plain["located"] == "تهران"
    assert plain["by"] == "By راه‌آهن Desk"
    assert plain["headlines"][0]["value"] == "راه‌آهن plain"
    assert "<h2>A sub-heading</h2>" in plain["bodies"][0]["value"]
    assert plain["uri"] == f"urn:dateline:story:{stories['fa-plain'].code}"
    assert "associations" not in plain and "embargoedUntil" not in plain
    # NewsML-G2 carries the dateline as the page shows it, without the dash into the lead.
    for kind, dateline in (("fa-plain", "تهران"), ("en-plain", "TEHRAN")):
        g2 = _newsml(client, stories[kind])
        assert g2.findtext("g:contentMeta/g:dateline", namespaces=NAR) == dateline

    embargoed = stories["en-embargoed"]
    item = _ninjs(client, embargoed)
    assert item["pubStatus"] == "withheld"
    assert item["embargoedUntil"] == embargoed.embargo_until.isoformat(timespec="seconds").replace(
        "+00:00", "Z"
    )
    assert _ninjs(client, embargoed, format="ninjs2")["embargoed"] == item["embargoedUntil"]
    meta = _newsml(client, embargoed).find("g:itemMeta", NAR)
    assert meta.findtext("g:embargoed", namespaces=NAR) == item["embargoedUntil"]
    assert meta.find("g:pubStatus", NAR).get("qcode") == "stat:withheld"

    corrected = stories["en-corrected"]
    item = _ninjs(client, corrected)
    assert item["version"] == "2"
    assert item["descriptions"] == [
        {"role": "correction", "value": "An earlier version misnamed the Rail minister."}
    ]
    assert item["associations"] == [
        {"name": "previous version", "rel": "previousVersion", "uri": item["uri"], "version": "1"}
    ]
    assert "<p>Fixed.</p>" in item["bodies"][0]["value"]
    first = _ninjs(client, corrected, version=1)
    assert first["version"] == "1" and "descriptions" not in first
    assert "Fixed." not in first["bodies"][0]["value"]
    meta = _newsml(client, corrected).find("g:itemMeta", NAR)
    assert meta.find("g:signal", NAR).get("qcode") == "sig:correction"
    assert meta.find("g:link", NAR).get("version") == "1"

    killed = _ninjs(client, stories["en-killed"])
    assert killed["pubStatus"] == "canceled"
    assert "bodies" not in killed and "Legal" not in json.dumps(killed)
    killed_xml = _newsml(client, stories["en-killed"])
    assert killed_xml.find("g:itemMeta/g:pubStatus", NAR).get("qcode") == "stat:canceled"
    assert killed_xml.find("g:contentSet", NAR) is None


def test_only_versions_that_went_out_can_be_asked_for_again(editions, issued):
    """A draft's versions before publication (an editor's note, unchecked copy) never went out
    on the wire: asking for them is a 404, and no item names them as its previous version."""
    from dateline.stories import actions

    en, _fa = editions
    story = actions.create_story(edition=en, headline="Minister visits", lead="Draft lead.")
    actions.edit_story(story, base_version=1, headline="EDITOR NOTE: unconfirmed resignation")
    actions.edit_story(story, base_version=2, headline="Minister visits Moscow")
    actions.publish_story(story)
    client = wire(issued.api_key)
    for version in (1, 2):
        response = client.get(f"/api/v1/items/{story.code}", {"version": version})
        assert response.status_code == 404, version
    published = _ninjs(client, story)
    assert published["version"] == "3" and "associations" not in published
    assert _newsml(client, story).find("g:itemMeta/g:link", NAR) is None
    actions.correct_story(story, base_version=3, note="Time fixed.", lead="Fixed lead.")
    corrected = _ninjs(client, story)
    assert corrected["associations"][0]["version"] == "3"
    assert _ninjs(client, story, version=3)["headlines"][0]["value"] == "Minister visits Moscow"
    assert _newsml(client, story).find("g:itemMeta/g:link", NAR).get("version") == "3"


def test_hostile_text_stays_text(editions, issued, newsml_schema):
    from tests.factories import make_story

    story = make_story(
        editions[0], headline="<script>alert(1)</script> & ]]> \u202e", lead="<b>bold</b>"
    )
    client = wire(issued.api_key)
    item = _ninjs(client, story)
    assert item["headlines"][0]["value"].startswith("<script>")  # JSON carries it as text
    assert "<b>" not in item["bodies"][0]["value"]
    document = _newsml(client, story)
    assert newsml_schema.validate(document)
    assert document.findtext("g:contentMeta/g:headline", namespaces=NAR).startswith("<script>")


def test_control_characters_stored_before_the_guard_never_break_the_xml(
    editions, issued, newsml_schema
):
    """Copy stored before control characters were removed on the way in still reaches
    subscribers as well-formed, valid NewsML-G2: what XML cannot hold is left out."""
    from dateline.stories.models import Story
    from tests.factories import make_story

    story = make_story(editions[0], headline="Rail link opens", lead="Trains ran.")
    Story.objects.filter(pk=story.pk).update(
        headline="Rail\x07 link\x1b opens", byline="By\x1f Ali", dateline_place="Teh\x0cran"
    )
    document = _newsml(wire(issued.api_key), story)
    assert newsml_schema.validate(document), newsml_schema.error_log
    assert document.findtext("g:contentMeta/g:headline", namespaces=NAR) == "Rail link opens"


@pytest.mark.parametrize(
    "query",
    [
        {"format": "pdf"},
        {"version": "0"},
        {"version": "x"},
        {"version": "99"},
        {"version": str(2**70)},
    ],
)
def test_bad_queries_are_4xx(stories, issued, query):
    response = wire(issued.api_key).get(f"/api/v1/items/{stories['en-plain'].code}", query)
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("path", ["0", "-1", str(2**70), "abc", "1.5"])
def test_bad_codes_are_4xx(stories, issued, path):
    assert 400 <= wire(issued.api_key).get(f"/api/v1/items/{path}").status_code < 500


@pytest.mark.parametrize("written", ["{code}.0", "0{code}", "000{code}"])
def test_a_code_written_otherwise_is_no_item(stories, issued, written):
    """`1.0` and `01` are not the code 1: one item, one address."""
    code = stories["en-plain"].code
    path = f"/api/v1/items/{written.format(code=code)}"
    assert wire(issued.api_key).get(path).status_code == 404


def test_head_answers_as_get_does_without_a_body(stories, issued):
    client = wire(issued.api_key)
    for path in ("/api/v1/items", f"/api/v1/items/{stories['en-plain'].code}"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head["Content-Type"] == got["Content-Type"] and head.content == b""
    assert client.head("/api/v1/items/999999").status_code == 404
    assert wire(None).head("/api/v1/items").status_code == 401


@pytest.mark.parametrize(
    ("accept", "newsml"),
    [
        ("application/vnd.iptc.g2.newsitem+xml", True),
        ("application/vnd.iptc.g2.newsitem+xml;q=0, application/json", False),
        ("application/json;q=0.5, application/vnd.iptc.g2.newsitem+xml", True),
        ("*/*", False),
        ("", False),
        (" , ,,", False),  # nothing but commas: no preference, not a refusal of both
        # A type refused by q=0 stays refused though a wider range takes the rest.
        ("application/json;q=0, */*", True),
        ("application/*;q=0.2, application/vnd.iptc.g2.newsitem+xml;q=0.1", False),
        ("text/html, */*;q=0.8", False),
    ],
)
def test_accept_is_read_with_its_preferences(stories, issued, accept, newsml):
    response = wire(issued.api_key).get(
        f"/api/v1/items/{stories['en-plain'].code}", HTTP_ACCEPT=accept
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(NEWSML_TYPE if newsml else "application/json")
    assert response["Vary"] == "Accept"


@pytest.mark.parametrize("accept", ["application/json;q=0", "*/*;q=0", "text/html"])
def test_an_accept_refusing_both_types_is_a_406_unless_a_format_is_asked(stories, issued, accept):
    client = wire(issued.api_key)
    url = f"/api/v1/items/{stories['en-plain'].code}"
    refused = client.get(url, HTTP_ACCEPT=accept)
    assert refused.status_code == 406
    assert refused.json() == {
        "detail": f"Accept refuses both types offered: application/json and {NEWSML_TYPE}"
    }
    assert client.get(url, {"format": "newsml"}, HTTP_ACCEPT=accept).status_code == 200


def test_subjects_are_media_topics(stories, issued, ninjs_validators, newsml_schema):
    topics = need_shared(IPTC / "mediatopics" / "cptall-x-all.json")
    load_topics(topics)  # "Politics" maps to medtop:11000000 by its English label
    client = wire(issued.api_key)
    item = _ninjs(client, stories["fa-plain"])
    assert item["subjects"] == [
        {
            "name": "سیاست",
            "uri": "http://cv.iptc.org/newscodes/mediatopic/11000000",
            "literal": "medtop:11000000",
            "rel": "about",
        }
    ]
    assert schema_errors(ninjs_validators["3.3"], item) == []
    english = _newsml(client, stories["en-plain"])
    assert newsml_schema.validate(english), newsml_schema.error_log
    subject = english.find("g:contentMeta/g:subject", NAR)
    assert subject.get("qcode") == "medtop:11000000"
    assert subject.findtext("g:name", namespaces=NAR) == "politics"


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_an_item_says_its_direction_and_marks_the_english_inside_a_persian_one(
    stories, issued, newsml_schema
):
    """A subscriber's left-to-right system still draws a Persian body right to left; the
    kill notice and a topic named only in English say they are English."""
    from dateline.stories.models import Tag
    from dateline.wire.models import MediaTopic, TopicMapping

    railways = MediaTopic.objects.create(code="20000345", label_en="railway transport")
    TopicMapping.objects.create(tag=Tag.objects.get(name="راه‌آهن"), topic=railways)
    client = wire(issued.api_key)
    for edition, direction in (("fa", "rtl"), ("en", "ltr")):
        body = _ninjs(client, stories[f"{edition}-plain"])["bodies"][0]["value"]
        assert body.startswith(f'<div dir="{direction}" lang="{edition}"><p>')
        assert body.endswith("</div>")
        for kind in ("plain", "killed"):
            document = _newsml(client, stories[f"{edition}-{kind}"])
            assert newsml_schema.validate(document), newsml_schema.error_log
            assert (document.get("dir"), document.get(XML_LANG)) == (direction, edition)
    notice = _newsml(client, stories["fa-killed"]).find("g:itemMeta/g:edNote", NAR)
    assert (notice.get(XML_LANG), notice.get("dir")) == ("en", "ltr")
    english_notice = _newsml(client, stories["en-killed"]).find("g:itemMeta/g:edNote", NAR)
    assert english_notice.get(XML_LANG) is None
    named = _newsml(client, stories["fa-plain"]).find("g:contentMeta/g:subject/g:name", NAR)
    assert (named.text, named.get(XML_LANG), named.get("dir")) == ("railway transport", "en", "ltr")


def test_an_earlier_version_naming_its_tag_in_another_spelling_keeps_the_tags_topic(editions):
    """A version saved before tags were folded names its tag as it was then ("ايران", merged
    since into "ایران"): its item has the Media Topic of the tag the name is."""
    _, fa = editions
    story = make_story(fa, tags=("ایران",))
    topic = MediaTopic.objects.create(code="11000000", label_en="politics", label_fa="سیاست")
    TopicMapping.objects.create(tag=Tag.objects.get(), topic=topic)
    correct_story(story, note="نام درست شد.", lead="خبر درست.")
    Revision.objects.filter(story=story, version=1).update(tags=[["place", "ايران"]])
    for version in (1, 2):
        assert [s.qcode for s in item_of(story, version).subjects] == ["medtop:11000000"]


def test_a_tag_told_apart_from_another_by_punctuation_only_has_its_own_topic(editions):
    """Two tags whose slugs are both "c", "C#" and "C++": an item tagged "C#" has C#'s Media
    Topic, never the one of "C++"."""
    en, _ = editions
    cpp, csharp = make_story(en, tags=("C++",)), make_story(en, tags=("C#",))
    topic = MediaTopic.objects.create(code="20000763", label_en="C++", label_fa="C++")
    TopicMapping.objects.create(tag=cpp.tags.get(), topic=topic)
    assert [s.qcode for s in item_of(cpp).subjects] == ["medtop:20000763"]
    assert item_of(csharp).subjects == ()
