"""What the public templates can call: the globals and filters of the Jinja2 environment.

Each test builds its own template engine, as Django does at start-up, so it checks how the
environment is built rather than one an earlier test left in the process.
"""

import datetime

import pytest
from django.template.utils import EngineHandler
from django.templatetags.static import static
from django.urls import reverse

from dateline.comments.text import comment_html
from dateline.copy import format_dateline
from dateline.site.formatting import format_day, format_number, format_published
from tests.factories import make_edition, make_story

MOMENT = datetime.datetime(2026, 4, 18, 10, 5, 9, 123456, tzinfo=datetime.UTC)


@pytest.fixture
def jinja():
    return EngineHandler()["jinja2"]


def render(jinja, source: str, **context) -> str:
    return jinja.from_string(source).render(context)


def test_static_and_url(jinja):
    assert render(jinja, "{{ static('site/site.css') }}") == static("site/site.css")
    assert render(jinja, "{{ url('site:front', edition='fa') }}") == reverse(
        "site:front", kwargs={"edition": "fa"}
    )
    assert render(jinja, "{{ url('site:home') }}") == reverse("site:home")


@pytest.mark.django_db
def test_story_url_and_datelines(jinja):
    edition = make_edition("en")
    story = make_story(
        edition,
        headline="Talks resume",
        dateline_place="Vienna",
        dateline_date=datetime.date(2026, 4, 18),
        dateline_source="IRNA",
    )
    assert render(jinja, "{{ story_url('en', story) }}", story=story) == reverse(
        "site:article", kwargs={"edition": "en", "code": story.code, "slug": "talks-resume"}
    )
    expected = format_dateline("Vienna", datetime.date(2026, 4, 18), "IRNA", language="en")
    assert render(jinja, "{{ dateline_of(story) }}", story=story) == expected
    html = render(jinja, "{{ dateline_html(story) }}", story=story)
    assert "<bdi>Vienna</bdi>" in html and "<bdi>IRNA</bdi>" in html


def test_direction_of(jinja):
    assert render(jinja, "{{ direction_of('fa') }}-{{ direction_of('en') }}") == "rtl-ltr"


def test_time_filters(jinja):
    class Edition:
        language = "fa"
        timezone = "Asia/Tehran"
        calendar = "solar_hijri"

    assert render(jinja, "{{ moment|machine_time }}", moment=MOMENT) == "2026-04-18T10:05:09Z"
    published = render(jinja, "{{ moment|published(edition) }}", moment=MOMENT, edition=Edition)
    assert published == format_published(
        MOMENT, language="fa", timezone_name="Asia/Tehran", calendar="solar_hijri"
    )
    assert published.startswith("۲۹ فروردین ۱۴۰۵")


def test_day_and_digits_filters(jinja):
    class Edition:
        language = "fa"
        timezone = "Asia/Tehran"
        calendar = "solar_hijri"

    # 22:00 UTC on 18 April is past midnight in Tehran: the day is the edition's, the 19th
    # (30 Farvardin 1405 in the edition's calendar).
    late = datetime.datetime(2026, 4, 18, 22, 0, tzinfo=datetime.UTC)
    day = render(jinja, "{{ moment|day(edition) }}", moment=late, edition=Edition)
    expected = format_day(late, language="fa", timezone_name="Asia/Tehran", calendar="solar_hijri")
    assert day == expected == "۳۰ فروردین ۱۴۰۵"
    digits = render(jinja, "{{ n|digits(edition) }}", n=1250, edition=Edition)
    assert digits == format_number(1250, language="fa") == "۱۲۵۰"


def test_comment_html(jinja):
    text = "First line\nsecond <b>line</b>\n\nNext paragraph"
    html = render(jinja, "{{ comment_html(text) }}", text=text)
    assert html == comment_html(text)
    assert html == "<p>First line<br>second &lt;b&gt;line&lt;/b&gt;</p><p>Next paragraph</p>"


def test_templates_escape_what_they_print(jinja):
    assert render(jinja, "{{ text }}", text="<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_a_template_sees_every_global_from_one_plain_dict(jinja):
    environment = jinja.env
    template = environment.get_template("site/_share.html")
    # Not a ChainMap, which each render copied into its context key by key.
    assert type(template.globals) is dict
    assert template.globals == environment.globals
    overlaid = environment.from_string("{{ story_url }}", globals={"story_url": "mine"})
    assert overlaid.render() == "mine"  # a template's own globals stand over the environment's
    assert environment.from_string("{{ static('site/site.css') }}").render().endswith(".css")
