"""The `--edition E` option that `reindex` and `related` share."""

from django.core.management.base import CommandError

from dateline.editions.models import Edition, unknown_edition


def chosen_edition(code: str | None) -> Edition | None:
    """The edition `--edition` names, or None for all of them; an unknown code is refused."""
    if code is None:
        return None
    edition = Edition.objects.filter(code=code).first()
    if edition is None:
        raise CommandError(f"--edition {code}: {unknown_edition(code)}")
    return edition
