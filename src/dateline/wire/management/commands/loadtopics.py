"""`dateline loadtopics FILE`: IPTC Media Topics (cptall-x-all.json) for the items' subjects."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dateline.wire.topics import BadVocabulary, load_topics


class Command(BaseCommand):
    help = (
        "Load IPTC Media Topics from their JSON-LD export (English and Arabic labels, Persian "
        "for the top level) and map every tag not mapped yet to the topic its name spells."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            topics, mapped = load_topics(file)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        except BadVocabulary as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{topics} Media Topics loaded; {mapped} tags newly mapped")
