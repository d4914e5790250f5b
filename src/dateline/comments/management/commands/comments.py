"""`dateline comments …`: the comment moderation queue for scripts and operators.

Every change goes through `dateline.comments.moderation`, the same code as the moderators'
screens: it checks the role of `--as USER` (without it the change is the system's), takes a
list of comments all or nothing, and logs each decision. A refusal leaves everything as it
was and exits with status 1 and the reason on standard error.

Reader text is never printed raw: one comment is one line, with control characters, line
breaks and bidirectional controls shown as escapes, and JSON output escapes them too.
"""

import argparse
import json
import unicodedata

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from dateline.comments import moderation
from dateline.comments.models import Ban, Comment, Report, Status
from dateline.editions.arguments import edition_code
from dateline.editions.models import unknown_edition
from dateline.stories.models import Story
from dateline.stories.workflow import ActionRefused

LIST_STATUSES = (
    *(s.value for s in (Status.PENDING, Status.APPROVED, Status.REJECTED, Status.SPAM)),
    "reported",
)
# The decisions, the function that takes them and the status a comment has afterwards.
DECISIONS = {
    "approve": (moderation.approve, Status.APPROVED),
    "reject": (moderation.reject, Status.REJECTED),
    "spam": (moderation.mark_spam, Status.SPAM),
}
EXCERPT = 60  # characters of the comment's text in the one-line listing

_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Bidirectional embedding, override and isolate controls, and the marks: they reorder a
# terminal line (U+202E can make "gnp.exe" look like "exe.png").
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Controls (C0, DEL, C1: terminal escapes), line and paragraph separators, lone surrogates
# (which cannot even be written out as UTF-8).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs"})


def _unsafe(character: str) -> bool:
    return character in _BIDI or unicodedata.category(character) in _UNSAFE_CATEGORIES


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """`text` safe for a terminal, on one line: backslash escapes for backslashes, line breaks,
    tabs, control characters and bidirectional controls; everything else as typed."""
    return "".join(_ESCAPES.get(c) or (_escape(c) if _unsafe(c) else c) for c in text)


def safe_json(value) -> str:
    """JSON that keeps letters of every script readable but escapes (as \\uXXXX) what a
    terminal would act on. Such characters can only be inside strings, where the escape means
    the same character, so the document is unchanged for any JSON reader."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(f"\\u{ord(c):04x}" if c != "\n" and _unsafe(c) else c for c in text)


# The largest id or code a database keeps (a 64-bit integer): a larger number is no comment
# and no story, and SQLite cannot even be asked about it.
LARGEST = 2**63 - 1


def _whole_number(value: str, *, least: int) -> int | None:
    value = value.strip()
    if not value.isdecimal() or not least <= int(value) <= LARGEST:
        return None
    return int(value)


def _number_type(what: str, *, least: int = 1):
    """An argparse type taking a whole number from `least` to LARGEST, refusing anything else
    as not `what` ("a comment id")."""

    def parse(value: str) -> int:
        number = _whole_number(value, least=least)
        if number is None:
            raise argparse.ArgumentTypeError(
                f"{one_line(value)!r} is not {what} (a whole number from {least} to {LARGEST})"
            )
        return number

    return parse


comment_id = _number_type("a comment id")
ban_id = _number_type("a ban id")
story_code = _number_type("a story code")
row_limit = _number_type("a number of rows", least=0)


class Command(BaseCommand):
    help = (
        "Moderate reader comments: list, approve, reject, spam, dismiss, export, erase; bans, "
        "ban, unban. Changes "
        "are checked against the role of --as USER; without it they are made as the system."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

        listing = commands.add_parser("list", help="comments in one state, newest first")
        listing.add_argument(
            "--status",
            choices=LIST_STATUSES,
            default=Status.PENDING.value,
            help="default pending; reported: with reports no moderator has looked at",
        )
        listing.add_argument("--story", type=story_code, metavar="CODE", help="one story's")
        listing.add_argument(
            "--edition", type=edition_code, metavar="CODE", help="on one edition's stories"
        )
        listing.add_argument(
            "--limit", type=row_limit, default=100, metavar="N", help="0 for all (default 100)"
        )
        listing.add_argument("--json", dest="as_json", action="store_true", help="a JSON array")

        for name in DECISIONS:
            decision = commands.add_parser(name, help=f"{name} comments, all or none")
            decision.add_argument(
                "ids", type=comment_id, nargs="+" if name != "approve" else "*", metavar="ID"
            )
            if name == "approve":
                decision.add_argument(
                    "--all-pending",
                    action="store_true",
                    help="and every pending comment (of --as USER's editions)",
                )
            decision.add_argument(
                "--reason",
                required=name == "reject",
                default="",
                help="why, kept with the comment and in the log"
                + (" (required)" if name == "reject" else ""),
            )
            self._add_actor(decision)
            decision.add_argument(
                "--json", dest="as_json", action="store_true", help="a JSON array"
            )

        dismiss = commands.add_parser(
            "dismiss", help="close the reports of reported comments, keeping them up; all or none"
        )
        dismiss.add_argument("ids", type=comment_id, nargs="+", metavar="ID")
        self._add_actor(dismiss)
        dismiss.add_argument("--json", dest="as_json", action="store_true", help="a JSON array")

        bans = commands.add_parser("bans", help="the bans, newest first")
        bans.add_argument("--json", dest="as_json", action="store_true", help="a JSON array")

        ban = commands.add_parser(
            "ban", help="refuse comments from an email, or from the address a comment came from"
        )
        whom = ban.add_mutually_exclusive_group(required=True)
        whom.add_argument("--email", metavar="ADDRESS")
        whom.add_argument(
            "--address-of", type=comment_id, metavar="ID", help="the address of this comment"
        )
        ban.add_argument("--reason", default="", help="why, kept with the ban and in the log")
        self._add_actor(ban)
        ban.add_argument("--json", dest="as_json", action="store_true", help="a JSON object")

        unban = commands.add_parser("unban", help="lift a ban (its id: see `bans`)")
        unban.add_argument("ban", type=ban_id, metavar="BAN_ID")
        self._add_actor(unban)

        export = commands.add_parser("export", help="a reader's comments, as JSON")
        export.add_argument("--email", required=True, metavar="ADDRESS")
        self._add_actor(export)

        erase = commands.add_parser("erase", help="erase a reader's comments (with --yes)")
        erase.add_argument("--email", required=True, metavar="ADDRESS")
        erase.add_argument("--yes", action="store_true", help="really erase them")
        self._add_actor(erase)

    @staticmethod
    def _add_actor(parser):
        parser.add_argument(
            "--as", dest="actor", metavar="USERNAME", help="act as this newsroom member"
        )

    def handle(self, *args, command, **options):
        try:
            if command in DECISIONS:
                return self.do_decide(command, **options)
            return getattr(self, f"do_{command}")(**options)
        except ActionRefused as refused:
            raise CommandError(str(refused)) from None

    # --- reading ------------------------------------------------------------------------------

    def do_list(self, *, status, story, edition, limit, as_json: bool, **options):
        if status == "reported":
            comments = Comment.objects.reported()
        else:
            comments = Comment.objects.filter(status=status)
        if story is not None:
            if not Story.objects.filter(pk=story).exists():
                raise CommandError(f"--story {story}: no such story")
            comments = comments.filter(story_id=story)
        if edition:
            if problem := unknown_edition(edition):
                raise CommandError(f"--edition {one_line(edition)}: {problem}")
            comments = comments.filter(story__edition__code=edition)
        comments = comments.select_related("story").order_by("-id")
        if limit:
            comments = comments[:limit]
        comments = list(comments)
        reports = dict(
            Report.objects.filter(comment__in=[c.pk for c in comments], resolved=False)
            .values("comment")
            .annotate(n=Count("id"))
            .values_list("comment", "n")
        )
        if as_json:
            self.stdout.write(safe_json([row(c, reports.get(c.pk, 0)) for c in comments]))
            return
        for comment in comments:
            excerpt = comment.text[:EXCERPT] + ("…" if len(comment.text) > EXCERPT else "")
            self.stdout.write(
                f"{comment.pk:>8}  {comment.status:<8}  {comment.story_id:>8}  "
                f"v{comment.story_version:<3}  {one_line(comment.name)}  {one_line(excerpt)}"
            )

    # --- changing -----------------------------------------------------------------------------

    def do_decide(self, command, *, ids, actor, as_json: bool, **options):
        decide, status = DECISIONS[command]
        by = member(actor)
        moderation.require_moderator(by)
        ids = list(ids)
        if options.get("all_pending"):
            ids += moderation.pending_ids(by)
        elif not ids:
            raise CommandError("Give the ids of the comments to approve, or --all-pending.")
        if not ids:  # --all-pending, and nothing is pending
            self.stderr.write("No comments are pending.")
            changed = []
        else:
            changed = decide(ids, by=by, reason=options["reason"])
        changed = sorted(c.pk for c in changed)
        if as_json:
            self.stdout.write(safe_json([{"id": pk, "status": status} for pk in changed]))
            return
        for pk in changed:
            self.stdout.write(f"{status} {pk}")

    def do_dismiss(self, *, ids, actor, as_json: bool, **options):
        by = member(actor)
        moderation.require_moderator(by)
        ids = sorted(set(ids))
        moderation.dismiss_reports(ids, by=by)
        if as_json:
            self.stdout.write(safe_json([{"id": pk, "reports": "dismissed"} for pk in ids]))
            return
        for pk in ids:
            self.stdout.write(f"dismissed {pk}")

    def do_bans(self, *, as_json: bool, **options):
        bans = Ban.objects.select_related("created_by").order_by("-created_at", "-id")
        if as_json:
            self.stdout.write(safe_json([ban_row(ban) for ban in bans]))
            return
        for ban in bans:
            by = ban.created_by.get_username() if ban.created_by else "(system)"
            self.stdout.write(
                f"{ban.pk:>8}  {ban.kind:<7}  {ban.value_hash[:12]}  "
                f"{ban.created_at.isoformat(timespec='seconds')}  {one_line(by)}  "
                f"{one_line(ban.reason)}"
            )

    def do_ban(self, *, email, address_of, reason, actor, as_json: bool, **options):
        by = member(actor)
        moderation.require_moderator(by)
        reason = reason.strip()
        if email is not None:
            banned = moderation.ban(Ban.Kind.EMAIL, check_email(email), by=by, reason=reason)
        else:
            # As the newsroom's button does: addresses are never stored, only the comment's hash.
            comment = moderation.moderated_by(by).filter(pk=address_of).first()
            if comment is None:
                raise CommandError(f"No such comment: {address_of}.")
            if not comment.address_hash:
                raise CommandError(
                    f"Comment {address_of} keeps no address any more (deleted or erased)."
                )
            banned = moderation.ban(
                Ban.Kind.ADDRESS,
                comment.address_hash,
                hashed=True,
                by=by,
                reason=f"comment {address_of}" + (f": {reason}" if reason else ""),
            )
        if as_json:
            self.stdout.write(safe_json(ban_row(banned)))
            return
        self.stdout.write(f"banned {banned.kind} {banned.pk}")

    def do_unban(self, *, ban, actor, **options):
        moderation.lift_ban(ban, by=member(actor))
        self.stdout.write(f"lifted {ban}")

    def do_export(self, *, email, actor, **options):
        by = member(actor)
        self.stdout.write(safe_json(moderation.export(check_email(email), by=by)))

    def do_erase(self, *, email, yes: bool, actor, **options):
        by = member(actor)
        email = check_email(email)
        moderation.require_moderator(by)
        if not yes:
            count = moderation.comments_of(email, by).count()
            raise CommandError(
                f"Not erased: this would erase the name, email and text of {count} "
                f"comment{'s' if count != 1 else ''} written with {one_line(email)}. "
                "Run again with --yes to erase them."
            )
        erased = moderation.erase(email, by=by)
        self.stdout.write(f"erased {erased} comment{'s' if erased != 1 else ''}")


def row(comment: Comment, reports: int) -> dict:
    return {
        "id": comment.pk,
        "story": comment.story_id,
        "story_version": comment.story_version,
        "story_current_version": comment.story.version,
        "parent": comment.parent_id,
        "name": comment.name,
        "email": comment.email,
        "text": comment.text,
        "status": comment.status,
        "held_because": comment.held_because,
        "reports": reports,
        "created_at": comment.created_at.isoformat(),
    }


def ban_row(ban: Ban) -> dict:
    return {
        "id": ban.pk,
        "kind": ban.kind,
        "hash": ban.value_hash,
        "reason": ban.reason,
        "by": ban.created_by.get_username() if ban.created_by else None,
        "created_at": ban.created_at.isoformat(),
    }


def member(username: str | None):
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"--as {one_line(username)}: no such newsroom member")
    return user


def check_email(email: str) -> str:
    email = email.strip()
    if "@" not in email:
        raise CommandError(f"--email {one_line(email)!s}: not an email address")
    return email
