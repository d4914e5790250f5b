"""Partner copy (issue 9, item 7): ninjs and NewsML-G2 items parsed into stories, hostile
markup reduced to text, and every bad file refused with its name and the problem."""

import datetime
import json
from pathlib import Path

import pytest

from dateline.copy import Block, CopyError, Dateline, parse_file
from dateline.copy.files import not_wire_copy_by_name, parse_upload
from dateline.copy.markup import BLOCKS, HEADINGS, SKIPPED, html_blocks, text_blocks
from dateline.copy.partner import (
    MAX_PARTNER_BYTES,
    parse_newsml,
    parse_ninjs,
    partner_source_id,
    sniff_partner_format,
)
from tests.copy.copy_support import DATA, NOW

HOSTILE = (
    '<p>Talks <b>resumed</b> on Monday.<script>alert("x")</script></p>'
    '<style>p{color:red}</style><iframe src="https://evil.example/">framed</iframe>'
    '<h3 onclick="steal()">Next steps</h3><p><img src=x onerror=alert(1)>Delegates met '
    '<a href="javascript:alert(1)">here</a>.</p><!-- a comment --><ul><li>One</li><li>Two</li></ul>'
)


def ninjs3(**changes) -> dict:
    item = {
        "uri": "urn:partner:afp:2026:1234",
        "version": "2",
        "type": "text",
        "language": "fr-FR",
        "versionCreated": "2026-11-26T08:30:00Z",
        "copyrightHolder": "Agence France-Presse",
        "headlines": [{"value": "Reprise des pourparlers à Vienne", "role": "main"}],
        "by": "Par Jeanne Martin",
        "located": "Vienne",
        "subjects": [
            {"name": "diplomacy", "uri": "http://cv.iptc.org/newscodes/mediatopic/20000565"},
            {"uri": "http://cv.iptc.org/newscodes/mediatopic/11000000"},
        ],
        "bodies": [
            {"contentType": "text/plain", "value": "Plain fallback."},
            {
                "contentType": "text/html",
                "value": "<p>Les pourparlers ont repris lundi.</p><p>Deuxième paragraphe.</p>",
            },
        ],
    }
    item.update(changes)
    return item


def ninjs(item: dict, name: str = "item.json"):
    return parse_ninjs(json.dumps(item).encode(), name=name, now=NOW)


def test_ninjs_3_item_becomes_a_story_with_its_source():
    story = ninjs(ninjs3())
    assert story.headline == "Reprise des pourparlers à Vienne"
    assert story.lead == "Les pourparlers ont repris lundi."  # the HTML body preferred
    assert story.blocks == [Block("p", "Deuxième paragraphe.")]
    assert (story.language, story.direction) == ("fr", "ltr")
    assert story.byline == "Par Jeanne Martin"
    assert story.dateline.place == "Vienne"
    assert story.tags == {"topic": ["diplomacy"]}
    assert story.source_id == "partner:urn:partner:afp:2026:1234"
    assert story.source_version == 2
    assert story.source_name == "Agence France-Presse: urn:partner:afp:2026:1234 (version 2)"
    assert story.published_at == datetime.datetime(2026, 11, 26, 8, 30, tzinfo=datetime.UTC)


def test_ninjs_2_lower_case_names_and_info_source():
    item = {
        "uri": "urn:partner:tass:77",
        "version": "5",
        "versioncreated": "2026-11-26T08:30:00",
        "infosources": [{"name": "TASS", "role": "originfo"}],
        "headlines": [{"value": "Talks in Moscow"}],
        "bodies": [{"value": "MOSCOW, November 26. /TASS/. Talks began.\n\nMore text."}],
    }
    story = ninjs(item)
    assert story.source_name == "TASS: urn:partner:tass:77 (version 5)"
    assert story.language == "en"  # no language given: detected
    assert (story.dateline.place, story.dateline.source) == ("MOSCOW", "TASS")
    assert story.dateline.date == datetime.date(2026, 11, 26)
    assert story.lead == "Talks began."
    assert story.blocks == [Block("p", "More text.")]
    assert story.published_at.tzinfo is datetime.UTC  # a time without zone is UTC


def test_ninjs_1_headline_and_body_html():
    item = {
        "uri": "urn:x:1",
        "headline": "Old style",
        "body_html": "<p>First.</p><h2>Part</h2><p>Second.</p>",
        "byline": "By Ann",
    }
    story = ninjs(item)
    assert (story.headline, story.lead, story.byline) == ("Old style", "First.", "By Ann")
    assert story.blocks == [Block("h2", "Part"), Block("p", "Second.")]
    assert story.source_version is None
    assert story.source_name == "unknown partner: urn:x:1"


def test_bidi_controls_go_from_the_partners_names_as_from_the_text():
    """An override would print "urn:qa:esc" as something else wherever it is shown."""
    story = ninjs(ninjs3(uri="urn:qa:\u202eesc\u2066", copyrightHolder="QA \u202eAgency\u202c"))
    assert story.source_id == "partner:urn:qa:esc"
    marked = ninjs(ninjs3(uri="urn:qa:\u200fesc\u061c\u200e\u200b"))  # marks, a zero-width space
    assert marked.source_id == "partner:urn:qa:esc"
    assert story.source_name == "QA Agency: urn:qa:esc (version 2)"


def test_ninjs_body_text_and_a_dateline_paragraph_of_its_own():
    story = ninjs({"uri": "u", "headline": "H", "body_text": "ROMA, 26 NOV -\n\nLead here."})
    assert story.dateline.place == "ROMA"
    assert story.lead == "Lead here."
    assert story.blocks == []


def test_hostile_html_leaves_only_text():
    blocks = html_blocks(HOSTILE)
    assert blocks == [
        Block("p", "Talks resumed on Monday."),
        Block("h2", "Next steps"),
        Block("p", "Delegates met here."),
        Block("p", "One"),
        Block("p", "Two"),
    ]
    story = ninjs(ninjs3(bodies=[{"contentType": "text/html", "value": HOSTILE}]))
    rendered = story.body_html() + story.body_markdown()
    for never in ("<script", "alert", "<iframe", "framed", "onerror", "javascript:", "color:red"):
        assert never not in rendered


def test_markup_edges():
    assert html_blocks("<p>a<br>b</p><script/>c") == [
        Block("p", "a"),
        Block("p", "b"),
        Block("p", "c"),
    ]
    assert html_blocks("</script>text</style>") == [Block("p", "text")]  # stray ends harmless
    assert html_blocks("<h1>A<h2>B</h2></h1>after") == [
        Block("h2", "A"),
        Block("h2", "B"),
        Block("p", "after"),
    ]
    assert html_blocks("x &amp; &lt;y&gt;") == [Block("p", "x & <y>")]
    assert text_blocks("a\r\n\r\nb\n c\n\n\n") == [Block("p", "a"), Block("p", "b c")]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "item.json: the file is empty"),
        (
            b"{",
            "item.json: not valid JSON (Expecting property name enclosed in double quotes, "
            "line 1, column 2)",
        ),
        (b"[1]", "item.json: not a ninjs item (the JSON is not an object)"),
        ('{"uri": "é"}'.encode("latin-1"), "item.json: not UTF-8 (byte 9); ninjs is UTF-8 JSON"),
        (b'{"headline": "H", "body_text": "x"}', "item.json: the ninjs item has no uri"),
        (b'{"uri": "u", "body_text": "x"}', "item.json: the ninjs item has no headline"),
        (b'{"uri": "u", "headline": "H"}', "item.json: the ninjs item has no body text"),
        (
            b'{"uri": "u", "headline": "H", "body_text": "ROMA, 26 NOV -"}',
            "item.json: the ninjs item has no story text after its dateline",
        ),
        (
            b'{"uri": "u", "headline": "H", "bodies": [{"value": "<script>x</script>"}]}',
            "no body text",
        ),
        (json.dumps({"uri": "u", "headline": "H" * 301, "body_text": "x"}).encode(), "over 300"),
        (b'{"uri": 5, "version": true, "headline": ["x"], "body_text": "x"}', "no headline"),
        (b"[" * 100_000 + b"]" * 100_000, "item.json: the JSON is nested too deeply"),
        (
            b'{"uri": "u", "headline": "H", "body_text": "x", "embargoedUntil": "tomorrow"}',
            "item.json: the embargo time 'tomorrow' is not an ISO 8601 time",
        ),
        (
            b'{"uri": "u", "headline": "H", "body_text": "x", "embargoedUntil": 1767225600}',
            "item.json: the embargo time '1767225600' is not an ISO 8601 time",
        ),
        # Python's int() refuses more than 4,300 digits with a ValueError of its own.
        (
            b'{"uri": "u", "headline": "H", "body_text": "x", "version": ' + b"9" * 4301 + b"}",
            "item.json: not valid JSON (a number of 4,301 digits, too long to read)",
        ),
        (
            b'{"uri": "u", "headline": "H", "body_text": "x", "x-extra": -' + b"1" * 5000 + b"}",
            "item.json: not valid JSON (a number of 5,000 digits, too long to read)",
        ),
        # Python reads NaN and Infinity, which RFC 8259 has no place for.
        (
            b'{"uri": "u", "headline": "H", "body_text": "x", "version": NaN}',
            "item.json: not valid JSON (NaN is not a JSON number)",
        ),
        (
            b'{"uri": "u", "headline": "H", "body_text": "x", "x-score": Infinity}',
            "item.json: not valid JSON (Infinity is not a JSON number)",
        ),
        (
            b'{"uri": "u", "headline": "H", "body_text": "x", "x-score": [-Infinity]}',
            "item.json: not valid JSON (-Infinity is not a JSON number)",
        ),
    ],
)
def test_bad_ninjs_names_the_file_and_the_problem(data, problem):
    with pytest.raises(CopyError) as caught:
        parse_ninjs(data, name="item.json", now=NOW)
    assert problem in str(caught.value)


def test_lone_surrogates_and_controls_in_a_ninjs_item_are_left_out():
    """JSON can spell a lone surrogate, which no database stores: the item is read without it."""
    data = b'{"uri": "u\\ud800", "headline": "Dam\\ud800 opens\\u0007", "body_text": "Water."}'
    story = parse_ninjs(data, name="item.json", now=NOW)
    assert story.headline == "Dam opens"
    assert "\ud800" not in story.source_id + story.source_name


def test_a_newsml_body_nested_thousands_deep_is_read_without_exhausting_the_stack():
    deep = "<div>" * 20_000 + "Deep text." + "</div>" * 20_000
    data = newsml(body="X").replace(
        b'<inlineData contenttype="text/plain">X</inlineData>',
        f'<inlineXML contenttype="application/xhtml+xml">{deep}</inlineXML>'.encode(),
    )
    assert b"inlineXML" in data
    story = parse_newsml(data, name="deep.xml", now=NOW)
    assert story.lead == "Deep text."


def test_over_large_items_are_refused_before_parsing():
    data = b" " * (MAX_PARTNER_BYTES + 1)
    for parse in (parse_ninjs, parse_newsml):
        with pytest.raises(CopyError, match="item: 5,242,881 bytes is over the 5 MB limit"):
            parse(data, name="item", now=NOW)
    assert len(b"{}".ljust(MAX_PARTNER_BYTES)) == 5 * 1024 * 1024


def test_bom_is_allowed_and_a_byte_bom_less_item_parses():
    data = b"\xef\xbb\xbf" + json.dumps(ninjs3()).encode()
    assert parse_ninjs(data, name="bom.json", now=NOW).headline.startswith("Reprise")


def test_long_uris_are_hashed_into_the_column():
    assert partner_source_id("u" * 192) == "partner:" + "u" * 192
    long_id = partner_source_id("u" * 193)
    assert long_id.startswith("partner:sha256:") and len(long_id) == len("partner:sha256:") + 64


def test_newsml_listing_2_nitf_body(iptc_examples):
    story = parse_file(iptc_examples / "LISTING_2_NewsML-G2_Text_Document.xml", now=NOW).stories[0]
    assert story.headline == 'Fed to halt QE to avert "bubble"'
    assert story.byline == "By Meredith Jameson"
    assert story.dateline.place == "New York, NY"
    assert story.lead.startswith("(New York, NY - October 21) Et, sent luptat")
    assert story.language == "en"
    assert story.source_id == "partner:urn:newsml:acmenews.com:20161121:US-FINANCE-FED"
    assert story.source_version == 11
    assert story.source_name.startswith("Acme News and Media LLC: urn:newsml:acmenews.com")
    assert story.tags == {
        "topic": ["economy, business and finance", "central bank", "money and monetary policy"]
    }
    assert story.published_at == datetime.datetime.fromisoformat("2018-11-21T16:25:32-05:00")


def test_newsml_listing_22_skips_the_nitf_head_and_reads_the_provider(iptc_examples):
    story = parse_file(
        iptc_examples / "LISTING_22_Sports_story_in_NewsML-G2NITF.xml", now=NOW
    ).stories[0]
    assert story.dateline.source == "Sports Network"
    assert story.lead.startswith("A pair of teams coming off big weekend sweeps")
    assert len(story.blocks) == 5  # body.content only: the body.head's summary is not repeated
    assert story.byline == "By The Sports Network"


@pytest.mark.parametrize(
    ("example", "problem"),
    [
        ("LISTING_1_A_NewsML-G2_News_Item.xml", "has no body text"),
        ("facet-example.xml", "has no headline"),
    ],
)
def test_newsml_examples_without_a_story_are_refused(example, problem, iptc_examples):
    with pytest.raises(CopyError, match=f"^{example}: the NewsML-G2 item {problem}"):
        parse_file(iptc_examples / example, now=NOW)


NEWSML = """<?xml version="1.0" encoding="{encoding}"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:g:1" version="{version}"
 xml:lang="ar"><itemMeta><provider qcode="nprov:SANA"/></itemMeta>
 <contentMeta><located qcode="geo:1"/>
  <creator><name>A</name></creator><creator><name>B</name></creator>
  <subject qcode="medtop:1"/><headline>{headline}</headline></contentMeta>
 <contentSet><inlineData contenttype="{content_type}">{body}</inlineData></contentSet>
</newsItem>"""


def newsml(
    encoding="UTF-8", version="1", headline="عنوان", content_type="text/plain", body="نص الخبر"
):
    text = NEWSML.format(
        encoding=encoding, version=version, headline=headline, content_type=content_type, body=body
    )
    return text.encode("utf-8" if encoding == "UTF-8" else encoding)


def test_newsml_inline_data_provider_qcode_and_creators():
    story = parse_newsml(newsml(), name="g2.xml", now=NOW)
    assert (story.headline, story.lead, story.language, story.direction) == (
        "عنوان",
        "نص الخبر",
        "ar",
        "rtl",
    )
    assert story.source_name == "nprov:SANA: urn:g:1 (version 1)"
    assert story.byline == "By A, B"
    assert story.dateline is None  # a located with a qcode and no name is no place to print
    assert story.tags == {}  # a subject without a name is no tag


def test_newsml_escaped_html_inline_data_is_reduced_to_text():
    body = "&lt;p&gt;Safe&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;"
    story = parse_newsml(newsml(content_type="text/html", body=body), name="g2.xml", now=NOW)
    assert story.lead == "Safe"


def test_newsml_declared_encoding_is_honoured():
    story = parse_newsml(newsml(encoding="windows-1256"), name="g2.xml", now=NOW)
    assert story.headline == "عنوان"


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g">&lol2;</newsItem>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://evil.example/x.dtd">
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g"/>"""


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (BOMB, "bomb.xml: refused: the XML declares a DTD (DOCTYPE)"),
        (EXTERNAL, "bomb.xml: refused: the XML declares a DTD (DOCTYPE)"),
        (
            b"<newsItem xmlns='http://iptc.org/std/nar/2006-10-01/'>&lol;</newsItem>",
            "bomb.xml: not well-formed XML (undefined entity, line 1, column 55)",
        ),
        (b"<newsItem>", "bomb.xml: not well-formed XML (no element found, line 1, column 11)"),
        (b"<a/>", "bomb.xml: not a NewsML-G2 newsItem (the root is <a>)"),
        (
            b'<?xml version="1.0" encoding="UTF-8"?><a>\xff</a>',
            "bomb.xml: not well-formed XML (not well-formed (invalid token)",
        ),
        (b"  \n", "bomb.xml: the file is empty"),
        (
            newsml().replace(b"<itemMeta>", b"<itemMeta><embargoed>soon</embargoed>"),
            "bomb.xml: the embargo time 'soon' is not an ISO 8601 time",
        ),
        (
            newsml(content_type="text/plain", body=""),
            "bomb.xml: the NewsML-G2 item has no body text",
        ),
        (newsml().replace(b'guid="urn:g:1"', b""), "bomb.xml: the NewsML-G2 item has no uri"),
        (
            newsml().replace(b"<contentSet>", b"<x>").replace(b"</contentSet>", b"</x>"),
            "has no body text",
        ),
    ],
)
def test_bad_newsml_names_the_file_and_the_problem(data, problem):
    with pytest.raises(CopyError) as caught:
        parse_newsml(data, name="bomb.xml", now=NOW)
    assert problem in str(caught.value)


def test_sniffing_and_forced_formats(tmp_path):
    assert sniff_partner_format(b'\xef\xbb\xbf\n {"uri": "u"}') == "ninjs"
    assert sniff_partner_format(b'{"headline": "no uri"}') == "ninjs"  # its parser says so
    assert sniff_partner_format(newsml()) == "newsml"
    assert sniff_partner_format(b"<newsItem/>") is None  # not in IPTC's namespace
    assert (
        sniff_partner_format(b"Headline\n\nMOSCOW - text about newsItem iptc.org/std/nar") is None
    )
    item = tmp_path / "item.bin"
    item.write_bytes(json.dumps(ninjs3()).encode())
    assert parse_file(item, now=NOW).stories[0].source_version == 2
    assert parse_file(item, format="ninjs", now=NOW).stories[0].source_version == 2
    with pytest.raises(CopyError, match=r"item\.bin: not well-formed XML"):
        parse_file(item, format="newsml", now=NOW)
    big = tmp_path / "big.json"
    big.write_bytes(b'{"uri": "u", "pad": "' + b"x" * MAX_PARTNER_BYTES + b'"}')
    with pytest.raises(CopyError, match=r"big\.json: .* over the 5 MB limit for one partner item"):
        parse_file(big, now=NOW)


def test_a_ninjs_item_whose_uri_comes_after_64_kib_is_recognised(tmp_path):
    """Pretty-printed with its bodies first, the uri came after the bytes sniffed, and the
    item was called notes and passed over; it imported only with --format ninjs."""
    body = "".join(f"<p>Paragraph {number} of the talks in Vienna.</p>" for number in range(2000))
    fields = {key: value for key, value in ninjs3().items() if key not in ("uri", "bodies")}
    item = {"bodies": [{"contentType": "text/html", "value": body}], **fields, "uri": "urn:late"}
    path = tmp_path / "late.json"
    path.write_text(json.dumps(item, indent=2))
    assert path.read_bytes().index(b'"uri"') > 64 * 1024
    story = parse_file(path, now=NOW).stories[0]
    assert (story.source_id, story.lead) == (
        "partner:urn:late",
        "Paragraph 0 of the talks in Vienna.",
    )
    assert parse_upload(path.read_bytes(), name="late.json", now=NOW).stories[0] == story


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (json.dumps({k: v for k, v in ninjs3().items() if k not in ("uri", "subjects")}).encode(),
         "x.json: the ninjs item has no uri, so it could not be told apart"),
        (b'\xef\xbb\xbf\n [{"uri": "u"}]', "x.json: not a ninjs item (the JSON is not an object)"),
        (b'{"headline": "T",\n "bodies": [}', "x.json: not valid JSON (Expecting value, line 2"),
        (b'"just a string"\n', "x.json: not a ninjs item (the JSON is not an object)"),
        (b"null", "x.json: not a ninjs item (the JSON is not an object)"),
        (b" 42 ", "x.json: not a ninjs item (the JSON is not an object)"),
    ],
)  # fmt: skip
def test_json_that_is_no_ninjs_item_is_named_as_such_without_a_format(tmp_path, data, problem):
    """It was read as text, and passed over as "notes or a list (no dateline, …)"."""
    path = tmp_path / "x.json"
    path.write_bytes(data)
    with pytest.raises(CopyError) as caught:
        parse_file(path, now=NOW)
    assert str(caught.value).startswith(problem)
    assert "passed over" not in str(caught.value)


@pytest.mark.parametrize(
    "headline", ["[CORRECTED] Talks resume", '"Talks resume," envoy says', "2026 budget passes"]
)
def test_text_copy_opening_as_json_might_is_still_text(tmp_path, headline):
    path = tmp_path / "story.txt"
    path.write_text(f"{headline}\n\nVIENNA, Nov 26 (Reuters) - Talks resumed.\n")
    assert parse_file(path, now=NOW).stories[0].headline == headline


@pytest.mark.parametrize("encoding", ["UTF-16", "UTF-16LE", "UTF-16BE"])
def test_a_newsml_item_in_utf_16_is_recognised_with_or_without_its_byte_order_mark(
    tmp_path, encoding
):
    assert sniff_partner_format(newsml(encoding=encoding)) == "newsml"
    item = tmp_path / "item.xml"
    item.write_bytes(newsml(encoding=encoding))
    assert parse_file(item, now=NOW).stories[0].headline == "عنوان"


def test_ninjs_in_utf_16_is_named_as_ninjs_that_is_not_utf_8(tmp_path):
    item = tmp_path / "item.json"
    item.write_bytes(json.dumps(ninjs3()).encode("utf-16"))
    assert sniff_partner_format(item.read_bytes()) == "ninjs"
    with pytest.raises(CopyError, match="not UTF-8"):
        parse_file(item, now=NOW)


@pytest.mark.parametrize("tag", sorted(SKIPPED))
def test_every_skipped_element_loses_its_text(tag):
    assert html_blocks(f"<p>a</p><{tag}>hidden<p>inner</p></{tag}><p>b</p>") == [
        Block("p", "a"),
        Block("p", "b"),
    ]


@pytest.mark.parametrize("tag", sorted(BLOCKS - {"br"}))
def test_every_block_element_makes_a_block(tag):
    kind = "h2" if tag in HEADINGS else "p"
    assert html_blocks(f"x<{tag}>y</{tag}>z") == [
        Block("p", "x"),
        Block(kind, "y"),
        Block("p", "z"),
    ]


def test_void_and_stray_tags():
    assert html_blocks("a<br/>b<p/>c") == [Block("p", "a"), Block("p", "b"), Block("p", "c")]
    assert html_blocks("</h1>text") == [Block("p", "text")]
    assert html_blocks("<h1/>after<script/>shown") == [Block("p", "aftershown")]
    assert html_blocks("<p>a<b>b</b> tail</p>") == [Block("p", "ab tail")]
    # A self-closing element inside a skipped one ends only itself.
    assert html_blocks("<p>a</p><object><embed src='x'/>fallback</object><p>b</p>") == [
        Block("p", "a"),
        Block("p", "b"),
    ]


@pytest.mark.parametrize("sent", [123, '"><b>x', "12345678901234567890", "e", "en1-GB", "-fr"])
def test_a_language_that_is_no_language_tag_is_detected_and_said(sent):
    """Stored as given, such a value broke NewsML-G2's xml:lang, a page's lang attribute and
    the column's 16 characters."""
    story = ninjs(ninjs3(language=sent, headlines=[{"value": "Talks resume in Vienna"}]))
    assert (story.language, story.direction) == ("en", "ltr")
    assert story.warnings == [
        f"item.json: the item's language {str(sent)!r} is not a language tag (two or three "
        "letters, as 'en' or 'fr-FR'): 'en', detected from its text, is used"
    ]
    odd_g2 = newsml().replace(b'xml:lang="ar"', b'xml:lang="1-x"')
    in_g2 = parse_newsml(odd_g2, name="g2.xml", now=NOW)
    assert (in_g2.language, in_g2.direction) == ("ar", "rtl")
    assert in_g2.warnings == [
        "g2.xml: the item's language '1-x' is not a language tag (two or three letters, as "
        "'en' or 'fr-FR'): 'ar', detected from its text, is used"
    ]


@pytest.mark.parametrize(("sent", "kept"), [("fil", "fil"), (" FR ", "fr"), ("zh-Hant-TW", "zh")])
def test_a_language_tag_keeps_its_primary_subtag_without_a_warning(sent, kept):
    story = ninjs(ninjs3(language=sent))
    assert (story.language, story.warnings) == (kept, [])


def test_no_language_is_detected_without_a_warning():
    story = ninjs(ninjs3(language=""))
    assert (story.language, story.warnings) == ("en", [])


def test_ninjs_fallbacks():
    story = ninjs(
        {
            "uri": "u",
            "version": 3,
            "provider": {"name": " Kyodo  News "},
            "headlines": [{"value": ""}, "x", {"value": "Real"}],
            "language": "PT_br",
            "located": "  New   York ",
            "subject": [{"name": " Energy  policy "}, {"name": "  "}, "x"],
            "firstCreated": "2026-01-02T03:04:05+03:30",
            "bodies": ["not an object"],
            "body_text": "Text.",
        }
    )
    assert story.source_name == "Kyodo News: u (version 3)"
    assert story.source_version == 3
    assert story.headline == "Real"
    assert story.language == "pt"
    assert story.dateline == Dateline("New York", None, None, "New York")
    assert story.tags == {"topic": ["Energy policy"]}
    assert story.published_at == datetime.datetime.fromisoformat("2026-01-02T03:04:05+03:30")
    assert story.lead == "Text."


def test_ninjs_content_types_and_versions():
    upper = ninjs3(bodies=[{"contenttype": "TEXT/HTML", "value": "<p>A</p>"}], version="v2")
    story = ninjs(upper)
    assert (story.lead, story.source_version) == ("A", None)
    assert story.source_name.endswith("1234 (version v2)")
    plain = ninjs3(bodies=[{"value": "no markup\n\nsecond"}], versionCreated="yesterday")
    story = ninjs(plain)
    assert (story.lead, story.blocks, story.published_at) == (
        "no markup",
        [Block("p", "second")],
        None,
    )
    assert ninjs(ninjs3(bodies=[], body_html="<p>B</p>")).lead == "B"
    assert ninjs(ninjs3(subjects="x", copyrightHolder="", infoSources={"name": "I"})).tags == {}


def test_headline_length_and_source_name_limits():
    assert len(ninjs(ninjs3(headlines=[{"value": "H" * 300}])).headline) == 300
    long = ninjs(ninjs3(copyrightHolder="P" * 400))
    # The provider and uri are cut, never the version: the next import reads it back.
    assert long.source_name == "P" * 288 + " (version 2)"
    very_long_uri = ninjs(ninjs3(uri="urn:p:" + "u" * 400, version="7"))
    assert len(very_long_uri.source_name) == 300
    assert very_long_uri.source_name.endswith("uuu (version 7)")


def test_a_version_too_long_to_be_a_number_is_refused_and_others_are_no_number():
    with pytest.raises(CopyError, match=r"the version 9{20}… has 5,000 digits"):
        ninjs(ninjs3(version="9" * 5000))
    with pytest.raises(CopyError, match=r"has 5,000 digits"):
        parse_newsml(newsml(version="9" * 5000), name="g2.xml", now=NOW)
    assert ninjs(ninjs3(version="9" * 18)).source_version == 10**18 - 1
    assert ninjs(ninjs3(version="١٢")).source_version is None  # digits, but not ASCII ones


@pytest.mark.parametrize(
    "sent",
    ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "yesterday"],
)
def test_a_time_before_1900_or_unreadable_is_not_used_and_said(sent):
    """Year 1 at +14:00 is year 0 in UTC: it broke the import of the whole run."""
    story = ninjs(ninjs3(versionCreated=sent))
    assert story.published_at is None
    assert story.warnings == [
        f"item.json: the item's time {sent!r} is not an ISO 8601 time from 1900 on: the "
        "import's time is used"
    ]
    timed = f"<itemMeta><versionCreated>{sent}</versionCreated>".encode()
    in_g2 = parse_newsml(newsml().replace(b"<itemMeta>", timed), name="g2.xml", now=NOW)
    assert in_g2.published_at is None
    assert in_g2.warnings == [
        f"g2.xml: the item's time {sent!r} is not an ISO 8601 time from 1900 on: the "
        "import's time is used"
    ]
    assert ninjs(ninjs3(versionCreated="1900-01-01T00:00:00Z")).warnings == []
    with pytest.raises(CopyError, match="is not an ISO 8601 time from 1900 on"):
        ninjs(ninjs3(embargoedUntil=sent))


def test_an_item_of_exactly_the_limit_is_read():
    data = json.dumps(ninjs3()).encode().ljust(MAX_PARTNER_BYTES)
    assert parse_ninjs(data, name="big.json", now=NOW).source_version == 2


def test_newsml_labels_bylines_and_content_choice():
    data = (
        b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g" version="2">'
        b'<rightsInfo><copyrightHolder literal="Lit Agency"/></rightsInfo>'
        b"<contentMeta><by> By  Someone </by><headline>H</headline></contentMeta>"
        b'<contentSet><remoteContent href="x"/><inlineData contenttype="text/plain">'
        b"One.\n\nTwo.</inlineData></contentSet></newsItem>"
    )
    story = parse_newsml(data, name="g.xml", now=NOW)
    assert story.source_name == "Lit Agency: g (version 2)"
    assert story.byline == "By Someone"
    assert (story.lead, story.blocks) == ("One.", [Block("p", "Two.")])
    assert story.published_at is None
    uri_only = data.replace(b'literal="Lit Agency"', b'uri="http://agency.example/"')
    assert parse_newsml(uri_only, name="g.xml", now=NOW).source_name.startswith(
        "http://agency.example/: g"
    )
    bare = data.replace(b'<copyrightHolder literal="Lit Agency"/>', b"<copyrightHolder/>")
    assert parse_newsml(bare, name="g.xml", now=NOW).source_name.startswith("unknown partner: g")
    nitf = data.replace(b"<by> By  Someone </by>", b"").replace(
        b'<inlineData contenttype="text/plain">One.\n\nTwo.</inlineData>',
        b"<inlineXML><nitf><body><body.content><p>A<em>b</em> tail</p></body.content></body>"
        b"</nitf></inlineXML>",
    )
    story = parse_newsml(nitf, name="g.xml", now=NOW)
    assert (story.lead, story.byline) == ("Ab tail", "")
    no_meta = b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g"/>'
    with pytest.raises(CopyError, match=r"^g\.xml: the NewsML-G2 item has no headline$"):
        parse_newsml(no_meta, name="g.xml", now=NOW)


def test_parse_upload_sniffs_like_parse_file():
    assert parse_upload(json.dumps(ninjs3()).encode(), name="a.bin", now=NOW).stories[0].lead
    sample = (DATA / "sample.sgm").read_bytes()
    assert len(parse_upload(sample, name="feed.sgm", now=NOW).stories) == 3
    text = b"Talks resume\n\nLONDON, Nov 26 (Reuters) - Talks resumed.\n"
    assert parse_upload(text, name="t.txt", now=NOW).stories[0].dateline.source == "Reuters"
    with pytest.raises(CopyError, match=r"^t\.txt: not valid JSON"):
        parse_upload(text, name="t.txt", format="ninjs", now=NOW)
    with pytest.raises(CopyError, match=r"^t\\x1b\.txt: .* over the 10 MB limit"):
        parse_upload(b"x" * (10 * 1024 * 1024 + 1), name="t\x1b.txt", now=NOW)


def test_an_upload_is_held_to_its_formats_limit_and_reader():
    """A partner item over its own limit (below the text limit) is refused as one; JSON sent
    under a text name is read as ninjs, whose reader says why it is no item."""
    item = json.dumps(ninjs3()).encode()
    padded = item[:-1] + b" " * (MAX_PARTNER_BYTES - len(item) + 1) + b"}"
    with pytest.raises(CopyError, match=r"^big\.json: .* limit for one partner item$"):
        parse_upload(padded, name="big.json", now=NOW)
    with pytest.raises(CopyError, match=r"^list\.txt: .*ninjs"):
        parse_upload(b'[{"headline": "x"}]', name="list.txt", now=NOW)
    sample = (DATA / "sample.sgm").read_bytes()
    with pytest.raises(CopyError, match=r"^--format text but feed\.sgm holds Reuters SGML"):
        parse_upload(sample, name="feed.sgm", format="text", now=NOW)


def test_a_directory_takes_partner_suffixes_only_when_told_the_format():
    assert not_wire_copy_by_name(Path("d/a.json"), "ninjs") is None
    assert not_wire_copy_by_name(Path("d/a.XML"), "newsml") is None
    assert (
        not_wire_copy_by_name(Path("d/a.txt"), "ninjs") == ".txt is not a wire-copy suffix (.json)"
    )
    assert (
        not_wire_copy_by_name(Path("d/a.json"), "newsml")
        == ".json is not a wire-copy suffix (.xml)"
    )
    assert not_wire_copy_by_name(Path("d/a.json")) == (
        ".json is not a wire-copy suffix (.txt, .sgm, .sgml)"
    )
    assert not_wire_copy_by_name(Path("d/a.json"), "text").startswith(".json is not")


def test_an_embargoed_item_is_timed_for_its_embargo(iptc_examples):
    story = ninjs(ninjs3(embargoedUntil="2026-12-01T06:00:00Z", pubStatus="withheld"))
    assert story.published_at == datetime.datetime(2026, 12, 1, 6, tzinfo=datetime.UTC)
    past = ninjs({**ninjs3(), "embargoed": "2026-01-01T00:00:00Z"})  # 2.x spelling, long past
    assert past.published_at == datetime.datetime(2026, 11, 26, 8, 30, tzinfo=datetime.UTC)
    only = ninjs({**ninjs3(versionCreated=None), "embargoed": "2026-01-01T00:00:00Z"})
    assert only.published_at == datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    listing = parse_file(iptc_examples / "LISTING_2_NewsML-G2_Text_Document.xml", now=NOW).stories[
        0
    ]
    assert listing.published_at == datetime.datetime.fromisoformat("2018-11-21T16:25:32-05:00")
    embargoed = newsml().replace(
        b"<itemMeta>", b"<itemMeta><embargoed>2026-12-24T10:00:00+01:00</embargoed>"
    )
    assert parse_newsml(embargoed, name="g2.xml", now=NOW).published_at == (
        datetime.datetime.fromisoformat("2026-12-24T10:00:00+01:00")
    )


@pytest.mark.parametrize(
    ("status", "problem"),
    [
        ("canceled", "k.json: the partner has withdrawn this item (pubStatus canceled)"),
        ("withheld", "k.json: the partner withholds this item (pubStatus withheld) and gives no"),
    ],
)
def test_withdrawn_and_withheld_items_are_refused(status, problem):
    with pytest.raises(CopyError) as caught:
        parse_ninjs(json.dumps(ninjs3(pubStatus=status)).encode(), name="k.json", now=NOW)
    assert str(caught.value).startswith(problem)
    for attribute in (
        f'qcode="stat:{status}"',
        f'qcode="http://cv.iptc.org/newscodes/pubstatusg2/{status}"',
        # The XSD has a concept named by its qcode or by its uri.
        f'uri="http://cv.iptc.org/newscodes/pubstatusg2/{status}"',
    ):
        data = newsml().replace(b"<itemMeta>", f"<itemMeta><pubStatus {attribute}/>".encode())
        with pytest.raises(CopyError, match=f"pubStatus {status}"):
            parse_newsml(data, name="k.json", now=NOW)
    usable = newsml().replace(b"<itemMeta>", b'<itemMeta><pubStatus qcode="stat:usable"/>')
    assert parse_newsml(usable, name="k.json", now=NOW).headline == "عنوان"
    assert parse_newsml(newsml().replace(b"<pubStatus", b"<x"), name="k", now=NOW).headline


def test_whitespace_headings_before_the_lead_and_booleans():
    story = ninjs(
        ninjs3(
            headlines=[{"value": "  Talks \n resume  "}],
            by=" By  Jane \n Smith ",
            copyrightHolder="  Agence   X ",
            bodies=[{"value": "<h2>Sub</h2><p>Lead.</p><p>Two.</p>"}],
        )
    )
    assert (story.headline, story.byline) == ("Talks resume", "By Jane Smith")
    assert story.source_name.startswith("Agence X: ")
    assert (story.lead, story.blocks) == ("Lead.", [Block("h2", "Sub"), Block("p", "Two.")])
    with pytest.raises(CopyError, match="has no uri"):
        ninjs(ninjs3(uri=True))
    assert (
        sniff_partner_format(b'<packageItem xmlns="http://iptc.org/std/nar/2006-10-01/"/>') is None
    )
