"""`dateline reindex [--edition E]`: rebuild the search index from the public stories."""

from django.core.management.base import BaseCommand

from dateline.discovery.management.commands._edition import chosen_edition
from dateline.discovery.search import reindex
from dateline.editions.arguments import edition_code


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the public stories (all editions, or one): after an "
        "import of old data or an upgrade. Prints a progress line on stderr, the total on stdout."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--edition", type=edition_code, metavar="E", help="edition code (default: all)"
        )

    def handle(self, *args, edition, **options):
        chosen = chosen_edition(edition)

        def progress(done: int) -> None:
            self.stderr.write(f"\rindexed {done} stories", ending="")
            self.stderr.flush()

        total = reindex(chosen, progress=progress)
        if total:
            self.stderr.write("")
        where = f" of edition {chosen.code}" if chosen else ""
        self.stdout.write(f"indexed {total} public stories{where}")
