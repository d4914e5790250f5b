import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dateline.copy import CopyError, parse_file
from dateline.stories.management.commands._copy_files import (
    add_copy_arguments,
    display_path,
    error_at,
    expand_paths,
)


class Command(BaseCommand):
    help = "Parse wire copy and print one JSON object per story per line; nothing is stored."

    def add_arguments(self, parser):
        add_copy_arguments(parser)

    def handle(self, *args, paths, format, date, **options):
        now = timezone.now()
        printed = 0
        for path, problem in expand_paths(paths, format):
            if problem:
                self.stderr.write(f"{display_path(path)}: {problem}")
                continue
            try:
                result = parse_file(path, format=format, now=now, year_hint_date=date)
            except CopyError as error:
                self.stderr.write(error_at(path, error))
                continue
            for warning in result.warnings:
                self.stderr.write(f"warning: {warning}")
            for story in result.stories:
                self.stdout.write(json.dumps(story.to_json_dict(), ensure_ascii=False))
                printed += 1
            if result.without_body:
                self.stderr.write(
                    f"{display_path(path)}: {len(result.without_body)} stories without a body "
                    "were left out"
                )
        if printed == 0:
            raise CommandError("no story could be parsed")
