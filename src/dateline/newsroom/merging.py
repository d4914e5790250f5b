"""Re-applying one person's edits on top of a version someone else saved in the meantime.

Field by field, against the version both started from (the base): a field only you changed
takes your text, a field only they changed keeps theirs, a field you both changed to the same
text is simply that text, and a field you both changed differently keeps *your* text and is
marked, so you compare it with theirs (shown beside it) before saving again. Nothing is saved
here and nothing is lost: the result fills the form you save, at the current version.
"""

from dataclasses import dataclass, field

from dateline.stories.models import Revision, Story
from dateline.stories.revisions import CONTENT_FIELDS, FIELD_LABELS

MERGED_FIELDS = (*CONTENT_FIELDS, "tags", "section")


def _same(name: str, a, b) -> bool:
    if name in ("dateline_date", "section"):
        return a == b
    if name == "tags":  # a set: the same keywords in another order are no change
        return {tag.casefold() for tag in a} == {tag.casefold() for tag in b}
    if name == "body":
        return (a or "").strip() == (b or "").strip()
    return " ".join(str(a or "").split()) == " ".join(str(b or "").split())


def tag_text(names) -> str:
    return ", ".join(names)


@dataclass
class Reapplied:
    values: dict
    clashes: list[str] = field(default_factory=list)  # fields both changed, differently
    kept_theirs: list[str] = field(default_factory=list)  # fields only they changed

    def clash_labels(self) -> list[str]:
        return [FIELD_LABELS.get(name, name.title()) for name in self.clashes]


def reapply(
    base: Revision,
    base_section: int | None,
    current: Story,
    current_tags: list[str],
    mine: dict,
) -> Reapplied:
    """`mine`: the content fields as typed, `tags` as a list of names, `section` as an id."""
    before = {name: getattr(base, name) for name in CONTENT_FIELDS}
    before["tags"] = [name for _, name in base.tags]
    before["section"] = base_section
    theirs = {name: getattr(current, name) for name in CONTENT_FIELDS}
    theirs["tags"] = current_tags
    theirs["section"] = current.section_id
    result = Reapplied(values={})
    for name in MERGED_FIELDS:
        i_changed = not _same(name, mine[name], before[name])
        they_changed = not _same(name, theirs[name], before[name])
        if i_changed and they_changed and not _same(name, mine[name], theirs[name]):
            result.clashes.append(name)
            result.values[name] = mine[name]
        elif i_changed:
            result.values[name] = mine[name]
        else:
            result.values[name] = theirs[name]
            if they_changed:
                result.kept_theirs.append(name)
    result.values["tags"] = tag_text(result.values["tags"])
    return result
