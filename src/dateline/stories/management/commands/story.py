"""`dateline story …`: the newsroom's workflow for scripts and operators, through the same
actions as the screens. Output is stable: `--json` prints one JSON object per line."""

import argparse
import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dateline.discovery.related import explained
from dateline.editions.arguments import edition_code
from dateline.editions.models import unknown_edition
from dateline.stories import actions
from dateline.stories.actions.changes import FAN_OUT_GRACE, fan_out_pending
from dateline.stories.content import MAX_BODY_BYTES, body_over_limit
from dateline.stories.models import Status, Story
from dateline.stories.workflow import ActionRefused

# Changes that take nothing but the story codes, and the word the command prints for each.
SIMPLE_CHANGES = {
    "submit": (actions.submit_story, "submitted"),
    "approve": (actions.approve_story, "approved"),
    "publish": (actions.publish_story, "published"),
    "unpublish": (actions.unpublish_story, "unpublished"),
}
# `dateline story comments CODE POLICY`: the word on the command line, the value stored.
COMMENT_POLICIES = {"pre": "pre", "post": "post", "closed": "closed", "inherit": ""}


def iso_time(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO-8601 time such as 2026-12-01T09:00:00+03:30"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r} has no time zone: add one, e.g. Z or +03:30")
    return moment


MOST_LISTED = 1_000_000


def list_limit(value: str) -> int:
    """How many stories `list` prints: 0 (all) up to MOST_LISTED."""
    try:
        limit = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 0 <= limit <= MOST_LISTED:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 (all) and {MOST_LISTED:,}")
    return limit


class Command(BaseCommand):
    help = (
        "List, show and change stories: list, show, history, submit, approve, publish, "
        "unpublish, schedule, embargo, correct, comments, kill, translations, link, unlink, "
        "related; catch-up. "
        "Changes are checked against the roles of --as USER; without it they are made as the "
        "system operator."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

        listing = commands.add_parser("list", help="stories, most recently changed first")
        listing.add_argument("--status", choices=Status.values)
        listing.add_argument("--edition", type=edition_code, metavar="CODE")
        listing.add_argument(
            "--limit", type=list_limit, default=100, help="0 for all (default 100)"
        )
        listing.add_argument(
            "--json", dest="as_json", action="store_true", help="one JSON object per line"
        )

        show = commands.add_parser("show", help="one story in full")
        show.add_argument("code", type=int)
        show.add_argument("--json", dest="as_json", action="store_true")

        history = commands.add_parser("history", help="every change: id, action, version, …")
        history.add_argument("code", type=int)
        history.add_argument(
            "--json", dest="as_json", action="store_true", help="one JSON object per line"
        )

        for name in SIMPLE_CHANGES:
            simple = commands.add_parser(name, help=f"{name} one or more stories")
            simple.add_argument("codes", type=int, nargs="+", metavar="CODE")
            self._add_actor(simple)
            simple.add_argument("--note", default="", help="why, for the audit log")

        schedule = commands.add_parser("schedule", help="publish at a time")
        schedule.add_argument("code", type=int)
        schedule.add_argument("--at", required=True, type=iso_time, metavar="ISO-8601")
        self._add_actor(schedule)

        embargo = commands.add_parser("embargo", help="out on the wire, public after a time")
        embargo.add_argument("code", type=int)
        embargo.add_argument("--until", required=True, type=iso_time, metavar="ISO-8601")
        self._add_actor(embargo)

        correct = commands.add_parser("correct", help="change a published story, with a note")
        correct.add_argument("code", type=int)
        correct.add_argument("--note", required=True, help="the correction readers see")
        correct.add_argument("--headline")
        correct.add_argument("--lead")
        correct.add_argument("--body-file", type=Path, help="the new body, Markdown (UTF-8)")
        self._add_actor(correct)

        comments = commands.add_parser(
            "comments", help="open or close a story's comments, or leave it to its section"
        )
        comments.add_argument("code", type=int)
        comments.add_argument("policy", choices=[*COMMENT_POLICIES])
        comments.add_argument("--note", default="", help="why, for the audit log")
        self._add_actor(comments)

        translations = commands.add_parser(
            "translations", help="a story's versions in other editions"
        )
        translations.add_argument("code", type=int)
        translations.add_argument(
            "--json", dest="as_json", action="store_true", help="one JSON object per line"
        )

        link = commands.add_parser("link", help="make two stories translations of each other")
        link.add_argument("code", type=int)
        link.add_argument("other", type=int, metavar="OTHER_CODE")
        link.add_argument("--note", default="", help="why, for the audit log")
        self._add_actor(link)

        unlink = commands.add_parser("unlink", help="take a story out of its translations")
        unlink.add_argument("code", type=int)
        unlink.add_argument("--note", default="", help="why, for the audit log")
        self._add_actor(unlink)

        related = commands.add_parser(
            "related", help="a story's Related News and why; pick, exclude or clear one"
        )
        related.add_argument("code", type=int)
        choice = related.add_mutually_exclusive_group()
        choice.add_argument("--pick", type=int, metavar="OTHER", help="show OTHER first")
        choice.add_argument("--exclude", type=int, metavar="OTHER", help="never show OTHER")
        choice.add_argument("--clear", type=int, metavar="OTHER", help="take a choice back")
        related.add_argument("--note", default="", help="why, for the audit log")
        related.add_argument(
            "--json", dest="as_json", action="store_true", help="one JSON object per line"
        )
        self._add_actor(related)

        kill = commands.add_parser("kill", help="withdraw a story for good")
        kill.add_argument("code", type=int)
        kill.add_argument("--reason", required=True)
        self._add_actor(kill)

        catch_up = commands.add_parser(
            "catch-up",
            help="index and make the webhook deliveries of the changes a stopped process "
            f"left unsent (older than {FAN_OUT_GRACE.seconds} s, as the worker does)",
        )
        catch_up.add_argument(
            "--all",
            dest="everything",
            action="store_true",
            help="however recent (a change another process is sending now is sent twice, "
            "which does no harm)",
        )
        catch_up.add_argument(
            "--json", dest="as_json", action="store_true", help='{"sent": N} on one line'
        )

    @staticmethod
    def _add_actor(parser):
        parser.add_argument(
            "--as", dest="actor", metavar="USER", help="make the change as this newsroom member"
        )

    def handle(self, *args, command, **options):
        if command in SIMPLE_CHANGES:
            return self.do_simple(command, **options)
        return getattr(self, f"do_{command.replace('-', '_')}")(**options)

    def do_catch_up(self, *, everything: bool, as_json: bool, **options):
        sent = fan_out_pending(grace=datetime.timedelta(0) if everything else FAN_OUT_GRACE)
        if as_json:
            self._json({"sent": sent})
        else:
            self.stdout.write(f"sent {sent:,} story changes left unsent")

    # --- reading ------------------------------------------------------------------------------

    def do_list(self, *, status, edition, limit, as_json: bool, **options):
        stories = Story.objects.select_related("edition", "section", "owner").order_by(
            "-updated_at", "-code"
        )
        if status:
            stories = stories.filter(status=status)
        if edition:
            if problem := unknown_edition(edition):
                raise CommandError(f"--edition {edition}: {problem}")
            stories = stories.filter(edition__code=edition)
        if limit:
            stories = stories[:limit]
        stories = list(stories)
        public = set(
            Story.objects.public()
            .filter(pk__in=[s.pk for s in stories])
            .values_list("pk", flat=True)
        )
        for story in stories:
            if as_json:
                self._json(summary(story, public=story.pk in public))
            else:
                self.stdout.write(
                    f"{story.code:>8}  {story.status:<11}  {story.edition.code:<4}  "
                    f"v{story.version:<3}  {story.headline}"
                )

    def do_show(self, *, code, as_json: bool, **options):
        story = find(code)
        public = Story.objects.public().filter(pk=story.pk).exists()
        details = summary(story, public=public) | {
            "lead": story.lead,
            "body": story.body,
            "byline": story.byline,
            "dateline": {
                "place": story.dateline_place,
                "date": story.dateline_date.isoformat() if story.dateline_date else None,
                "source": story.dateline_source,
            },
            "tags": [tag.name for tag in story.tags.all()],
            "source_id": story.source_id,
            "source_name": story.source_name,
            "credit": story.credit,
            "corrections": [
                {"at": c.at.isoformat(), "version": c.version, "note": c.note}
                for c in story.corrections.all()
            ],
        }
        if as_json:
            self._json(details)
            return
        for key, value in details.items():
            self.stdout.write(f"{key}: {value}")

    def do_history(self, *, code, as_json: bool, **options):
        story = find(code)
        for change in story.changes.select_related("actor").order_by("id"):
            row = {
                "id": change.pk,
                "action": change.action,
                "version": change.version,
                "at": change.at.isoformat(),
                "who": change.actor.get_username() if change.actor else None,
                "note": change.note,
            }
            if as_json:
                self._json(row)
            else:
                self.stdout.write(
                    f"#{row['id']}  {row['action']:<11}  v{row['version']:<3}  {row['at']}  "
                    f"{row['who'] or '(system)'}  {row['note']}".rstrip()
                )

    # --- changing -----------------------------------------------------------------------------

    def do_simple(self, command, *, codes, actor, note, **options):
        change, done = SIMPLE_CHANGES[command]
        by = member(actor)
        failures = 0
        for code in codes:
            try:
                story = change(find(code), by=by, note=note)
            except CommandError as error:
                failures += 1
                self.stderr.write(str(error))
                continue
            except (ActionRefused, ValidationError) as error:
                failures += 1
                self.stderr.write(f"story {code}: {reason(error)}")
                continue
            self.stdout.write(f"{done} {story.code} {story.get_absolute_url()}")
        if failures:
            raise CommandError(f"{failures} of {len(codes)} stories could not be {done}")

    def do_schedule(self, *, code, at, actor, **options):
        self._change(lambda s, by: actions.schedule_story(s, at=at, by=by), code, actor)

    def do_embargo(self, *, code, until, actor, **options):
        self._change(lambda s, by: actions.embargo_story(s, until=until, by=by), code, actor)

    def do_comments(self, *, code, policy, note, actor, **options):
        value = COMMENT_POLICIES[policy]
        try:
            story = actions.set_comment_policy(find(code), value, by=member(actor), note=note)
        except ActionRefused as error:
            raise CommandError(f"story {code}: {reason(error)}") from None
        self.stdout.write(f"comments {policy} {story.code} {story.get_absolute_url()}")

    def do_translations(self, *, code, as_json: bool, **options):
        story = find(code)
        others = list(
            Story.objects.filter(translation_group_id=story.translation_group_id)
            .exclude(pk=story.pk)
            .select_related("edition", "section", "owner")
            .order_by("edition__position", "edition__code")
            if story.translation_group_id
            else []
        )
        public = set(
            Story.objects.public()
            .filter(pk__in=[other.pk for other in others])
            .values_list("pk", flat=True)
        )
        if not others and not as_json:
            self.stdout.write(f"story {code} has no translations")
        for other in others:
            if as_json:
                self._json(summary(other, public=other.pk in public))
            else:
                self.stdout.write(
                    f"{other.code:>8}  {other.status:<11}  {other.edition.code:<4}  "
                    f"{'public' if other.pk in public else 'hidden':<6}  {other.headline}"
                )

    def do_link(self, *, code, other, note, actor, **options):
        try:
            actions.link_translation(find(code), other, by=member(actor), note=note)
        except (ActionRefused, ValidationError) as error:
            raise CommandError(f"story {code}: {reason(error)}") from None
        self.stdout.write(f"linked {code} {other}")

    def do_unlink(self, *, code, note, actor, **options):
        try:
            actions.unlink_translation(find(code), by=member(actor), note=note)
        except (ActionRefused, ValidationError) as error:
            raise CommandError(f"story {code}: {reason(error)}") from None
        self.stdout.write(f"unlinked {code}")

    def do_related(self, *, code, pick, exclude, clear, note, actor, as_json: bool, **options):
        story = find(code)
        try:
            for choice, other in (("pick", pick), ("exclude", exclude), ("clear", clear)):
                if other is not None:
                    actions.choose_related(story, other, choice, by=member(actor), note=note)
        except (ActionRefused, ValidationError) as error:
            raise CommandError(f"story {code}: {reason(error)}") from None
        lines = explained(story)
        if not lines and not as_json:
            self.stdout.write(f"story {code} has no Related News computed or chosen yet")
        for line in lines:
            if as_json:
                self._json(
                    {
                        "kind": line.kind,
                        "code": line.story.code,
                        "public": line.public,
                        "rank": line.rank,
                        "headline": line.story.headline,
                        "explanation": line.explanation,
                    }
                )
            else:
                self.stdout.write(
                    f"{line.kind:<8}  {line.story.code:>8}  "
                    f"{'public' if line.public else 'hidden':<6}  {line.story.headline}"
                    + (f"\n{'':<10}{line.explanation}" if line.explanation else "")
                )

    def do_kill(self, *, code, reason, actor, **options):
        self._change(lambda s, by: actions.kill_story(s, reason=reason, by=by), code, actor)

    def do_correct(self, *, code, note, headline, lead, body_file, actor, **options):
        content = {}
        if headline is not None:
            content["headline"] = headline
        if lead is not None:
            content["lead"] = lead
        if body_file is not None:
            content["body"] = read_body(body_file)
        self._change(
            lambda s, by: actions.correct_story(s, note=note, by=by, **content), code, actor
        )

    def _change(self, change, code, actor):
        try:
            story = change(find(code), member(actor))
        except (ActionRefused, ValidationError) as error:
            raise CommandError(f"story {code}: {reason(error)}") from None
        when = story.embargo_until or story.published_at
        self.stdout.write(
            f"{story.status} {story.code} {story.get_absolute_url()}"
            + (f" at {when.isoformat()}" if when and story.status != Status.KILLED else "")
        )

    def _json(self, value) -> None:
        self.stdout.write(json.dumps(value, ensure_ascii=False))


def find(code: int) -> Story:
    story = Story.objects.select_related("edition", "section", "owner").filter(pk=code).first()
    if story is None:
        raise CommandError(f"story {code}: no such story")
    return story


def member(username: str | None):
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"--as {username}: no such newsroom member")
    return user


def reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)


def read_body(path: Path) -> str:
    """The file's text, refused unread when over the body's limit however large it is: a file
    by its size, a pipe (`--body-file /dev/stdin`), which has none, by reading one byte past
    the limit at most. Line breaks as Python's text files read them (CRLF is a line break)."""
    try:
        size = path.stat().st_size
        if size > MAX_BODY_BYTES:
            raise CommandError(f"{path}: {body_over_limit(size)}")
        with path.open("rb") as file:
            data = file.read(MAX_BODY_BYTES + 1)
        if len(data) > MAX_BODY_BYTES:
            raise CommandError(f"{path}: {body_over_limit(None)}")
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from None


def summary(story: Story, *, public: bool) -> dict:
    return {
        "code": story.code,
        "status": story.status,
        "public": public,
        "edition": story.edition.code,
        "section": story.section.slug if story.section else None,
        "headline": story.headline,
        "path": story.get_absolute_url(),
        "version": story.version,
        "published_at": story.published_at.isoformat() if story.published_at else None,
        "embargo_until": story.embargo_until.isoformat() if story.embargo_until else None,
        "updated_at": story.updated_at.isoformat(),
        "owner": story.owner.get_username() if story.owner else None,
    }
