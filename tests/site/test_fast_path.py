"""The kept pages' fast path (site.fast_path, decision 0035): a WSGI layer that answers a
page-cache hit before Django's middleware and URLs must answer exactly what Django would, and
must never answer what Django would answer differently: a signed-in reader, a POST, a
conditional request, a page retired by a change, the newsroom."""

import io
import re
import sys
import time

import pytest
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

from dateline.comments.defences import read_token
from dateline.editions.models import CommentPolicy
from dateline.site.fast_path import FastPageApplication
from dateline.site.invalidation import GENERATION_KEY, retire_story_pages
from dateline.stories.actions import kill_story
from dateline.stories.models import Section
from tests.factories import make_member, make_story

pytestmark = pytest.mark.django_db


class CountingDjango:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


@pytest.fixture
def django_app():
    return CountingDjango()


@pytest.fixture
def app(django_app, settings):
    """The fast path reading the change ids for every answer: what each read sees is what the
    tests below check (the window between reads has tests of its own)."""
    settings.PAGE_FAST_PATH_RECHECK_MS = 0
    return FastPageApplication(django_app, entries=50)


@pytest.fixture(autouse=True)
def _test_transaction_kept():
    """As Django's test client does: the end of a request must not close the connection that
    holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def call(app, path, method="GET", headers=None, body=b""):
    """One request through `app` as a WSGI server makes it: (status, headers, body)."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **({"CONTENT_LENGTH": str(len(body))} if body else {}),
        **(headers or {}),
    }
    answered = {}

    def start_response(status, response_headers, exc_info=None):
        answered["status"], answered["headers"] = status, response_headers

    chunks = app(environ, start_response)
    try:
        content = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return answered["status"], answered["headers"], content


def header(headers, name):
    values = [value for key, value in headers if key.lower() == name.lower()]
    return values[0] if values else None


@pytest.fixture
def story(editions):
    en, _ = editions
    return make_story(en, section=en.sections.get(), tags=("Water",), headline="Dam opens")


def remembered(app, django_app, path):
    """Ask until the fast path answers `path` itself (render, Django's hit, then the fast
    path's); the three answers."""
    answers = [call(app, path) for _ in range(3)]
    assert django_app.calls == 2, "the third request reached Django"
    return answers


@pytest.mark.parametrize("kind", ["front", "section", "tag"])
def test_a_kept_list_is_answered_as_django_answered_it(app, django_app, story, kind):
    path = {"front": "/en/", "section": "/en/section/world/", "tag": "/en/tag/water/"}[kind]
    _rendered, by_django, fast = remembered(app, django_app, path)
    assert fast == by_django  # status, every header in order, the bytes
    assert header(fast[1], "Cache-Control").startswith("public")
    assert header(fast[1], "Content-Security-Policy")
    assert header(fast[1], "Content-Length") == str(len(fast[2]))
    assert header(fast[1], "Set-Cookie") is None


def form_token(content: bytes) -> str:
    return re.search(rb'name="token" value="([^"]+)"', content)[1].decode()


def test_an_article_gets_its_readers_own_form_on_the_fast_path(app, django_app, story, form_clock):
    _rendered, by_django, fast = remembered(app, django_app, story.get_absolute_url())
    again = call(app, story.get_absolute_url())
    assert django_app.calls == 2
    assert fast[0] == by_django[0] == again[0] == "200 OK"
    tokens = [form_token(answer[2]) for answer in (by_django, fast, again)]
    assert len(set(tokens)) == 3  # a form token of its own for each reader
    for token in tokens[1:]:
        assert read_token(token, story.code, now=time.time() + 60).version == story.version
    # The rest, the form included, byte for byte what Django answered.
    assert fast[2].replace(tokens[1].encode(), tokens[0].encode()) == by_django[2]
    assert again[2].replace(tokens[2].encode(), tokens[0].encode()) == by_django[2]
    assert header(fast[1], "Cache-Control") == "private, no-store"
    assert header(fast[1], "ETag") is None
    names = [name for name, _ in fast[1]]
    assert names == [name for name, _ in by_django[1]]


def test_an_article_without_a_form_is_answered_byte_for_byte(app, django_app, editions):
    en, _ = editions
    en.comment_policy = CommentPolicy.CLOSED
    en.save()
    closed = make_story(en, section=en.sections.get(), headline="Closed to comments")
    _rendered, by_django, fast = remembered(app, django_app, closed.get_absolute_url())
    assert fast == by_django
    assert header(fast[1], "ETag")


def test_a_signed_in_reader_is_answered_by_django(app, django_app, client, story):
    remembered(app, django_app, "/en/")
    client.force_login(make_member("editor", "editor"))
    session = client.cookies["sessionid"].value
    status, headers, _ = call(app, "/en/", headers={"HTTP_COOKIE": f"sessionid={session}"})
    assert django_app.calls == 3
    assert status == "200 OK"
    assert header(headers, "Cache-Control") == "private, no-store"  # never a shared copy


def test_a_post_is_answered_by_django(app, django_app, story):
    remembered(app, django_app, "/en/")
    _status, headers, _ = call(app, "/en/", method="POST", body=b"a=1")
    assert django_app.calls == 3
    assert header(headers, "Cache-Control") == "private, no-store"


def test_a_head_request_is_answered_by_django(app, django_app, story):
    remembered(app, django_app, "/en/")
    status, _headers, _content = call(app, "/en/", method="HEAD")
    assert django_app.calls == 3
    assert status == "200 OK"


def test_a_newsroom_page_is_never_answered_from_a_kept_page(app, django_app, story):
    remembered(app, django_app, "/en/")
    for _ in range(3):
        status, headers, _ = call(app, "/newsroom/")
        assert status.startswith("302")
        assert "/newsroom/login/" in header(headers, "Location")
    assert django_app.calls == 5
    assert len(app.remembered) == 1


@pytest.mark.parametrize("applied_by", ["this request", "an earlier request elsewhere"])
def test_a_killed_story_is_gone_at_once(app, django_app, story, applied_by):
    remembered(app, django_app, story.get_absolute_url())
    kill_story(story, reason="Legal")
    if applied_by != "this request":
        # Another page (or another process) applies the change first: only the page's own
        # scope token then says the kept article is retired.
        call(app, "/en/section/world/")
    status, _headers, content = call(app, story.get_absolute_url())
    assert status.startswith("410")
    assert b"Dam opens" not in content


@pytest.mark.parametrize("applied_by", ["this request", "an earlier request elsewhere"])
def test_a_killed_story_leaves_the_stand_in_related_news_it_showed(
    app, django_app, story, applied_by
):
    """A page showing its section's newest as Related News (no stored list) is kept under the
    section's and tags' tokens too: a kill retires it, on the fast path as in Django."""
    neighbour = make_story(story.edition, section=story.section, headline="Canal closes")
    _rendered, _by_django, fast = remembered(app, django_app, neighbour.get_absolute_url())
    assert b"Dam opens" in fast[2]
    kill_story(story, reason="Legal")
    if applied_by != "this request":
        call(app, "/en/")
    status, _headers, content = call(app, neighbour.get_absolute_url())
    assert status == "200 OK"
    assert b"Dam opens" not in content


def test_a_new_story_retires_the_kept_front(app, django_app, story):
    remembered(app, django_app, "/en/")
    make_story(story.edition, section=story.section, headline="Second story")
    call(app, story.get_absolute_url())  # the change applied while answering another page
    _status, _headers, content = call(app, "/en/")
    assert b"Second story" in content


def test_a_change_to_another_story_keeps_the_article_on_the_fast_path(app, django_app, story):
    remembered(app, django_app, story.get_absolute_url())
    other_section = Section.objects.create(edition=story.edition, slug="sport", name="Sport")
    calls = django_app.calls  # the section's save retired every page (the furniture)
    call(app, story.get_absolute_url())  # applied, rendered
    call(app, story.get_absolute_url())  # Django's hit
    make_story(story.edition, section=other_section, headline="Elsewhere")
    call(app, story.get_absolute_url())  # the change applied (by Django), the page kept
    status, _headers, _content = call(app, story.get_absolute_url())
    assert status == "200 OK"
    assert django_app.calls == calls + 3


def test_a_furniture_change_retires_the_kept_page(app, django_app, story):
    remembered(app, django_app, "/en/")
    section = story.section
    section.name = "The World"
    section.save()
    _status, _headers, content = call(app, "/en/")
    assert b"The World" in content


@pytest.mark.parametrize("generation", ["kept", "lost"])
def test_pages_retired_outside_the_change_log_are_gone_at_once(app, django_app, story, generation):
    """The fast path reads one key, the pages' generation, while no change id has moved: a
    token written without a change (retire_story_pages) must still reach it; and a cache that
    lost the generation (or never had one) must not stop it from working."""
    url = story.get_absolute_url()
    if generation == "lost":
        cache.delete(GENERATION_KEY)
    remembered(app, django_app, url)
    call(app, url)  # answered again from what the fast path confirmed
    assert django_app.calls == 2
    retire_story_pages([story.code])
    status, _headers, _content = call(app, url)
    assert status == "200 OK"
    assert django_app.calls == 3


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_IF_NONE_MATCH": '"anything"'},
        {"HTTP_IF_MODIFIED_SINCE": "Sat, 28 Nov 2026 00:00:00 GMT"},
        {"HTTP_SURROGATE_CAPABILITY": 'varnish="ESI/1.0"'},
        {"HTTP_RANGE": "bytes=0-10"},
        {"HTTP_AUTHORIZATION": "Bearer x"},
        {"HTTP_COOKIE": "csrftoken=abc"},
    ],
    ids=["if-none-match", "if-modified-since", "esi", "range", "authorization", "cookie"],
)
def test_requests_django_would_answer_otherwise_go_to_django(app, django_app, story, headers):
    remembered(app, django_app, "/en/")
    call(app, "/en/", headers=headers)
    assert django_app.calls == 3


def test_a_conditional_request_still_gets_its_304(app, django_app, story):
    _rendered, by_django, _fast = remembered(app, django_app, "/en/")
    etag = header(by_django[1], "ETag")
    status, _headers, content = call(app, "/en/", headers={"HTTP_IF_NONE_MATCH": etag})
    assert status.startswith("304")
    assert content == b""


def test_per_reader_parameters_go_to_django(app, django_app, story):
    remembered(app, django_app, story.get_absolute_url())
    for _ in range(2):  # never remembered for the next reader
        call(app, story.get_absolute_url() + "?comment=received")
    assert django_app.calls == 4


def canonical(content: bytes) -> str:
    return re.search(rb'<link rel="canonical" href="([^"]+)"', content)[1].decode()


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"HTTP_HOST": "localhost"}, "http://localhost/en/"),
        ({"HTTP_X_FORWARDED_PROTO": "https"}, "https://127.0.0.1/en/"),
        ({"SCRIPT_NAME": "/news"}, "http://127.0.0.1/news/en/"),
    ],
)
def test_a_page_kept_for_one_address_is_not_answered_for_another(
    app, django_app, story, settings, headers, expected
):
    """The same path asked for another host, through a proxy that says the reader came by
    HTTPS, or under another prefix is another page (its canonical address, say)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    remembered(app, django_app, "/en/")
    for _ in range(3):
        status, _headers, content = call(app, "/en/", headers=headers)
        assert status == "200 OK"
        assert canonical(content) == expected
    assert django_app.calls == 4  # rendered for the new address, then Django's hit


def test_another_query_is_another_page(app, django_app, story):
    remembered(app, django_app, "/en/")
    assert call(app, "/en/?page=9")[0].startswith("404")


@pytest.mark.parametrize(
    "host", ["evil.example.org", "127.0.0.1:80@evil", "127.0.0.1\r\nX-Injected: 1", "é.example"]
)
def test_a_host_not_allowed_is_refused_by_django(app, django_app, story, host):
    remembered(app, django_app, "/en/")
    status, _headers, _content = call(app, "/en/", headers={"HTTP_HOST": host})
    assert status.startswith("400")


@pytest.mark.parametrize(
    "path", ["/en/../en/", "/en/%00/", "/en/section/%E2%80%AE/", "/en/?page=2%27--"]
)
def test_hostile_paths_are_answered_as_django_answers_them(app, django_app, story, path):
    first = call(app, path)
    assert call(app, path)[0] == first[0]
    assert call(app, path)[0] == first[0]


def test_the_oldest_kept_answer_makes_room(django_app, editions):
    small = FastPageApplication(django_app, entries=1)
    en, _ = editions
    make_story(en, section=en.sections.get(), tags=("Water",))
    for path in ("/en/", "/en/section/world/"):
        for _ in range(2):
            call(small, path)
    assert list(small.remembered) and len(small.remembered) == 1
    calls = django_app.calls
    call(small, "/en/section/world/")
    assert django_app.calls == calls  # the newest stays
    call(small, "/en/")
    assert django_app.calls == calls + 1


def test_turned_off_with_the_page_cache(app, django_app, story, settings):
    remembered(app, django_app, "/en/")
    settings.PAGE_CACHE_SECONDS = 0
    call(app, "/en/")
    assert django_app.calls == 3


def test_with_the_database_down_django_serves_the_kept_page_stale(app, django_app, story):
    from django.db import connection

    from tests.site.test_faults import DatabaseDown

    remembered(app, django_app, "/en/")
    with connection.execute_wrapper(DatabaseDown()):
        status, headers, content = call(app, "/en/")
        section_down = call(app, "/en/section/world/")
    assert django_app.calls == 4
    assert status == "200 OK"
    assert b"Dam opens" in content
    assert header(headers, "Cache-Control") == "public, max-age=0, must-revalidate"
    assert section_down[0].startswith("503")


def test_between_reads_a_remembered_page_is_answered_without_the_database(
    django_app, story, settings, django_assert_num_queries
):
    """Within the recheck window of a read of the change ids, answers read nothing (and
    send no request_finished); a kill by another process is seen once the window has passed."""
    settings.PAGE_FAST_PATH_RECHECK_MS = 300
    app = FastPageApplication(django_app, entries=50)
    finished = []

    def on_finished(**kwargs):
        finished.append(kwargs["sender"])

    signals.request_finished.connect(on_finished)
    try:
        remembered(app, django_app, story.get_absolute_url())
        finished.clear()
        with django_assert_num_queries(0):
            status, _headers, content = call(app, story.get_absolute_url())
        assert status == "200 OK" and b"Dam opens" in content
        assert finished == []
        kill_story(story, reason="Legal")
        time.sleep(0.3)
        status, _headers, content = call(app, story.get_absolute_url())
    finally:
        signals.request_finished.disconnect(on_finished)
    assert status.startswith("410")
    assert b"Dam opens" not in content


def test_a_page_found_valid_under_older_ids_than_the_last_read_reads_again(
    django_app, story, settings, django_assert_num_queries
):
    """The window holds only for pages found valid under the ids the last read saw: once any
    read has seen a newer change, every other page reads before it is answered."""
    settings.PAGE_FAST_PATH_RECHECK_MS = 60_000
    app = FastPageApplication(django_app, entries=50)
    remembered(app, django_app, story.get_absolute_url())
    other = make_story(story.edition, headline="Elsewhere")  # no section, no tag in common
    for _ in range(3):  # rendered, Django's hit, the fast path's read of the new ids
        assert call(app, other.get_absolute_url())[0] == "200 OK"
    with django_assert_num_queries(1):
        assert call(app, story.get_absolute_url())[0] == "200 OK"
    with django_assert_num_queries(0):
        assert call(app, story.get_absolute_url())[0] == "200 OK"
