"""Uploading partner copy in the newsroom (issue 9, item 7): the item becomes an Incoming draft
with its source, a bad file is explained by name, hostile HTML stays text on the Incoming and
preview screens, and only members who may create stories can upload."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from dateline.stories.models import Status, Story
from tests.factories import PARTNER_NINJS_ITEM
from tests.newsroom.conftest import client_for, html, post


def upload(client, name: str, data: bytes, **kwargs):
    sent = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return post(client, "/newsroom/stories/upload/", {"file": sent}, **kwargs)


def test_the_new_story_page_offers_the_upload(newsroom):
    page = html(client_for(newsroom["editor"]).get("/newsroom/stories/new/"))
    form = page.select_one("form[action='/newsroom/stories/upload/']")
    assert form["enctype"] == "multipart/form-data"
    assert form.select_one("input[type=file][name=file]")


def test_an_uploaded_ninjs_item_waits_in_incoming_with_its_source(newsroom):
    client = client_for(newsroom["editor"])
    response = upload(client, "sana.json", json.dumps(PARTNER_NINJS_ITEM).encode(), follow=True)
    story = Story.objects.get()
    assert (story.status, story.owner, story.edition) == (Status.DRAFT, None, newsroom["en"])
    assert (story.dateline_place, story.dateline_source) == ("دمشق", "سانا")
    assert story.source_name == "SANA: urn:partner:sana:9 (version 1)"
    page = html(response)
    assert response.redirect_chain[-1][0] == "/newsroom/incoming/"
    assert "“افتتاح خط سكة حديد” imported: it waits in Incoming." in page.get_text()
    assert "SANA: urn:partner:sana:9" in page.get_text()
    preview = html(client.get(f"/newsroom/stories/{story.pk}/preview/"))
    assert "فقرة ثانية." in preview.get_text()
    for tag in preview.find_all("script"):
        assert "alert" not in tag.get_text()
    assert not preview.select("[onerror], img[src='x']")


def test_the_same_upload_twice_is_one_draft(newsroom):
    client = client_for(newsroom["editor"])
    upload(client, "sana.json", json.dumps(PARTNER_NINJS_ITEM).encode())
    response = upload(client, "sana.json", json.dumps(PARTNER_NINJS_ITEM).encode(), follow=True)
    assert Story.objects.count() == 1
    assert "is here already (already imported as partner:urn:partner:sana:9 (version 1))" in (
        html(response).get_text()
    )


def test_a_bad_upload_is_explained_by_name_and_stores_nothing(newsroom):
    client = client_for(newsroom["editor"])
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
        b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">&a;</newsItem>'
    )
    response = upload(client, "bomb.xml", bomb, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/newsroom/stories/new/"
    assert "bomb.xml: refused: the XML declares a DTD" in html(response).get_text()
    response = upload(client, "<i>huge.json", b"{" + b" " * (10 * 1024 * 1024), follow=True)
    assert "over the 10 MB upload limit" in html(response).get_text()
    assert "<i>huge.json" in html(response).get_text()  # shown as text, not markup
    response = upload(client, "blank.json", b"", follow=True)
    assert "blank.json: the file is empty" in html(response).get_text()
    assert Story.objects.count() == 0


def test_no_file_is_explained(newsroom):
    response = post(client_for(newsroom["editor"]), "/newsroom/stories/upload/", follow=True)
    assert "This field is required." in html(response).get_text()


def test_only_members_who_may_create_stories_upload(newsroom):
    for who in ("moderator", "anonymous"):
        response = upload(
            client_for(newsroom[who]), "sana.json", json.dumps(PARTNER_NINJS_ITEM).encode()
        )
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/login/" in response["Location"]
    assert Story.objects.count() == 0
    response = client_for(newsroom["editor"]).get("/newsroom/stories/upload/")
    assert response.status_code == 405


def test_a_file_of_many_stories_is_summed_up(newsroom):
    elements = "".join(
        f'<REUTERS NEWID="{n}"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT><TITLE>STORY {n}</TITLE>'
        f"<DATELINE>SALVADOR, Feb 26 - </DATELINE><BODY>Showers continued, story {n}.</BODY>"
        "</TEXT></REUTERS>\n"
        for n in range(1, 13)
    )
    response = upload(client_for(newsroom["editor"]), "feed.sgm", elements.encode(), follow=True)
    text = html(response).get_text()
    assert Story.objects.count() == 12
    assert "“STORY 10” imported" in text and "“STORY 11”" not in text
    assert "And 2 more stories in feed.sgm, 2 of them imported." in text


def test_a_file_of_briefs_only_says_it_holds_no_story(newsroom):
    briefs = (
        b'<REUTERS NEWID="1"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT TYPE="BRIEF">'
        b"<TITLE>BAHIA COCOA REVIEW BRIEF</TITLE></TEXT></REUTERS>\n"
    )
    response = upload(client_for(newsroom["editor"]), "briefs.sgm", briefs, follow=True)
    assert response.redirect_chain[-1][0] == "/newsroom/stories/new/"
    assert "briefs.sgm: no story in it (1 without a body)" in html(response).get_text()
    assert Story.objects.count() == 0


def test_what_reading_the_file_changed_is_shown_with_the_draft(newsroom):
    copy = (
        b"Caf\xc3\xa9 talks resume \xff\n\n"
        b"GENEVA, Dec 1 (Reuters) - Talks resumed on Tuesday.\n\nA second paragraph.\n"
    )
    response = upload(client_for(newsroom["editor"]), "talks.txt", copy, follow=True)
    warnings = [item.get_text() for item in html(response).select(".message.warning")]
    assert warnings == ["talks.txt: byte 0xFF at offset 19 is not valid UTF-8; replaced"]
    assert Story.objects.get().headline == "Café talks resume \ufffd"


def test_a_refused_upload_is_announced_and_takes_the_keyboard(newsroom):
    """The refusal is shown on the page the browser is sent back to: a status line present
    when the page opens is read by no screen reader, and the keyboard would start at the top.
    An error takes the focus and is an alert; a success stays a quiet status."""
    client = client_for(newsroom["editor"])
    refused = html(upload(client, "blank.json", b"", follow=True)).find(id="messages")
    assert refused["role"] == "alert" and refused.has_attr("autofocus")
    assert refused["tabindex"] == "-1"
    taken = upload(client, "sana.json", json.dumps(PARTNER_NINJS_ITEM).encode(), follow=True)
    done = html(taken).find(id="messages")
    assert done["role"] == "status" and not done.has_attr("autofocus")
