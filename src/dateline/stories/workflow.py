"""The workflow's rules: which change may happen in which state, and who may make it.

Every action in `stories.actions` asks `require()` before it writes, so the screens, the
command line and any later API are held to the same rules by construction.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dateline.accounts.models import Role
from dateline.stories.models import Status, Story, StoryChange

Action = StoryChange.Action

_NOT_KILLED = frozenset(Status) - {Status.KILLED}
_NOT_YET_OUT = frozenset(
    {Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.SCHEDULED, Status.UNPUBLISHED}
)

# The states each change may start from. CREATED and RELEASED are not here: a story is created
# from nothing, and only the worker releases (stories.actions.release), by its own conditions.
LEGAL_FROM: dict[str, frozenset[str]] = {
    Action.EDITED: _NOT_KILLED,
    Action.TAKEN: frozenset({Status.DRAFT}),
    Action.SUBMITTED: frozenset({Status.DRAFT}),
    Action.APPROVED: frozenset({Status.SUBMITTED}),
    Action.PUBLISHED: _NOT_YET_OUT,
    Action.SCHEDULED: _NOT_YET_OUT,
    Action.EMBARGOED: _NOT_YET_OUT | {Status.PUBLISHED},  # PUBLISHED: moving a pending embargo
    Action.UNPUBLISHED: frozenset({Status.PUBLISHED, Status.SCHEDULED}),
    Action.CORRECTED: frozenset({Status.PUBLISHED}),
    Action.KILLED: _NOT_KILLED,
    Action.RESTORED: _NOT_KILLED,
    Action.COMMENTS: _NOT_KILLED,
    Action.LINKED: _NOT_KILLED,
    Action.UNLINKED: frozenset(Status),  # a killed story may still leave its group
    Action.RELATED: _NOT_KILLED,
}

_WRITERS = frozenset({Role.REPORTER, Role.EDITOR, Role.CHIEF_EDITOR})
_EDITORS = frozenset({Role.EDITOR, Role.CHIEF_EDITOR})
ALLOWED_ROLES: dict[str, frozenset[str]] = {
    Action.CREATED: _WRITERS,
    Action.EDITED: _WRITERS,
    Action.TAKEN: _WRITERS,
    Action.SUBMITTED: _WRITERS,
    Action.APPROVED: _EDITORS,
    Action.PUBLISHED: _EDITORS,
    Action.SCHEDULED: _EDITORS,
    Action.EMBARGOED: _EDITORS,
    Action.UNPUBLISHED: _EDITORS,
    Action.CORRECTED: _EDITORS,
    Action.RESTORED: _EDITORS,
    # Opening or closing a story's comments: an editor's call, or a comment moderator's.
    Action.COMMENTS: _EDITORS | {Role.COMMENT_MODERATOR},
    Action.KILLED: frozenset({Role.CHIEF_EDITOR}),
    Action.LINKED: _EDITORS,
    Action.UNLINKED: _EDITORS,
    Action.RELATED: _EDITORS,
}
# What a reporter may still change in a story of their own.
_REPORTER_EDITABLE = frozenset({Status.DRAFT, Status.SUBMITTED})


class ActionRefused(Exception):
    """The change was not made; the message says why, in words for the person who asked."""


class NotAllowed(ActionRefused, PermissionDenied):
    """The person's role or editions do not allow this change."""


class IllegalTransition(ActionRefused):
    """The story's state does not allow this change."""


class EditConflict(ActionRefused):
    """Another save landed since the version this edit was based on."""

    def __init__(self, story: Story, base_version: int):
        self.story = story
        self.base_version = base_version
        super().__init__(
            f"Story {story.code} is at version {story.version}; this edit was based on version "
            f"{base_version}. Another save landed in between: review it, then edit again."
        )


def role_of(person) -> str:
    return getattr(person, "newsroom_role", "") if person is not None else ""


def works_on(person, edition) -> bool:
    if role_of(person) == Role.CHIEF_EDITOR:
        return True
    return person.editions.filter(pk=edition.pk).exists()


def require_allowed(person, action: str, *, story: Story | None = None, edition=None) -> None:
    """Raise NotAllowed unless `person` may make `action` (on `story`, or in `edition`).

    `person=None` is the system itself: an operator's command without `--as`, an import, the
    scheduled-release worker. Everyone else, the anonymous included, is held to the rules.
    """
    if person is None:
        return
    role = role_of(person)
    name = getattr(person, "get_username", lambda: "an anonymous user")() or "an anonymous user"
    if role not in ALLOWED_ROLES[action]:
        held = Role(role).label.lower() if role else "no newsroom role"
        raise NotAllowed(f"{name} ({held}) may not make the change '{Action(action).label}'.")
    edition = edition if edition is not None else story.edition
    if not works_on(person, edition):
        raise NotAllowed(f"{name} does not work on the {edition.name} edition.")
    if action == Action.TAKEN and story is not None and story.owner_id == person.pk:
        raise NotAllowed(f"Story {story.code} is yours already.")
    if role == Role.REPORTER and story is not None:
        if action == Action.TAKEN:
            if story.owner_id is not None:
                raise NotAllowed(f"Story {story.code} is already taken by another member.")
        elif story.owner_id != person.pk:
            raise NotAllowed(f"{name} may change only their own stories.")
        elif action == Action.EDITED and story.status not in _REPORTER_EDITABLE:
            raise NotAllowed(f"Story {story.code} is {story.status}: an editor has it now.")


# What a refusal says cannot be done, where "it cannot be <the change's label>" reads wrong.
_CANNOT = {
    Action.RELEASED: "its embargo cannot be lifted",
    Action.RESTORED: "no earlier version of it can be restored",
    Action.COMMENTS: "its comment policy cannot be changed",
    Action.LINKED: "it cannot be linked to a translation",
    Action.UNLINKED: "it cannot be unlinked from its translations",
    Action.RELATED: "its Related News cannot be chosen",
}


def require_legal(action: str, story: Story) -> None:
    if story.status not in LEGAL_FROM[action]:
        if _waiting_for_its_embargo(story) and action in (Action.PUBLISHED, Action.SCHEDULED):
            raise IllegalTransition(
                f"Story {story.code} is {_state_of(story)}: it goes on the site then by itself "
                "(subscribers have it already). To put it there sooner, embargo it again with "
                "an earlier time."
            )
        cannot = _CANNOT.get(action, f"it cannot be {Action(action).label.lower()}")
        raise IllegalTransition(f"Story {story.code} is {_state_of(story)}: {cannot}.")
    if action == Action.EMBARGOED and story.status == Status.PUBLISHED and not story.is_embargoed:
        raise IllegalTransition(
            f"Story {story.code} is published and public already: an embargo cannot hold it."
        )
    if action == Action.UNLINKED and story.translation_group_id is None:
        raise IllegalTransition(f"Story {story.code} is not linked to any translation.")


def _waiting_for_its_embargo(story: Story) -> bool:
    """Published for the wire, on the site nowhere until its embargo ends."""
    return story.status == Status.PUBLISHED and story.is_embargoed


def _state_of(story: Story) -> str:
    """The story's state as a refusal names it: "embargoed until <its end>" for one waiting
    for its embargo, on the current time zone's clock (the newsroom makes changes on the
    edition's)."""
    if _waiting_for_its_embargo(story):
        until = timezone.localtime(story.embargo_until).isoformat(timespec="seconds")
        return f"embargoed until {until}"
    return Status(story.status).label.lower()


def require(person, action: str, story: Story) -> None:
    """Both checks, the person first: a refusal never tells a stranger the story's state."""
    require_allowed(person, action, story=story)
    require_legal(action, story)


@dataclass(frozen=True)
class Offer:
    action: str
    label: str


def offered_actions(person, story: Story) -> list[Offer]:
    """The changes this person may make to this story now: what a screen offers."""
    offers = []
    for action in LEGAL_FROM:
        try:
            require(person, action, story)
        except ActionRefused:
            continue
        offers.append(Offer(action=action, label=Action(action).label))
    return offers
