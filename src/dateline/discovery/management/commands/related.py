"""`dateline related --rebuild|--fit [--edition E]`: fit the edition's model of its words and
compute every public story's Related News, or only fit the model."""

from django.core.management.base import BaseCommand, CommandError

from dateline.discovery import related
from dateline.discovery.management.commands._edition import chosen_edition


class Command(BaseCommand):
    help = (
        "Compute the Related News list of every public story (all editions, or one): after an "
        "import or an upgrade; the editions' models of their words are fitted first. "
        "Run `dateline reindex` first if the search index may be stale. Prints a progress line "
        "on stderr, the total on stdout. --fit only fits the models (from cron, weekly say)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="fit, then compute every list")
        parser.add_argument("--fit", action="store_true", help="only fit the models")
        parser.add_argument("--edition", metavar="E", help="edition code (default: all)")

    def handle(self, *args, rebuild: bool, fit: bool, edition, **options):
        if not rebuild and not fit:
            raise CommandError("nothing to do: give --rebuild or --fit")
        chosen = chosen_edition(edition)
        if fit and not rebuild:
            fitted = related.fit(chosen)
            for code in sorted(fitted):
                self.stdout.write(f"fitted the model of edition {code} on {fitted[code]} stories")
            if not fitted:
                self.stdout.write("no model fitted: too few public stories")
            return

        def progress(done: int) -> None:
            self.stderr.write(f"\rrelated lists: {done}", ending="")
            self.stderr.flush()

        total = related.rebuild(chosen, progress=progress)
        if total:
            self.stderr.write("")
        where = f" of edition {chosen.code}" if chosen else ""
        self.stdout.write(f"computed Related News for {total} public stories{where}")
