"""`dateline related --rebuild [--edition E]`: compute every public story's Related News."""

from django.core.management.base import BaseCommand, CommandError

from dateline.discovery import related
from dateline.discovery.management.commands._edition import chosen_edition


class Command(BaseCommand):
    help = (
        "Compute the Related News list of every public story (all editions, or one): after an "
        "import or an upgrade. Run `dateline reindex` first if the search index may be stale. "
        "Prints a progress line on stderr, the total on stdout."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="compute every list")
        parser.add_argument("--edition", metavar="E", help="edition code (default: all)")

    def handle(self, *args, rebuild: bool, edition, **options):
        if not rebuild:
            raise CommandError("nothing to do: give --rebuild")
        chosen = chosen_edition(edition)

        def progress(done: int) -> None:
            self.stderr.write(f"\rrelated lists: {done}", ending="")
            self.stderr.flush()

        total = related.rebuild(chosen, progress=progress)
        if total:
            self.stderr.write("")
        where = f" of edition {chosen.code}" if chosen else ""
        self.stdout.write(f"computed Related News for {total} public stories{where}")
