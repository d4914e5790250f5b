"""Saving or deleting an edition, section or follow link purges the cached site furniture;
saving anything else leaves it.

The wiring is made once at start-up (`SiteConfig.ready`); these tests make it again, so that
they check `connect_signals` itself rather than what start-up left behind.
"""

import pytest
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from dateline.comments import moderation
from dateline.editions.models import Edition, FollowLink
from dateline.site import chrome
from dateline.site.chrome import CACHE_KEY, connect_signals, site_chrome
from dateline.site.page_cache import FURNITURE_KEY, furniture_token, retire_all_pages
from dateline.stories.models import Section, Tag
from tests.factories import make_edition, make_pending_comment, make_section, make_story

pytestmark = pytest.mark.django_db

FURNITURE = (Edition, Section, FollowLink)


def unwire():
    for model in FURNITURE:
        post_save.disconnect(sender=model, dispatch_uid=f"chrome-save-{model.__name__}")
        post_delete.disconnect(sender=model, dispatch_uid=f"chrome-delete-{model.__name__}")


@pytest.fixture
def wired():
    unwire()
    connect_signals()
    yield
    unwire()
    connect_signals()


@pytest.fixture
def furniture(wired):
    edition = make_edition("en")
    section = make_section(edition, "world", "World")
    site_chrome()
    assert cache.get(CACHE_KEY) is not None
    return edition, section, edition.follow_links.get()


def is_purged() -> bool:
    return cache.get(CACHE_KEY) is None


def test_saving_each_kind_of_furniture_purges(furniture):
    for row in furniture:
        site_chrome()
        row.save()
        assert is_purged(), type(row).__name__


def test_deleting_each_kind_of_furniture_purges(furniture):
    _, section, link = furniture
    for row in (link, section):
        site_chrome()
        row.delete()
        assert is_purged(), type(row).__name__
    assert site_chrome().edition("en").sections == ()
    assert site_chrome().edition("en").follow_links == ()


def test_the_purge_shows_the_change_on_the_next_read(furniture):
    _, section, _ = furniture
    section.name = "Foreign"
    section.save()
    assert [s.name for s in site_chrome().edition("en").sections] == ["Foreign"]


def test_stories_and_tags_leave_the_furniture_cached(furniture):
    edition, section, _ = furniture
    story = make_story(edition, section=section, tags=("Water",))
    tag = Tag.objects.create(slug="oil", name="Oil")
    assert not is_purged()
    tag.delete()
    story.tags.clear()
    Tag.objects.filter(slug="water").delete()
    assert not is_purged()


def test_the_wiring_is_named_so_a_second_start_up_does_not_double_it(furniture):
    """Each receiver is connected under its own name: `ready()` run again (a second app
    registry, a reload) replaces it rather than adding one, and it can be taken off by name.
    Taken off, saving the furniture leaves the cached copy alone."""
    edition, section, link = furniture
    connect_signals()  # again: still one receiver per signal and model
    for model in FURNITURE:
        assert post_save.disconnect(sender=model, dispatch_uid=f"chrome-save-{model.__name__}")
        assert post_delete.disconnect(sender=model, dispatch_uid=f"chrome-delete-{model.__name__}")
    site_chrome()
    for row in (edition, section, link):
        row.save()
    link.delete()
    assert not is_purged()


def furniture_reads(monkeypatch) -> list[str]:
    """The keys of the furniture and its token read from the cache on their own (not among
    other keys, as the page cache reads them), from now on."""
    reads = []
    real_get, real_get_many = cache.get, cache.get_many
    among_others = []

    def counting_get(key, *args, **kwargs):
        if key in (CACHE_KEY, FURNITURE_KEY) and not among_others:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        among_others.append(True)  # the test cache's get_many asks get for each key
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            among_others.pop()

    monkeypatch.setattr(cache, "get", counting_get)
    monkeypatch.setattr(cache, "get_many", get_many)
    return reads


def test_a_request_reads_the_furniture_from_the_cache_once(
    client, furniture, monkeypatch, settings
):
    """A page asks for the furniture several times (its view, the comment form, the edition
    switch); the cache is read for the first ask only (its token, the furniture itself when
    that names another), and again by the next request."""
    settings.PAGE_CACHE_SECONDS = 0  # no page lookup reading the token first
    settings.PAGE_FAST_PATH_RECHECK_MS = 0  # nor the copy read a moment ago trusted
    edition, section, _ = furniture
    story = make_story(edition, section=section)
    reads = furniture_reads(monkeypatch)
    for _ in range(2):
        assert client.get(story.get_absolute_url()).status_code == 200
    assert reads == [FURNITURE_KEY, FURNITURE_KEY]


def test_a_request_uses_the_furniture_read_a_moment_ago_but_sees_its_own_process_change(
    client, furniture, monkeypatch, settings
):
    """Without a page lookup's token, the copy read within PAGE_FAST_PATH_RECHECK_MS is used
    unasked; another process's change shows after that long, this process's own at once."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.PAGE_FAST_PATH_RECHECK_MS = 60_000
    edition, section, _ = furniture
    story = make_story(edition, section=section)
    reads = furniture_reads(monkeypatch)
    for _ in range(2):
        assert "World" in client.get(story.get_absolute_url()).content.decode()
    assert reads == [FURNITURE_KEY]
    # Another process renames the section: not seen within the minute.
    Section.objects.filter(pk=section.pk).update(name="Foreign")
    retire_all_pages()
    assert "World" in client.get(story.get_absolute_url()).content.decode()
    # This process renames it: seen by its next request.
    section.name = "Abroad"
    section.save()
    assert "Abroad" in client.get(story.get_absolute_url()).content.decode()


def test_a_page_rendered_for_the_page_cache_reads_no_token_of_its_own(
    client, furniture, monkeypatch, settings
):
    """The page cache's lookup read the furniture token with the page's other keys: the
    furniture and the comment thread rendered for the page are read under it, one cache read
    fewer for every rendered page."""
    settings.PAGE_CACHE_SECONDS = 60
    edition, section, _ = furniture
    story = make_story(edition, section=section)
    moderation.approve([make_pending_comment(story, "First!").pk])  # `comment_generation`
    # The first lookup retires every page (nothing says what changed before it): the token
    # this process read the furniture under with it.
    assert client.get("/en/").status_code == 200
    reads = furniture_reads(monkeypatch)
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    assert "First!" in page.content.decode() and "World" in page.content.decode()
    assert reads == []


def test_outside_a_request_each_read_sees_a_change(furniture):
    """A task worker is never inside a request: it reads what is cached now, every time."""
    _, section, _ = furniture
    assert [s.name for s in site_chrome().edition("en").sections] == ["World"]
    Section.objects.filter(pk=section.pk).update(name="Foreign")  # behind the signals' back
    retire_all_pages()  # as another process's purge does
    assert [s.name for s in site_chrome().edition("en").sections] == ["Foreign"]


def test_furniture_saved_in_a_request_shows_as_saved_in_the_same_request(furniture):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    _, section, _ = furniture
    # A request's signals as Django's test client sends them: without closing the test's
    # database connection at the end.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.send(sender=None)
    try:
        assert [s.name for s in site_chrome().edition("en").sections] == ["World"]
        section.name = "Foreign"
        section.save()
        assert [s.name for s in site_chrome().edition("en").sections] == ["Foreign"]
    finally:
        request_finished.send(sender=None)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_process_reads_the_furniture_again_only_when_its_version_changes(furniture):
    """Another process's purge or new reading reaches this one through the version token,
    whatever this process kept; while the token stands, what it kept is used unread."""
    _, section, _ = furniture
    first = site_chrome()
    assert site_chrome() is first
    # Another process saves the section: its purge replaces the token; this one built nothing.
    Section.objects.filter(pk=section.pk).update(name="Foreign")
    retire_all_pages()
    assert [s.name for s in site_chrome().edition("en").sections] == ["Foreign"]
    # Another process read newer furniture and cached it, token and all.
    Section.objects.filter(pk=section.pk).update(name="Abroad")
    theirs = chrome._build(retire_all_pages())
    cache.set(CACHE_KEY, theirs)
    assert [s.name for s in site_chrome().edition("en").sections] == ["Abroad"]


def test_furniture_cached_under_another_version_than_the_token_is_read_afresh(furniture):
    _, section, _ = furniture
    site_chrome()
    Section.objects.filter(pk=section.pk).update(name="Foreign")
    cache.set(FURNITURE_KEY, "another")  # purged since: the token names no furniture read
    assert [s.name for s in site_chrome().edition("en").sections] == ["Foreign"]
    assert furniture_token() == cache.get(CACHE_KEY).version == "another"


def test_furniture_read_before_the_save_committed_is_read_again_after(
    furniture, django_capture_on_commit_callbacks
):
    """Another process reading the furniture between the save's purge and its commit reads it
    as it was, and caches that under the new token: the purge is made again on commit."""
    _, section, _ = furniture
    with django_capture_on_commit_callbacks(execute=True):
        section.name = "Foreign"
        section.save()
        as_it_was = chrome._build(furniture_token())  # as the other process read it
        as_it_was.editions[0].sections[0].name = "World"
        cache.set(CACHE_KEY, as_it_was)
        chrome._last_read = None
        assert [s.name for s in site_chrome().edition("en").sections] == ["World"]
    assert [s.name for s in site_chrome().edition("en").sections] == ["Foreign"]


def test_a_tag_renamed_in_the_admin_shows_on_its_cached_pages_at_once(client, wired, settings):
    settings.PAGE_CACHE_SECONDS = 60
    edition = make_edition("en")
    story = make_story(edition, tags=("Trade",))
    for path in ("/en/tag/trade/", story.get_absolute_url()):
        assert "Trade" in client.get(path).content.decode()  # now in the page cache
    tag = Tag.objects.get(slug="trade")
    tag.name = "Foreign Trade"
    tag.save()
    for path in ("/en/tag/trade/", story.get_absolute_url()):
        assert "Foreign Trade" in client.get(path).content.decode(), path
