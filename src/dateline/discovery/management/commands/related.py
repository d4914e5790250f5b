"""`dateline related --rebuild|--fit|--words [--edition E]`: fit the edition's model of its
words and compute every public story's Related News, or only fit the model, or only store the
word counts of the stories indexed before they were kept."""

from django.core.management.base import BaseCommand, CommandError

from dateline.discovery import related
from dateline.discovery.management.commands._edition import chosen_edition
from dateline.editions.arguments import edition_code


class Command(BaseCommand):
    help = (
        "Compute the Related News list of every public story (all editions, or one): after an "
        "import or an upgrade; the editions' models of their words are fitted first. "
        "Run `dateline reindex` first if the search index may be stale. Prints a progress line "
        "on stderr, the total on stdout. --fit only fits the models (from cron, weekly say). "
        "--words only stores the word counts the stories indexed before an upgrade lack."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="fit, then compute every list")
        parser.add_argument("--fit", action="store_true", help="only fit the models")
        parser.add_argument(
            "--words", action="store_true", help="only store the missing word counts"
        )
        parser.add_argument(
            "--edition", type=edition_code, metavar="E", help="edition code (default: all)"
        )

    def handle(self, *args, rebuild: bool, fit: bool, words: bool, edition, **options):
        if not rebuild and not fit and not words:
            raise CommandError("nothing to do: give --rebuild, --fit or --words")
        chosen = chosen_edition(edition)
        if words:
            stored = related.store_missing_words(chosen, progress=self._progress("word counts"))
            self._finish(stored, f"stored the word counts of {stored} public stories")
            if not rebuild and not fit:
                return
        if fit and not rebuild:
            fitted = related.fit(chosen)
            for code in sorted(fitted):
                self.stdout.write(f"fitted the model of edition {code} on {fitted[code]} stories")
            if not fitted:
                self.stdout.write("no model fitted: too few public stories")
            return

        total = related.rebuild(chosen, progress=self._progress("related lists"))
        where = f" of edition {chosen.code}" if chosen else ""
        self._finish(total, f"computed Related News for {total} public stories{where}")

    def _progress(self, what: str):
        def progress(done: int) -> None:
            self.stderr.write(f"\r{what}: {done}", ending="")
            self.stderr.flush()

        return progress

    def _finish(self, done: int, summary: str) -> None:
        if done:
            self.stderr.write("")  # ends the progress line
        self.stdout.write(summary)
