import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from dateline.copy import CopyError, parse_file
from dateline.editions.models import Edition
from dateline.stories.importing import (
    AlreadyImported,
    ImportTarget,
    StorySkipped,
    import_story,
)
from dateline.stories.management.commands._copy_files import add_copy_arguments, expand_paths
from dateline.stories.models import Section

WARNINGS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import wire copy as stories, one transaction per story. Exits non-zero only when "
        "nothing could be imported."
    )

    def add_arguments(self, parser):
        add_copy_arguments(parser)
        parser.add_argument("--publish", action="store_true", help="publish what is imported")
        parser.add_argument("--edition", metavar="E", help="edition code (default: by language)")
        parser.add_argument("--section", metavar="S", help="section slug within the edition")

    def handle(self, *args, paths, format, date, publish, edition, section, **options):
        target = self._target(edition, section, publish)
        now = timezone.now()
        imported = 0
        skipped: Counter[str] = Counter()
        warnings: list[str] = []
        progress = tqdm(unit=" stories", desc="importing", disable=None, file=sys.stderr)
        for path, problem in expand_paths(paths):
            if problem:
                self.stderr.write(f"{path}: {problem}")
                continue
            try:
                result = parse_file(path, format=format, now=now, year_hint_date=date)
            except CopyError as error:
                self.stderr.write(str(error))
                continue
            warnings.extend(result.warnings)
            if result.without_body:
                skipped["no body"] += len(result.without_body)
            for parsed in result.stories:
                try:
                    story = import_story(parsed, target)
                except AlreadyImported:
                    skipped["already imported"] += 1
                    continue
                except StorySkipped as reason:
                    skipped["invalid"] += 1
                    self.stderr.write(f"{parsed.source_name}: skipped: {reason}")
                    continue
                finally:
                    progress.update()
                imported += 1
                warnings.extend(parsed.warnings)  # each names its file or story already
                if publish:
                    self.stdout.write(story.get_absolute_url())
        progress.close()
        self._summarise(imported, skipped, warnings)
        # A re-run that finds everything already there has nothing left to do: not a failure.
        if imported == 0 and not skipped["already imported"]:
            raise CommandError("nothing could be imported")

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

    def _summarise(self, imported: int, skipped: Counter[str], warnings: list[str]) -> None:
        for warning in warnings[:WARNINGS_SHOWN]:
            self.stderr.write(f"warning: {warning}")
        if len(warnings) > WARNINGS_SHOWN:
            self.stderr.write(f"… and {len(warnings) - WARNINGS_SHOWN} more warnings")
        reasons = ", ".join(f"{count:,} {why}" for why, count in skipped.most_common())
        self.stderr.write(
            f"imported {imported:,}; skipped {skipped.total():,}"
            + (f" ({reasons})" if reasons else "")
            + f"; {len(warnings):,} warnings"
        )
