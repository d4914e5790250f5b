"""The worker keeps each edition's model of its words fitted (decision 0051): the first once
the edition has enough public stories, with every list remade by it; again each time the
edition has grown by REFIT_GROWTH, the lists remade only up to AUTO_REBUILD_MAX stories; one
fit queued at a time; an edition whose words make no model is not tried again at once."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from dateline.discovery import upkeep
from dateline.discovery.models import RelatedModel, RelatedStory
from tests.discovery.test_related import IMMEDIATE, everyday_news
from tests.factories import make_story


@pytest.fixture
def background(settings, committed):
    settings.TASKS = IMMEDIATE  # the refreshes and the fits they queue run at once
    return committed


@pytest.fixture
def small(monkeypatch):
    """A model is fitted from 25 public stories on (lsa needs 20)."""
    monkeypatch.setattr(upkeep, "AUTO_FIT_MIN", 25)


def fitted_on(edition) -> int | None:
    models = RelatedModel.objects.filter(edition=edition).values_list("stories", flat=True)
    return models.first()


def listed(edition) -> int:
    """How many of the edition's stories have a list."""
    return RelatedStory.objects.filter(story__edition=edition).values("story").distinct().count()


def lists_older_than_the_model(edition) -> int:
    fitted_at = RelatedModel.objects.get(edition=edition).fitted_at
    return RelatedStory.objects.filter(story__edition=edition, computed_at__lt=fitted_at).count()


def test_the_first_model_comes_with_enough_stories_and_remakes_every_list(
    editions, background, small
):
    en, fa = editions
    with background():
        everyday_news(en, count=24)
        everyday_news(fa, count=30)  # another edition's stories count for their own
    assert fitted_on(en) is None
    assert listed(en) == 24  # ranked without one
    with background():
        everyday_news(en, count=1)
    assert fitted_on(en) == 25
    assert fitted_on(fa) == 30
    assert listed(en) == 25
    assert lists_older_than_the_model(en) == 0


def test_a_grown_edition_is_refitted_and_a_large_one_keeps_its_lists(
    editions, background, small, monkeypatch
):
    en, _ = editions
    with background():
        everyday_news(en, count=25)
    assert fitted_on(en) == 25
    monkeypatch.setattr(upkeep, "AUTO_REBUILD_MAX", 40)
    with background():
        everyday_news(en, count=24)
    assert fitted_on(en) == 25  # 49 stories: not yet twice as many
    with background():
        everyday_news(en, count=1)
    assert fitted_on(en) == 50
    # Over AUTO_REBUILD_MAX: the model is refitted, the lists stay as they were made.
    assert lists_older_than_the_model(en) > 0


def test_one_fit_is_queued_at_a_time(editions, background, small):
    en, _ = editions
    cache.add(upkeep._queued_key(en.pk), True, upkeep.QUEUED_SECONDS)  # one queued, not run yet
    with background():
        everyday_news(en, count=25)
    assert fitted_on(en) is None
    cache.delete(upkeep._queued_key(en.pk))  # its worker died with it: the hold ran out
    with background():
        everyday_news(en, count=1)
    assert fitted_on(en) == 26


def test_an_edition_whose_words_make_no_model_is_not_tried_again_at_once(
    editions, background, small
):
    en, _ = editions
    with background():
        for _ in range(25):  # one word each, all alike: nothing for a model to tell apart
            make_story(en, headline="Update", lead="Update.", body="Update.")
    assert fitted_on(en) is None
    assert upkeep.is_due(en.pk)  # still due, but held: not queued again at each refresh
    assert cache.get(upkeep._queued_key(en.pk)) is True


def test_a_fit_finds_the_model_another_made_meanwhile(editions, small):
    en, _ = editions
    for _ in range(25):
        make_story(en, headline="Update", lead="Update.", body="Update.")
    RelatedModel.objects.create(
        edition=en, stories=25, dimensions=2, words=b"", idf=b"", components=b"",
        emphasis=b"-",  # fitted with its words' emphasis (decision 0054): not due for it
        fitted_at=timezone.now(),
    )  # fmt: skip
    assert not upkeep.is_due(en.pk)
    assert upkeep.fit_and_remake(en.pk) == 0


def test_a_model_fitted_before_words_had_an_emphasis_is_refitted_once(editions, background, small):
    """Decision 0054: a model stored without its words' emphasis (an upgraded site) is due
    whatever the edition's size; refitted, it has one and is not due again."""
    en, _ = editions
    with background():
        everyday_news(en, count=25)
    assert not upkeep.is_due(en.pk)
    RelatedModel.objects.filter(edition=en).update(emphasis=b"")
    assert upkeep.is_due(en.pk)
    with background():
        everyday_news(en, count=1)  # a refresh: the worker asks, and fits
    model = RelatedModel.objects.get(edition=en)
    assert bytes(model.emphasis) and model.stories == 26
    assert not upkeep.is_due(en.pk)
    assert lists_older_than_the_model(en) == 0
