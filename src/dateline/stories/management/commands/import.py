"""`dateline import`: wire copy into stories, in batches; one line per story imported on stdout,
everything else on stderr (docs/operating.md, "Importing copy")."""

import json
import signal
import sys
import threading
from collections import Counter
from collections.abc import Iterator

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from tqdm import tqdm

from dateline.copy import CopyError, NotWireCopy, ParsedStory, parse_file
from dateline.editions.arguments import edition_code
from dateline.editions.models import Edition
from dateline.stories.importing import (
    AlreadyImported,
    Imported,
    ImportStopped,
    ImportTarget,
    NotApplied,
    import_stories,
    withdrawal_note,
)
from dateline.stories.management.commands._copy_files import (
    add_copy_arguments,
    display_path,
    error_at,
    expand_paths,
)
from dateline.stories.models import Section, Story
from dateline.stories.statistics import refresh_statistics


class Command(BaseCommand):
    help = (
        "Import wire copy as stories (drafts in the Incoming queue, or published with "
        "--publish), in batches. Prints '<draft|published> <URL path>' per story imported "
        "('updated draft …' when a partner's newer version replaced its draft, which stays a "
        "draft even with --publish; --json: one JSON object per line); names on stderr each file "
        "passed over and why. "
        "Exits non-zero only when nothing could be imported."
    )

    def add_arguments(self, parser):
        add_copy_arguments(parser)
        parser.add_argument("--publish", action="store_true", help="publish what is imported")
        parser.add_argument(
            "--edition", type=edition_code, metavar="E", help="edition code (default: by language)"
        )
        parser.add_argument(
            "--section",
            metavar="S",
            help="section slug within the edition (default: by the edition's section mappings "
            "of the story's tags, else the edition's default section)",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="one JSON object per story imported, not text",
        )

    def handle(self, *args, paths, format, date, publish, edition, section, as_json, **options):
        target = self._target(edition, section, publish)
        target.date = date
        stopped_by = signal.SIGINT

        def stop(signum, frame):
            nonlocal stopped_by
            stopped_by = signum
            # Not an Exception: the robust on-commit callbacks a fan-out runs in would catch
            # that and carry on.
            raise KeyboardInterrupt

        # SIGTERM ends the import as Ctrl-C does. (Only the main thread may set a handler.)
        on_main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, stop) if on_main_thread else None
        try:
            self._import(paths, format, date, target, as_json)
        except KeyboardInterrupt:
            # Every committed batch is whole, and its fan-out, if cut short, waits in the
            # outbox for the worker (decision 0050): say so rather than print a traceback,
            # after the lines of the stories of a batch stopped between its commit and them.
            for outcome in target.last_committed:
                if not outcome.reported:
                    self.stdout.write(self._line(outcome, as_json=as_json))
            self.stderr.write(
                f"interrupted: {target.stored:,} stories stored so far; `dateline worker` "
                "indexes them and makes their webhook deliveries within a minute (or at once: "
                "`dateline story catch-up --all`)"
            )
            raise SystemExit(128 + stopped_by) from None
        finally:
            if on_main_thread:
                signal.signal(signal.SIGTERM, previous)

    def _import(self, paths, format, date, target: ImportTarget, as_json: bool) -> None:
        self._counts: Counter[str] = Counter()
        self._warnings: list[str] = []
        self._stopped: Exception | None = None
        imported = 0
        skipped: Counter[str] = Counter()
        progress = tqdm(unit=" stories", desc="importing", disable=None, file=sys.stderr)
        stories = self._parsed_stories(paths, format=format, date=date)
        with progress:  # closed however the loop ends, so what follows starts on its own line
            for outcome in self._outcomes(stories, target):
                progress.update()
                if outcome.story is not None:
                    imported += 1
                    self._warnings.extend(outcome.parsed.warnings)  # each names its story
                    if outcome.updated and target.publish:
                        self._warnings.append(self._left_in_incoming(outcome))
                    self.stdout.write(self._line(outcome, as_json=as_json))
                    outcome.reported = True
                elif isinstance(outcome.skipped, AlreadyImported):
                    skipped["already imported"] += 1
                else:
                    skipped[
                        "not applied" if isinstance(outcome.skipped, NotApplied) else "invalid"
                    ] += 1
                    self.stderr.write(f"{outcome.parsed.named}: skipped: {outcome.skipped}")
        skipped["no body"] += self._counts["no body"]
        if imported and self._stopped is None:
            self._refresh_statistics()
        self._summarise(imported, +skipped)
        if self._stopped is not None:
            raise CommandError(
                f"stopped: the database takes no writes ({self._stopped}); {imported:,} "
                "stories stored. Run the same import again once it does: what is stored is "
                "skipped"
            )
        # A re-run that finds everything already there has nothing left to do: not a failure.
        if imported == 0 and not skipped["already imported"]:
            raise CommandError("nothing could be imported")

    def _outcomes(self, stories: Iterator[ParsedStory], target: ImportTarget) -> Iterator[Imported]:
        """What became of each story. Should the database stop taking writes (a full disk),
        the stories stored before it did, and `self._stopped` says what it answered."""
        try:
            yield from import_stories(stories, target)
        except ImportStopped as stopped:
            self._stopped = stopped.error
            yield from stopped.stored

    def _parsed_stories(self, paths, *, format, date) -> Iterator[ParsedStory]:
        """The stories of every file in turn; each file that gives none is named, with why."""
        now = timezone.now()
        for path, problem in expand_paths(paths, format):
            if problem:
                passed_over = problem.startswith(NotWireCopy.PREFIX)
                self._counts["passed over" if passed_over else "unusable"] += 1
                self.stderr.write(f"{display_path(path)}: {problem}")
                continue
            try:
                result = parse_file(path, format=format, now=now, year_hint_date=date)
            except CopyError as error:
                passed_over = isinstance(error, NotWireCopy)
                self._counts["passed over" if passed_over else "unusable"] += 1
                self.stderr.write(error_at(path, error) + withdrawal_note(error))
                continue
            self._warnings.extend(result.warnings)
            self._counts["no body"] += len(result.without_body)
            if not result.stories:
                self._counts["unusable"] += 1
                briefs = len(result.without_body)
                self.stderr.write(
                    f"{display_path(path)}: no story in it"
                    + (f" ({briefs:,} without a body)" if briefs else "")
                )
            yield from result.stories

    def _refresh_statistics(self) -> None:
        """The planner's statistics gathered anew, so that pages read the new stories with the
        plans a table of their number needs from the first request (decision 0056)."""
        try:
            refresh_statistics()
        except DatabaseError as error:
            self.stderr.write(
                f"the database's planner statistics were not refreshed ({error}); "
                "`dateline worker` refreshes them within the hour"
            )

    @staticmethod
    def _left_in_incoming(outcome: Imported) -> str:
        """Why a newer version imported with --publish is still a draft: it replaces the
        content of a draft waiting in Incoming for the desk (imported without --publish, or
        sent to the API) and changes nothing else; an editor publishes it (decision 0028)."""
        return (
            f"{outcome.parsed.named}: updated draft {outcome.story.get_absolute_url()}, "
            "not published: a newer version of a draft still in Incoming replaces its text "
            "only, whatever --publish says; an editor takes it up and publishes it"
        )

    @staticmethod
    def _line(outcome: Imported, *, as_json: bool) -> str:
        story: Story = outcome.story
        if not as_json:
            return (
                f"{'updated ' if outcome.updated else ''}{story.status} {story.get_absolute_url()}"
            )
        return json.dumps(
            {
                "status": story.status,
                "updated": outcome.updated,
                "url": story.get_absolute_url(),
                "code": story.code,
                "edition": story.edition.code,
                "section": story.section.slug if story.section else None,
                "headline": story.headline,
                "published_at": story.published_at.isoformat() if story.published_at else None,
                "source_id": story.source_id,
                "source_name": story.source_name,
            },
            ensure_ascii=False,
        )

    def _target(self, edition_code, section_slug, publish) -> ImportTarget:
        editions = list(Edition.objects.all())
        if not editions:
            raise CommandError(
                "no edition exists yet: run `dateline loaddemo`, or create one in the newsroom"
            )
        edition = None
        if edition_code:
            edition = next((e for e in editions if e.code == edition_code), None)
            if edition is None:
                known = ", ".join(e.code for e in editions)
                raise CommandError(f"--edition {edition_code}: no such edition (there are {known})")
        section = None
        if section_slug:
            scope = Section.objects.filter(slug=section_slug)
            if edition:
                scope = scope.filter(edition=edition)
            matches = list(scope.select_related("edition")[:2])
            if len(matches) > 1:
                raise CommandError(
                    f"--section {section_slug} exists in several editions: add --edition"
                )
            section = matches[0] if matches else None
            if section is None:
                known = ", ".join(
                    Section.objects.filter(**({"edition": edition} if edition else {}))
                    .order_by("slug")  # not the model's order, which `distinct` would keep apart
                    .values_list("slug", flat=True)
                    .distinct()
                )
                raise CommandError(f"--section {section_slug}: no such section (there are {known})")
            edition = edition or section.edition
        return ImportTarget(
            edition=edition,
            section=section,
            publish=publish,
            editions_by_language={e.language: e for e in reversed(editions)},
            default_edition=Edition.objects.default(),
        )

    def _summarise(self, imported: int, skipped: Counter[str]) -> None:
        # Every warning: one left unshown is one nobody reads (a story dated from its day,
        # an unreadable dateline). Each names its file or story.
        for warning in self._warnings:
            self.stderr.write(f"warning: {warning}")
        reasons = ", ".join(f"{count:,} {why}" for why, count in skipped.most_common())
        files = [
            f"{self._counts[kind]:,} {'file' if self._counts[kind] == 1 else 'files'} {kind}"
            for kind in ("passed over", "unusable")
            if self._counts[kind]
        ]
        self.stderr.write(
            f"imported {imported:,}; skipped {skipped.total():,}"
            + (f" ({reasons})" if reasons else "")
            + f"; {len(self._warnings):,} warnings"
            + "".join(f"; {part}" for part in files)
        )
