"""Each edition's model of its words kept fitted by the worker, with no operator's cron
(decision 0051).

After a batch of Related News refreshes (`tasks.refresh_related`) the worker asks whether the
edition's model is due: none yet and AUTO_FIT_MIN public stories, or fitted on fewer than
`lsa.FIT_SAMPLE` and the edition grown REFIT_GROWTH times since. A model due queues one
`tasks.fit_related`, which fits it and, up to AUTO_REBUILD_MAX public stories, remakes every
list of the edition with it (the lists of an archive imported before any model was fitted
would otherwise keep the weaker ranking for good). Growing by a factor keeps the work of all
the refits within a small multiple of the last one's, however the edition grew.
"""

import logging

from django.core.cache import cache
from django.db.models import BooleanField, ExpressionWrapper, Q

from dateline.discovery import lsa
from dateline.discovery.models import RelatedModel
from dateline.stories.models import Story

logger = logging.getLogger("dateline.discovery")

AUTO_FIT_MIN = 200  # public stories before an edition's first model (lsa needs 20 at least)
REFIT_GROWTH = 2
AUTO_REBUILD_MAX = 50_000  # above: new refreshes use the model; `related --rebuild` the rest
# A queued fit keeps another from being queued this long at most (a worker that died running
# it is forgotten then); a fit that gave no model (too few distinct words) holds it as long.
QUEUED_SECONDS = 3_600


def _queued_key(edition_id: int) -> str:
    return f"discovery:model-queued:{edition_id}"


def is_due(edition_id: int) -> bool:
    """Whether the edition's model should be fitted (again). At most two small queries: the
    count stops at the number that makes it due. A model fitted before its words had an
    emphasis (decision 0054) is due once, whatever the edition's size."""
    latest = (
        RelatedModel.objects.filter(edition_id=edition_id)
        .order_by("-pk")
        .annotate(unweighed=ExpressionWrapper(Q(emphasis=b""), output_field=BooleanField()))
        .values_list("stories", "unweighed")
        .first()
    )
    fitted_on = latest[0] if latest is not None else None
    if latest is not None and latest[1]:
        return True
    if fitted_on is not None and fitted_on >= lsa.FIT_SAMPLE:
        return False
    needed = AUTO_FIT_MIN if fitted_on is None else fitted_on * REFIT_GROWTH
    public = Story.objects.public().filter(edition_id=edition_id).values("pk")[:needed]
    return public.count() >= needed


def queue_fits_due(edition_ids: set[int]) -> None:
    """Queue the fit of each of the editions whose model is due, unless one is queued."""
    from dateline.discovery.tasks import fit_related

    for edition_id in sorted(edition_ids):
        if is_due(edition_id) and cache.add(_queued_key(edition_id), True, QUEUED_SECONDS):
            fit_related.enqueue(edition_id)


def fit_and_remake(edition_id: int) -> int:
    """Fit the edition's model and, if it has at most AUTO_REBUILD_MAX public stories, remake
    every list with it; how many lists were remade."""
    from dateline.discovery import related
    from dateline.editions.models import Edition

    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None or not is_due(edition_id):  # gone, or another worker fitted it
        cache.delete(_queued_key(edition_id))
        return 0
    public = Story.objects.public().filter(edition_id=edition_id).values("pk")
    if public[: AUTO_REBUILD_MAX + 1].count() <= AUTO_REBUILD_MAX:
        remade = related.rebuild(edition)
    else:
        remade = 0
        related.fit(edition)
        logger.warning(
            "fitted the Related News model of edition %s; its lists are remade as its stories "
            "change (over %s public stories: `dateline related --rebuild --edition %s` remakes "
            "them all)",
            edition.code,
            f"{AUTO_REBUILD_MAX:,}",
            edition.code,
        )
    if is_due(edition_id):  # no model came of it: not again until the hold runs out
        logger.warning("edition %s: no Related News model could be fitted", edition.code)
    else:
        cache.delete(_queued_key(edition_id))
    return remade
