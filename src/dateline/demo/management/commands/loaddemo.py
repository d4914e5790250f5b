from django.core.management.base import BaseCommand

from dateline.demo.loading import load_demo


class Command(BaseCommand):
    help = "Load the demo editions and stories; running it again keeps what is there."

    def handle(self, *args, **options):
        report = load_demo()
        self.stdout.write(
            f"demo content: {report.editions_created} editions and "
            f"{report.stories_created} stories added, {report.stories_kept} stories already there,"
            f" {report.comments_created} reader comments added,"
            f" {report.translations_linked} translations linked"
        )
