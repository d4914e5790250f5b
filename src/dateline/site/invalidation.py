"""Which cached pages a story change retires, and which public URLs show a story (decision 0032).

Every cached page depends on a few *scopes*, each a small cache key holding a token: an article
on its story's (`story:CODE`), a front and the edition's feeds on the edition's
(`edition:CODE`), a section or tag page and its feeds on that section's or tag's, the sitemaps
on `sitemaps`. A page is served from the cache only while the tokens it was stored under are
the tokens now (site.page_cache); retiring pages is writing new tokens.

The change log stays the source of truth, as in decision 0010: the request that first sees a
`StoryChange`, `ModerationEvent` or `RelatedStory` id newer than the last one applied
(`APPLIED_KEY`) reads the rows since, works out the scopes that show their stories and writes
them new tokens (`bring_up_to_date`). So a change committed by any process retires what it
must, signals or not, and publishing writes nothing to the cache. Applying twice is harmless
(more tokens).

A change to story A retires: A's page; the pages of stories whose stored Related News lists
hold A (`discovery.RelatedStory`), whose editors picked A (`discovery.RelatedChoice`: a pick
is shown only while public, so A's publication, correction or kill changes those pages too)
and of A's translations (all show its headline); A's edition's fronts and feeds, its
section's and tags' pages and feeds; the sitemaps; and the pages of the section and tags the
public story left with that change, which it no longer names (`StoryChange.lists_left`). A
comment moderation event on A retires A's page and the lists showing A (they show comment
counts). A Related News list written (new rows, as discovery writes them) retires its story's
page.
"""

import logging
import secrets
from collections.abc import Collection, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse

from dateline.comments.models import ModerationEvent
from dateline.discovery.models import RelatedChoice, RelatedStory
from dateline.stories.models import Story, StoryChange

logger = logging.getLogger(__name__)

APPLIED_KEY = "site:scopes:applied"
# A token replaced whenever any scope token or the furniture token is: while it and the change
# ids are what they were, no page's stamp has changed (site.fast_path reads this one key
# instead of a page's every token). Written after the tokens it covers, read before them.
GENERATION_KEY = "site:pages:generation"
SCOPE_PREFIX = "site:scope:"
SITEMAPS = "sitemaps"
FEED_FORMATS = ("rss", "atom", "json")
RELATED_PER_CHANGE = 30  # Related News rows one publication writes: its list, and 5 others'


def story_scope(code: int) -> str:
    return f"story:{code}"


def edition_scope(edition: str) -> str:
    return f"edition:{edition}"


def section_scope(edition: str, slug: str) -> str:
    return f"section:{edition}:{slug}"


def tag_scope(edition: str, slug: str) -> str:
    return f"tag:{edition}:{slug}"


def stand_in_scopes(edition: str, section: str | None, tags: Iterable[str]) -> list[str]:
    """The scopes a story's stand-in Related News shows (the newest of its tags and section),
    from its edition's code, its section's slug (if any) and its tags' slugs."""
    scopes = [tag_scope(edition, slug) for slug in tags]
    return [*scopes, section_scope(edition, section)] if section else scopes


def scope_key(scope: str) -> str:
    return SCOPE_PREFIX + scope


def bring_up_to_date(applied: tuple | None, newest: tuple[int, int, int]) -> None:
    """Retire the scopes that the changes, moderation events and Related News entries after
    `applied` touch, then mark `newest` applied. `applied` None (never applied, or the marker
    was evicted): nothing says what changed since, so every page is retired."""
    from dateline.site.page_cache import retire_all_pages  # page_cache imports this module

    if applied is None or len(applied) != len(newest) or _too_many(applied, newest):
        retire_all_pages()
    else:
        (change_from, event_from, entry_from), (change_to, event_to, entry_to) = applied, newest
        changed, commented, relisted = set(), set(), set()
        left = set()
        if change_to > change_from:
            changes = StoryChange.objects.filter(id__gt=change_from, id__lte=change_to)
            rows = list(changes.values_list("story_id", "lists_left"))
            changed = {code for code, _ in rows}
            left = lists_left_scopes([(code, lists) for code, lists in rows if lists])
        if event_to > event_from:
            events = ModerationEvent.objects.filter(id__gt=event_from, id__lte=event_to)
            commented = set(events.values_list("comment__story_id", flat=True))
        if entry_to > entry_from:
            # A list is rewritten as new rows (discovery.related): the stories whose pages show
            # a list written since.
            entries = RelatedStory.objects.filter(id__gt=entry_from, id__lte=entry_to)
            relisted = set(entries.values_list("story_id", flat=True))
        scopes = scopes_showing(changed) | scopes_listing(commented) | left
        scopes |= {story_scope(code) for code in relisted}
        retire(scopes, token=".".join(map(str, newest)))
    cache.set(APPLIED_KEY, newest, timeout=None)


def lists_left_scopes(left: list[tuple[int, dict]]) -> set[str]:
    """The scopes of the section and tags each story left (its code, a change's `lists_left`),
    and of the stand-in Related News that showed it for them."""
    if not left:
        return set()
    codes = {code for code, _ in left}
    editions = dict(Story.objects.filter(pk__in=codes).values_list("code", "edition__code"))
    return {
        scope
        for code, lists in left
        for scope in stand_in_scopes(editions[code], lists["section"], lists["tags"])
    }


def _too_many(applied: tuple[int, int, int], newest: tuple[int, int, int]) -> bool:
    """An import of thousands, a rebuild of every related list: one token for every page is
    cheaper than one per scope."""
    changes = newest[0] - applied[0] + newest[1] - applied[1]
    entries = newest[2] - applied[2]
    limit = settings.PAGE_CACHE_TARGETED_LIMIT
    return changes > limit or entries > RELATED_PER_CHANGE * limit


def retire(scopes: Iterable[str], token: str) -> None:
    scopes = set(scopes)
    if scopes:
        write_tokens({scope_key(scope): token for scope in scopes})


def write_tokens(tokens: dict[str, str]) -> None:
    """Write pages' tokens (scopes, furniture) and, last, a new pages' generation."""
    cache.set_many({**tokens, GENERATION_KEY: secrets.token_hex(8)}, timeout=None)


def retire_story_pages(codes: Iterable[int]) -> None:
    """Retire the pages of stories `codes` at once, for a change neither the change log nor
    new Related News rows record (say, rows updated in place)."""
    retire((story_scope(code) for code in codes), token=secrets.token_hex(6))


def scopes_showing(codes: set[int]) -> set[str]:
    """The scopes of every page that shows one of the stories `codes` (a handful of queries
    for any number of stories)."""
    if not codes:
        return set()
    stories = list(
        Story.objects.filter(pk__in=codes).values_list(
            "code", "edition__code", "section__slug", "translation_group_id"
        )
    )
    scopes = {SITEMAPS} | {story_scope(code) for code in codes}
    scopes |= _list_scopes(stories)
    groups = {group for *_, group in stories if group is not None}
    if groups:
        translations = Story.objects.filter(translation_group_id__in=groups)
        scopes |= {story_scope(code) for code in translations.values_list("code", flat=True)}
    scopes |= {story_scope(code) for code in showing_in_related_news(codes)}
    return scopes


def showing_in_related_news(codes: Collection[int]) -> QuerySet:
    """The codes of the stories whose Related News may show one of `codes`: their stored lists
    hold it, or their editors picked it. One query (a union), each half read along an index
    by the shown story (`related_by_target`, the picks' index on `other`)."""
    listing = RelatedStory.objects.filter(related_id__in=codes)
    picking = RelatedChoice.objects.filter(other_id__in=codes, kind=RelatedChoice.Kind.PICK)
    return listing.values_list("story_id", flat=True).union(
        picking.values_list("story_id", flat=True)
    )


def scopes_listing(codes: set[int]) -> set[str]:
    """Scopes of the pages a comment event on `codes` changes: the articles (their threads)
    and the lists showing them (their comment counts)."""
    if not codes:
        return set()
    stories = list(
        Story.objects.filter(pk__in=codes).values_list(
            "code", "edition__code", "section__slug", "translation_group_id"
        )
    )
    return {story_scope(code) for code in codes} | _list_scopes(stories)


def _list_scopes(stories: list[tuple]) -> set[str]:
    scopes = set()
    for _code, edition, section, _group in stories:
        scopes.add(edition_scope(edition))
        if section:
            scopes.add(section_scope(edition, section))
    tagged = Story.tags.through.objects.filter(story_id__in=[s[0] for s in stories])
    editions = {code: edition for code, edition, *_ in stories}
    for code, slug in tagged.values_list("story_id", "tag__slug"):
        scopes.add(tag_scope(editions[code], slug))
    return scopes


def list_paths(edition: str, section: str | None, tags: Iterable[str]) -> list[str]:
    """The paths of a section's (slug `section`, if any) and tags' (slugs `tags`) pages and
    feeds in `edition`."""
    paths = []
    if section:
        paths.append(reverse("site:section", kwargs={"edition": edition, "slug": section}))
        paths += [reverse("site:section-feed", args=[edition, section, f]) for f in FEED_FORMATS]
    for tag in tags:
        paths.append(reverse("site:tag", kwargs={"edition": edition, "slug": tag}))
        paths += [reverse("site:tag-feed", args=[edition, tag, f]) for f in FEED_FORMATS]
    return paths


def urls_showing(story: Story) -> list[str]:
    """Every public URL path (no host, no query string) whose page shows `story`: the paths an
    HTTP cache in front must purge when it is published, corrected or killed. Paginated lists
    are named once, without `?page=`: purge each path with its query strings.

    Its article page; the pages of the stories whose Related News lists hold it, of those whose
    editors picked it and of its translations; its edition's front and feeds; its section's
    and tags' pages and feeds; the sitemap index and its edition's sitemaps. Asked for a killed
    story, it names the pages that showed it (the killed page itself answers 410 now).
    """
    edition = story.edition.code
    paths = [story.get_absolute_url(), reverse("site:front", kwargs={"edition": edition})]
    paths += [reverse("site:edition-feed", args=[edition, f]) for f in FEED_FORMATS]
    section = story.section.slug if story.section_id else None
    paths += list_paths(edition, section, story.tags.values_list("slug", flat=True))
    paths.append(reverse("site:sitemap-index"))
    paths += [
        reverse("site:sitemap", kwargs={"section": f"{kind}-{edition}"})
        for kind in ("stories", "news")
    ]
    others = Story.objects.public().filter(pk__in=showing_in_related_news([story.pk]))
    if story.translation_group_id is not None:
        others |= (
            Story.objects.public()
            .filter(translation_group_id=story.translation_group_id)
            .exclude(pk=story.pk)
        )
    for other in others.select_related("edition").only("code", "slug", "edition__code"):
        paths.append(other.get_absolute_url())
    return list(dict.fromkeys(paths))
