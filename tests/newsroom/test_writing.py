"""Writing a story: pasted wire copy fills the form, the preview (live and without JavaScript),
the private preview of any story, presence, history and restoring a version."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.utils import timezone

from dateline.newsroom import presence
from dateline.stories import actions
from dateline.stories.content import MAX_BODY_BYTES
from dateline.stories.models import Status, Story
from tests.factories import make_member
from tests.newsroom.conftest import client_for, form_data, html, post, save_as_a_browser, story_in

pytestmark = pytest.mark.django_db

WIRE_COPY = """Caspian states agree on rail link

By Sara Karimi

Moscow, April 18, IRNA – Caspian foreign ministers agreed on Friday to build a rail link.

Funding

The cost will be shared by the five countries, officials said.

A second paragraph of the body.
"""


def value(page, name) -> str:
    element = page.find(attrs={"name": name})
    if element.name == "textarea":
        return element.get_text().removeprefix("\n")  # HTML drops the first line break
    if element.name == "select":
        chosen = element.find("option", selected=True)
        return chosen["value"] if chosen else ""
    return element.get("value", "")


def test_pasted_wire_copy_fills_the_new_story_form(newsroom):
    browser = client_for(newsroom["reporter"])
    response = post(
        browser,
        "/newsroom/stories/new/",
        {"action": "paste", "copy": WIRE_COPY, "edition": newsroom["en"].pk},
    )
    assert response.status_code == 200
    page = html(response)
    form = page.find("form", id="story-form")
    assert value(form, "headline") == "Caspian states agree on rail link"
    assert value(form, "byline") == "By Sara Karimi"
    assert (value(form, "dateline_place"), value(form, "dateline_source")) == ("Moscow", "IRNA")
    assert value(form, "dateline_date").endswith("-04-18")
    assert value(form, "lead").strip() == (
        "Caspian foreign ministers agreed on Friday to build a rail link."
    )
    body = value(form, "body")
    assert "## Funding" in body
    assert "The cost will be shared by the five countries, officials said." in body
    assert value(form, "edition") == str(newsroom["en"].pk)
    # Nothing is saved until the story is created.
    assert not Story.objects.exists()
    # Creating it from the filled form keeps the sub-heading.
    data = {
        name: value(form, name)
        for name in [
            "edition",
            "headline",
            "byline",
            "dateline_place",
            "dateline_date",
            "dateline_source",
            "lead",
            "body",
            "tags",
            "language",
        ]
    }
    response = post(browser, "/newsroom/stories/new/", {**data, "action": "create"})
    assert response.status_code == 302
    story = Story.objects.get()
    assert "<h2>Funding</h2>" in story.body_html
    assert (story.byline, story.dateline_place, story.owner) == (
        "By Sara Karimi",
        "Moscow",
        newsroom["reporter"],
    )


def test_pasted_copy_fills_the_form_for_the_edition_of_its_language(newsroom):
    """The paste box sends no edition: Persian copy pasted by a member of both editions was put
    in the first, the English one, where an uploaded file would have gone to the Persian."""
    persian = "زلزله در تهران\n\nتهران- ایرنا- زلزله‌ای صبح امروز تهران را لرزاند.\n\nبند دوم.\n"
    response = post(
        client_for(newsroom["chief"]),
        "/newsroom/stories/new/",
        {"action": "paste", "copy": persian},
    )
    form = html(response).find("form", id="story-form")
    assert value(form, "edition") == str(newsroom["fa"].pk)
    assert value(form, "language") == "fa"
    english = post(
        client_for(newsroom["chief"]),
        "/newsroom/stories/new/",
        {"action": "paste", "copy": WIRE_COPY},
    )
    assert value(html(english).find("form", id="story-form"), "edition") == str(newsroom["en"].pk)


def test_the_new_story_form_sent_twice_makes_one_story(newsroom):
    """The same request again (Enter pressed twice on a slow network): the second is sent to
    the story the first created. A form refused first may be sent again, corrected."""
    browser = client_for(newsroom["reporter"])
    form = html(browser.get("/newsroom/stories/new/")).find("form", id="story-form")
    typed = {
        "edition": newsroom["en"].pk,
        "headline": "Caspian rail link agreed",
        "lead": "Ministers agreed on Friday.",
        "tags": "",
        "once": value(form, "once"),
        "action": "create",
    }
    first = post(browser, "/newsroom/stories/new/", typed)
    second = post(browser, "/newsroom/stories/new/", typed)
    story = Story.objects.get()
    assert first["Location"] == second["Location"] == f"/newsroom/stories/{story.pk}/"
    said = html(browser.get(second["Location"])).select_one(".messages").get_text()
    assert f"This form was sent twice: story {story.pk} was created once." in said
    # The same form sent again with other text is another story, not dropped.
    other = post(browser, "/newsroom/stories/new/", {**typed, "lead": "Ministers met again."})
    assert Story.objects.count() == 2 and other["Location"] != first["Location"]
    # The same text from a form loaded again (the back button after Create draft: a new token,
    # the text filled back in by the browser): the same story, not a duplicate.
    again = html(browser.get("/newsroom/stories/new/")).find("form", id="story-form")
    assert value(again, "once") != typed["once"]
    reloaded = post(browser, "/newsroom/stories/new/", {**typed, "once": value(again, "once")})
    assert reloaded["Location"] == first["Location"] and Story.objects.count() == 2
    # Another form, another token, other text: another story.
    refused = post(
        browser, "/newsroom/stories/new/", {**typed, "once": value(again, "once"), "lead": "\u200b"}
    )
    assert refused.status_code == 200 and Story.objects.count() == 2
    corrected = {**typed, "once": value(again, "once"), "headline": "Rail link: the cost"}
    assert post(browser, "/newsroom/stories/new/", corrected).status_code == 302
    assert Story.objects.count() == 3


def test_a_member_of_no_edition_is_told_before_writing_a_story(newsroom):
    """Not a form whose Edition offers nothing, refused as "required" once the story is typed."""
    newcomer = make_member("nadia", "reporter", ())
    client = client_for(newcomer)
    for response in (
        client.get("/newsroom/stories/new/"),
        post(client, "/newsroom/stories/new/", {"headline": "Dam", "lead": "Water."}),
    ):
        assert response.status_code == 403
        assert "You work on no edition" in html(response).select_one(".error-box").get_text()
    assert Story.objects.count() == 0


def test_copy_that_cannot_be_parsed_is_explained_on_the_paste_box(newsroom):
    response = post(
        client_for(newsroom["reporter"]),
        "/newsroom/stories/new/",
        {"action": "paste", "copy": "A headline and nothing after it\n"},
    )
    assert response.status_code == 200
    error = html(response).find(id="id_copy_error")
    assert error.get_text(strip=True) == "The pasted copy: no story text after the headline"
    assert html(response).find("details", class_="paste").has_attr("open")
    # Read out and focused when the page opens, as a refused save's summary is: the keyboard
    # starts at the problem, its link leading to the box.
    summary = html(response).find(id="paste-problems")
    assert summary["role"] == "alert" and summary.has_attr("autofocus")
    assert summary.find("a", href="#id_copy").get_text() == "Wire copy"
    assert "no story text after the headline" in summary.get_text()


@pytest.mark.parametrize("pasted", [" \n\t\n", "\u200b\u200f\n", "\u202b \u202c"])
def test_pasting_nothing_visible_is_named_as_pasted_text_not_a_file(newsroom, pasted):
    response = post(
        client_for(newsroom["reporter"]),
        "/newsroom/stories/new/",
        {"action": "paste", "copy": pasted},
    )
    assert response.status_code == 200
    error = html(response).find(id="id_copy_error").get_text(strip=True)
    assert error == (
        "The pasted copy has no text in it, only spaces, line breaks or invisible characters:"
        " paste the story itself."
    )


def test_the_preview_button_shows_the_rendered_body_without_saving(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    response = post(
        client_for(newsroom["reporter"]),
        f"/newsroom/stories/{story.pk}/",
        form_data(
            story,
            action="preview",
            body="First.\n\n## Sub-heading\n\n<script>alert(1)</script> [a link](https://example.org)",
            dateline_place="Tehran",
            dateline_source="IRNA",
        ),
    )
    assert response.status_code == 200
    pane = html(response).find(id="preview-pane")
    assert pane.find("h2").get_text() == "Sub-heading"
    assert pane.find("script") is None
    assert "<script>alert(1)</script>" in pane.get_text()  # shown as text, never run
    assert pane.find("a")["href"] == "https://example.org"
    assert pane.select_one(".dateline").get_text().startswith("Tehran")
    # The typed text stays in the form; the story is unchanged.
    assert "Sub-heading" in html(response).find("textarea", {"name": "body"}).get_text()
    story.refresh_from_db()
    assert story.version == 1 and "Sub-heading" not in story.body


def test_the_live_preview_endpoint_renders_markdown_and_saves_nothing(newsroom):
    browser = client_for(newsroom["reporter"])
    response = post(
        browser,
        "/newsroom/preview/",
        {"headline": "Live", "lead": "Lead.", "body": "# Big\n\n*em*"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    fragment = html(response)
    assert fragment.select_one(".preview-headline").get_text() == "Live"
    assert fragment.find("h2").get_text() == "Big"  # demoted: the page's h1 is the headline
    assert fragment.find("em").get_text() == "em"
    assert browser.get("/newsroom/preview/").status_code == 405
    assert not Story.objects.exists()


def test_the_preview_drops_the_direction_controls_saving_drops(newsroom):
    """A right-to-left override typed or pasted in is removed on saving (stories.content), so
    the preview must not show the text it reverses: "evil" would read "live" there only."""
    typed = {
        "headline": "Storm \u202eevil\u202c passes",
        "byline": "By \u2067Sara\u2069",
        "dateline_place": "\u202eMADRID",
        "lead": "Lead \u202eevil.",
        "body": "Body \u202eevil\x07.",
    }
    response = post(client_for(newsroom["reporter"]), "/newsroom/preview/", typed)
    fragment = BeautifulSoup(response.content.decode(), "html.parser")  # no <meta charset>
    assert fragment.select_one(".preview-headline").get_text() == "Storm evil passes"
    assert fragment.select_one(".preview-byline").get_text() == "By Sara"
    assert fragment.select_one(".dateline").get_text().startswith("MADRID")
    text = fragment.get_text()
    assert not set(text) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x07")


@pytest.mark.parametrize("action", ["live", "button"])
def test_a_new_storys_preview_is_in_the_language_of_the_edition_chosen(newsroom, action):
    """The new-story form has no language of its own (only a pasted copy gives one): the
    preview takes the chosen edition's, as the story will, dateline and direction included."""
    typed = {
        "edition": newsroom["fa"].pk,
        "headline": "بارش باران",
        "lead": "باران بارید.",
        "dateline_place": "تهران",
        "dateline_date": "2026-11-30",
        "dateline_source": "ایرنا",
        "language": "",
    }
    browser = client_for(newsroom["fa_editor"])
    if action == "live":
        preview = html(post(browser, "/newsroom/preview/", typed))
    else:
        page = html(post(browser, "/newsroom/stories/new/", {**typed, "action": "preview"}))
        preview = page.find(id="preview-pane")
    article = preview.select_one(".preview-article") or preview.find("article")
    assert article["lang"] == "fa"
    assert preview.select_one(".dateline").get_text().startswith("تهران- ایرنا")
    assert not Story.objects.exists()


def test_the_private_preview_shows_any_story_as_its_page_would_but_never_for_search(newsroom):
    story = story_in(newsroom, Status.DRAFT, headline="Draft on the dam", dateline_place="Tehran")
    response = client_for(newsroom["editor"]).get(f"/newsroom/stories/{story.pk}/preview/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    page = html(response)
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    assert page.find("h1").get_text() == "Draft on the dam"
    assert page.select_one(".story-body h2").get_text() == "Next"
    assert "Private preview, draft: not public." in page.select_one(".preview-banner").get_text()
    # The public page says nothing of it.
    assert client_for(None).get(story.get_absolute_url()).status_code == 404
    # Killed stories too.
    published = story_in(newsroom, Status.PUBLISHED)
    actions.kill_story(published, reason="Legal")
    killed = client_for(newsroom["chief"]).get(f"/newsroom/stories/{published.pk}/preview/")
    assert killed.status_code == 200
    assert "killed: not public." in html(killed).select_one(".preview-banner").get_text()


def test_the_private_preview_of_a_public_story_says_so_and_links_to_its_page(newsroom):
    story = story_in(newsroom, Status.PUBLISHED, headline="Dam opens")
    page = html(client_for(newsroom["editor"]).get(f"/newsroom/stories/{story.pk}/preview/"))
    banner = page.select_one(".preview-banner")
    assert "Private preview, published: public now." in banner.get_text()
    assert banner.find("a", string="public now")["href"] == story.get_absolute_url()
    scheduled = story_in(newsroom, Status.SCHEDULED)
    page = html(client_for(newsroom["editor"]).get(f"/newsroom/stories/{scheduled.pk}/preview/"))
    assert "scheduled: not public." in page.select_one(".preview-banner").get_text()


def test_presence_shows_who_else_has_the_story_open(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    eddie, chloe = client_for(newsroom["editor"]), client_for(newsroom["chief"])
    tehran = datetime.timezone(datetime.timedelta(hours=3, minutes=30))
    before = timezone.now().astimezone(tehran)
    assert html(eddie.get(f"/newsroom/stories/{story.pk}/")).select(".presence-line") == []
    page = html(chloe.get(f"/newsroom/stories/{story.pk}/"))
    after = timezone.now().astimezone(tehran)
    [line] = page.select(".presence-line")
    # The time Eddie opened it; a minute may have turned while the two pages were asked for.
    assert line.get_text() in {
        f"Open by Eddie Editor since {moment:%H:%M}" for moment in (before, after)
    }
    # The heartbeat answers the same, as JSON.
    answer = post(eddie, f"/newsroom/stories/{story.pk}/presence/").json()
    assert [other["name"] for other in answer["others"]] == ["Chloe Chief"]
    # Leaving drops the line at once.
    post(chloe, f"/newsroom/stories/{story.pk}/presence/", {"leave": "1"})
    assert post(eddie, f"/newsroom/stories/{story.pk}/presence/").json() == {"others": []}


def test_presence_fades_without_a_heartbeat(newsroom, monkeypatch):
    story = story_in(newsroom, Status.DRAFT)
    presence.touch(story.pk, newsroom["editor"])
    assert [p.name for p in presence.others(story.pk, newsroom["chief"])] == ["Eddie Editor"]
    later = timezone.now() + datetime.timedelta(seconds=presence.TTL_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert presence.others(story.pk, newsroom["chief"]) == []
    cache.clear()


def test_history_lists_every_change_and_the_difference_between_two_versions(newsroom):
    story = story_in(newsroom, Status.DRAFT, lead="Water flows through the new dam.")
    actions.edit_story(
        story, base_version=1, by=newsroom["editor"], lead="Water pours through the new dam."
    )
    actions.edit_story(story, base_version=2, by=newsroom["chief"], headline="Dam opens early")
    actions.submit_story(story, by=newsroom["reporter"], note="Ready for the desk.")
    browser = client_for(newsroom["editor"])
    page = html(browser.get(f"/newsroom/stories/{story.pk}/history/"))
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in page.select("tbody tr")]
    assert [(r[2], r[3], r[4], r[5]) for r in rows] == [
        ("Rita Reporter", "Created", "1", ""),
        ("Eddie Editor", "Edited", "2", ""),
        ("Chloe Chief", "Edited", "3", ""),
        ("Rita Reporter", "Submitted", "3", "Ready for the desk."),
    ]
    # By default, the last version against the one before.
    [headline] = page.select(".differences dd")
    assert headline.find("del").get_text() == "on the river"
    assert headline.find("ins").get_text() == "early"
    # Any two, chosen.
    page = html(browser.get(f"/newsroom/stories/{story.pk}/history/?from=1&to=3"))
    labels = [dt.get_text() for dt in page.select(".differences dt")]
    assert labels == ["Headline", "Lead"]
    lead = page.select(".differences dd")[1]
    assert [d.get_text() for d in lead.find_all("del")] == ["flows"]
    assert [i.get_text() for i in lead.find_all("ins")] == ["pours"]
    assert lead.get_text() == "Water flowspours through the new dam."
    # A version that does not exist falls back to the defaults.
    assert browser.get(f"/newsroom/stories/{story.pk}/history/?from=99&to=x").status_code == 200


def test_a_section_change_is_a_difference_between_versions_and_restored(newsroom):
    story = story_in(newsroom, Status.DRAFT)
    actions.edit_story(story, base_version=1, section=newsroom["economy"])
    browser = client_for(newsroom["editor"])
    page = html(browser.get(f"/newsroom/stories/{story.pk}/history/"))
    assert [dt.get_text() for dt in page.select(".differences dt")] == ["Section"]
    moved = page.select_one(".differences dd")
    assert (moved.find("del").get_text(), moved.find("ins").get_text()) == ("World", "Economy")
    post(browser, f"/newsroom/stories/{story.pk}/restore/", {"version": "1"})
    story.refresh_from_db()
    assert (story.version, story.section_id) == (3, newsroom["world"].pk)
    page = html(browser.get(f"/newsroom/stories/{story.pk}/history/?from=1&to=3"))
    assert not page.select(".differences dt")


def test_an_editor_restores_an_earlier_version_from_the_history(newsroom):
    story = story_in(newsroom, Status.DRAFT, lead="The first lead.")
    actions.edit_story(story, base_version=1, lead="The second lead.")
    editor, reporter = client_for(newsroom["editor"]), client_for(newsroom["reporter"])
    page = html(editor.get(f"/newsroom/stories/{story.pk}/history/"))
    restore = page.select("form[action$='/restore/']")
    assert [form.find("input", {"name": "version"})["value"] for form in restore] == ["1"]
    # Reporters get no restore button, and a forged request changes nothing.
    assert not html(reporter.get(f"/newsroom/stories/{story.pk}/history/")).select(
        "form[action$='/restore/']"
    )
    assert (
        post(reporter, f"/newsroom/stories/{story.pk}/restore/", {"version": "1"}).status_code
        == 403
    )
    response = post(editor, f"/newsroom/stories/{story.pk}/restore/", {"version": "1"})
    assert response["Location"] == f"/newsroom/stories/{story.pk}/history/"
    story.refresh_from_db()
    assert (story.version, story.lead) == (3, "The first lead.")
    # Restoring the current version is refused with the reason.
    response = post(editor, f"/newsroom/stories/{story.pk}/restore/", {"version": "3"}, follow=True)
    assert "is the current version" in html(response).select_one(".messages").get_text()
    story.refresh_from_db()
    assert story.version == 3


def test_the_history_offers_no_restore_from_before_a_correction(newsroom):
    story = story_in(newsroom, Status.PUBLISHED, lead="In April.")
    chief = newsroom["chief"]
    actions.correct_story(story, note="The month was wrong.", lead="In May.", by=chief)  # v2
    actions.edit_story(story, base_version=2, lead="In May, they said.", by=chief)  # v3
    editor = client_for(newsroom["editor"])
    page = html(editor.get(f"/newsroom/stories/{story.pk}/history/"))
    restore = page.select("form[action$='/restore/']")
    assert [form.find("input", {"name": "version"})["value"] for form in restore] == ["2"]
    rows = page.select("ol.versions li")
    assert "Before the correction in v2: not restored" in rows[-1].get_text(" ", strip=True)
    response = post(editor, f"/newsroom/stories/{story.pk}/restore/", {"version": "1"}, follow=True)
    said = html(response).select_one(".messages").get_text(" ", strip=True)
    assert "from before its correction in version 2" in said
    assert Story.objects.get(pk=story.pk).lead == "In May, they said."


def test_a_heartbeat_sent_before_leaving_does_not_bring_the_line_back(newsroom):
    """The screen's heartbeat and its leave may cross: a heartbeat from the page that left,
    arriving after the leave, is not a return; opening the story again (a new page) is."""
    story = story_in(newsroom, Status.DRAFT)
    eddie, chloe = client_for(newsroom["editor"]), client_for(newsroom["chief"])
    url = f"/newsroom/stories/{story.pk}/presence/"
    post(chloe, url, {"page": "tab-1"})
    post(chloe, url, {"leave": "1", "page": "tab-1"})
    post(chloe, url, {"page": "tab-1"})  # sent before the leave, arrived after it
    assert post(eddie, url).json() == {"others": []}
    post(chloe, url, {"page": "tab-2"})  # she opened it again
    assert [other["name"] for other in post(eddie, url).json()["others"]] == ["Chloe Chief"]


def test_each_member_keeps_only_their_own_line(newsroom):
    """Three members at once: each sees the other two, and one leaving takes only their own
    line away."""
    story = story_in(newsroom, Status.DRAFT)
    editor, chief, reporter = newsroom["editor"], newsroom["chief"], newsroom["reporter"]
    for member in (editor, chief, reporter):
        presence.touch(story.pk, member, page=f"page-{member.pk}")
    assert [p.name for p in presence.others(story.pk, editor)] == ["Chloe Chief", "Rita Reporter"]
    presence.leave(story.pk, chief, page=f"page-{chief.pk}")
    assert [p.name for p in presence.touch(story.pk, editor)] == ["Rita Reporter"]
    assert [p.name for p in presence.others(story.pk, reporter)] == ["Eddie Editor"]


def test_a_persian_storys_correction_note_and_source_take_their_direction(newsroom):
    story = actions.create_story(
        edition=newsroom["fa"],
        headline="سد کرج پر شد",
        lead="آب پشت سد بالا آمد.",
        body="",
        by=newsroom["fa_editor"],
    )
    actions.publish_story(story)
    page = html(client_for(newsroom["fa_editor"]).get(f"/newsroom/stories/{story.pk}/"))
    lead = page.select_one("textarea[name=lead]")
    note = page.select_one("textarea[name=correction_note]")
    assert (note["lang"], note["dir"]) == (lead["lang"], lead["dir"]) == ("fa", "rtl")
    # "IRNA" or «ایرنا»: the source takes the direction of what is typed.
    assert page.select_one("input[name=dateline_source]")["dir"] == "auto"


def test_a_name_written_right_to_left_is_isolated_from_the_dates_beside_it(newsroom):
    """ "last: edited by مریم احمدی, 30 Nov 2026": unisolated, the day number joins the
    Persian name's run and is drawn before it. In text and in <option>s alike (where <bdi>
    cannot go), the name stands between FSI and PDI; a Latin name is left as it is."""
    maryam = make_member("maryam", "chief_editor", byline="مریم احمدی")
    story = story_in(newsroom, Status.DRAFT)
    actions.edit_story(story, base_version=1, by=maryam, lead="Water pours through the dam.")
    browser = client_for(newsroom["editor"])
    meta = html(browser.get(f"/newsroom/stories/{story.pk}/")).select_one("p.meta").get_text()
    assert "by \u2068مریم احمدی\u2069, " in meta
    assert "owned by Rita Reporter" in meta
    history = html(browser.get(f"/newsroom/stories/{story.pk}/history/"))
    options = [o.get_text() for o in history.select("select#from option")]
    assert options[0].startswith("1: Rita Reporter, ")
    assert options[1].startswith("2: \u2068مریم احمدی\u2069, ")


def test_presence_isolates_a_name_written_right_to_left_from_the_time_beside_it(newsroom):
    """ "Open by مریم احمدی since 09:41", on the screen and in the heartbeat's answer (which
    the screen writes as text): the name stands between FSI and PDI, as everywhere else."""
    maryam = make_member("maryam", "chief_editor", byline="مریم احمدی")
    story = story_in(newsroom, Status.DRAFT)
    client_for(maryam).get(f"/newsroom/stories/{story.pk}/")
    eddie = client_for(newsroom["editor"])
    [line] = html(eddie.get(f"/newsroom/stories/{story.pk}/")).select(".presence-line")
    assert line.get_text().startswith("Open by \u2068مریم احمدی\u2069 since ")
    answer = post(eddie, f"/newsroom/stories/{story.pk}/presence/").json()
    assert [other["name"] for other in answer["others"]] == ["\u2068مریم احمدی\u2069"]


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        ("lead", "A lead. " * 400, "The lead is 3,199 characters; 3,000 is the limit."),
        ("body", "> " * 25 + "the quote", "The body nests quotes or lists too deep"),
        ("body", "\n".join("  " * n + f"- level {n}" for n in range(12)), "too deep"),
        ("dateline_date", "0001-01-01", "0001-01-01 is no day copy is filed on"),
        ("dateline_date", "9999-12-31", "from 1900 to a year from now"),
    ],
)
def test_a_lead_too_long_a_body_nested_too_deep_or_a_date_no_copy_has_is_named_unsaved(
    newsroom, field, typed, error
):
    """Nested that deep, the renderer would stop reading and drop the rest without a word."""
    story = story_in(newsroom, Status.DRAFT)
    response = save_as_a_browser(client_for(newsroom["reporter"]), story, **{field: typed})
    assert response.status_code == 200
    assert error in html(response).find(id=f"id_{field}_error").get_text(strip=True)
    story.refresh_from_db()
    assert story.version == 1


def test_every_problem_of_a_refused_save_is_named_at_once(newsroom):
    """The form's own refusals and what saving would refuse, in one summary: not a second
    round of errors once the first are put right."""
    story = story_in(newsroom, Status.DRAFT)
    response = save_as_a_browser(
        client_for(newsroom["reporter"]),
        story,
        headline="",
        lead="A lead. " * 400,
        dateline_date="0001-01-01",
        body="> " * 25 + "the quote",
        tags="Water, " + "x" * 130,
    )
    summary = html(response).select("#form-problems li a")
    assert [a.get_text() for a in summary] == [
        "Headline",
        "Date",
        "Lead",
        "Body (Markdown)",
        "Keywords",
    ]
    story.refresh_from_db()
    assert story.version == 1


def test_a_body_over_the_limit_is_named_on_the_form_and_nothing_is_saved(newsroom):
    """Sent as a browser sends the form (percent-encoded, three bytes on the wire for each of
    the body's), a Persian body just over the limit reaches the form's check: the request is
    not too large for Django to read."""
    story = story_in(newsroom, Status.DRAFT)
    body = "س" * (MAX_BODY_BYTES // 2 + 1)  # two bytes a letter in UTF-8
    browser = client_for(newsroom["reporter"])
    response = save_as_a_browser(browser, story, body=body)
    assert response.status_code == 200
    error = html(response).find(id="id_body_error").get_text(strip=True)
    assert error == (
        "The body is 1,000,002 bytes; 1,000,000 bytes (1 MB) is the limit."
        " Shorten it or split the story."
    )
    assert value(html(response), "body") == body  # kept in the form, to shorten
    story.refresh_from_db()
    assert story.version == 1 and story.body != body


@pytest.mark.parametrize("action", ["", "publish", "<script>alert(1)</script>", "Save"])
def test_a_button_the_screen_does_not_have_does_nothing(newsroom, action):
    """It was read as the screen's first button: a crafted `action` created or saved a story."""
    browser = client_for(newsroom["reporter"])
    story = story_in(newsroom, "draft")
    typed = {"edition": newsroom["en"].pk, "headline": "A new one", "lead": "It happened."}
    for path, data in [
        ("/newsroom/stories/new/", typed),
        (f"/newsroom/stories/{story.pk}/", form_data(story, headline="Changed")),
    ]:
        refused = post(browser, path, {**data, "action": action})
        assert refused.status_code == 400, path
        assert refused["Content-Type"] == "text/plain; charset=utf-8"
        assert "No such button on this screen" in refused.content.decode()
    assert list(Story.objects.values_list("headline", flat=True)) == ["Dam opens on the river"]
