"""Load the demo editions and stories (content/catalog.toml), keeping whatever is already there.

The stories are plain wire copy, imported through the same parser and import path as real copy.
"""

import dataclasses
import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from dateline.comments import moderation
from dateline.comments.defences import email_hash, text_hash
from dateline.comments.models import Comment
from dateline.comments.words import normalise
from dateline.copy import parse_text
from dateline.editions.models import Edition, FollowLink
from dateline.stories.actions import link_translation
from dateline.stories.importing import AlreadyImported, ImportTarget, import_story
from dateline.stories.models import Section, Story, StoryChange

CONTENT_DIR = Path(__file__).with_name("content")


@dataclass
class DemoReport:
    editions_created: int = 0
    stories_created: int = 0
    stories_kept: int = 0
    comments_created: int = 0
    translations_linked: int = 0


def load_demo(content_dir: Path = CONTENT_DIR) -> DemoReport:
    catalog = tomllib.loads((content_dir / "catalog.toml").read_text(encoding="utf-8"))
    report = DemoReport()
    editions = {}
    for position, entry in enumerate(catalog["editions"]):
        edition, created = _edition(entry, position)
        editions[edition.code] = edition
        report.editions_created += created
    now = timezone.now()
    for entry in catalog["stories"]:
        edition = editions[entry["edition"]]
        path = content_dir / entry["file"]
        parsed = parse_text(path.read_bytes(), name=path.name, now=now)
        parsed = dataclasses.replace(
            parsed,
            source_id=f"demo:{entry['file']}",
            tags={"keyword": list(entry.get("tags", []))},
            published_at=now - datetime.timedelta(hours=entry.get("hours_ago", 1)),
        )
        target = ImportTarget(
            edition=edition,
            section=Section.objects.get(edition=edition, slug=entry["section"]),
            publish=True,
        )
        try:
            import_story(parsed, target)
        except AlreadyImported:
            report.stories_kept += 1
        else:
            report.stories_created += 1
    report.translations_linked = _translations(catalog.get("translations", []))
    report.comments_created = _comments(catalog.get("comments", []))
    return report


def _translations(entries: list[dict]) -> int:
    """Link the demo's versions of one story, through the action as an editor would; a pair
    either of which was ever linked or unlinked (by this, or by an editor since) is kept."""
    linked = 0
    touched = [StoryChange.Action.LINKED, StoryChange.Action.UNLINKED]
    for entry in entries:
        first, *others = (f"demo:{path}" for path in entry["stories"])
        for other in others:
            pair = StoryChange.objects.filter(story__source_id__in=(first, other))
            if pair.filter(action__in=touched).exists():
                continue
            link_translation(
                Story.objects.get(source_id=first), Story.objects.get(source_id=other).pk
            )
            linked += 1
    return linked


def _comments(entries: list[dict]) -> int:
    """The demo's reader comments, approved, on stories that have none yet."""
    stories = {
        entry["story"]: Story.objects.get(source_id=f"demo:{entry['story']}") for entry in entries
    }
    fresh = {path for path, story in stories.items() if not story.comments.exists()}
    made: list[Comment] = []
    with transaction.atomic():
        for entry in entries:
            if entry["story"] not in fresh:
                made.append(None)
                continue
            story, parent = stories[entry["story"]], None
            if "reply_to" in entry:
                parent = made[entry["reply_to"]]
            comment = Comment.objects.create(
                story=story,
                story_version=story.version,
                parent=parent,
                thread=parent.thread if parent else None,
                depth=parent.depth + 1 if parent else 0,
                name=entry["name"],
                email_hash=email_hash(f"{entry['name']}@demo.invalid"),
                text=entry["text"],
                text_hash=text_hash(normalise(entry["text"])),
            )
            if parent is None:
                Comment.objects.filter(pk=comment.pk).update(thread=comment)
                comment.thread = comment
            made.append(comment)
        created = [c.pk for c in made if c is not None]
        if created:
            moderation.approve(created)
    return len(created)


def _edition(entry: dict, position: int) -> tuple[Edition, bool]:
    existing = Edition.objects.filter(code=entry["code"]).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        edition = Edition.objects.create(
            code=entry["code"],
            name=entry["name"],
            language=entry["language"],
            calendar=entry.get("calendar", "gregorian"),
            timezone=entry.get("timezone", "UTC"),
            is_default=entry.get("default", False)
            and not Edition.objects.filter(is_default=True).exists(),
            position=position,
        )
        for index, link in enumerate(entry.get("follow", [])):
            FollowLink.objects.create(edition=edition, position=index, **link)
        for index, section in enumerate(entry.get("sections", [])):
            Section.objects.create(edition=edition, position=index, **section)
    return edition, True
