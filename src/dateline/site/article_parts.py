"""An article page's own parts, written once per process for what they show and then
remembered (decision 0059, after the cards and mastheads of decision 0044):

- its head (`site/_article_head.html`): the canonical link, the description, Open Graph, the
  schema.org JSON-LD and breadcrumbs, the other versions' hreflang links;
- its story (`site/_article_story.html`): the `<article>` element, from the kicker to the
  tags, with the translations, the corrections and the share links.

A rendered article page is asked for again whenever something around the story changed (its
Related News, its comments, a front's lifetime), far more often than the story itself does;
writing these parts was a fifth of its cost. They are keyed by every value they show
(`shown`): whatever changes is another key, and nothing has to be retired. The rest of the
page (the masthead, Related News, the comments) is put around them on every request.

The newsroom's private preview has no public address: its parts are written every time,
never remembered, and carry no share links.
"""

from django.core.signals import setting_changed
from django.dispatch import receiver
from jinja2 import pass_context
from markupsafe import Markup

from dateline.site.remembered import Remembered
from dateline.stories.models import Story

# A story's two parts hold its body twice (its fields in the key, the HTML written) and the
# head: 27 KB for the seed article, so 500 stories (1,000 parts) are about 15 MB per process.
# A breaking story's readers ask for a handful; the oldest are forgotten first.
MOST_ARTICLE_PARTS = 1_000
HEAD = "site/_article_head.html"
STORY = "site/_article_story.html"
_STORY_FIELDS = tuple(field.attname for field in Story._meta.concrete_fields)

# Shared by the process's threads (each step is one atomic dict operation: remembered.py).
_remembered = Remembered(MOST_ARTICLE_PARTS)


@pass_context
def article_head(context) -> Markup:
    """The template global that writes the article page's head part."""
    return _part(HEAD, context)


@pass_context
def article_story(context) -> Markup:
    """The template global that writes the article page's `<article>` element."""
    return _part(STORY, context)


def _part(template: str, context) -> Markup:
    variables = context.get_all()

    def write() -> Markup:
        return Markup(context.environment.get_template(template).render(variables))  # noqa: S704

    if not variables.get("address"):  # the private preview
        return write()
    return _remembered.get((template, *shown(variables)), write)


def shown(variables: dict) -> tuple:
    """Every value the parts show or link by. The page's absolute address, which holds the
    site's origin and the prefix it is served under; the story's fields as read (a deferred
    field, the Markdown source, is not read and not shown); its section and edition through
    the furniture's version; its tags and its versions as read (the one for readers of none
    of their languages follows from those and the editions). Its corrections come each with
    a new version of the story (`correct_story`), so its fields tell them. The URL
    configuration is a setting: changing one forgets every part."""
    story = variables["story"]
    loaded = story.__dict__
    versions = variables.get("versions") or ()
    return (
        variables["address"],
        variables["chrome"].version,
        *(loaded.get(name) for name in _STORY_FIELDS),
        tuple(variables.get("tags") or ()),
        tuple((v.pk, v.slug, v.headline, v.edition_id) for v in versions),
    )


def forget() -> None:
    """Forget every part this process remembers (the page-cost benchmark measures the first
    render after a story changed this way)."""
    _remembered.held.clear()


@receiver(setting_changed)
def _forget_on_setting_changed(**_kwargs) -> None:
    """Settings shape what the parts hold (the static files' addresses, the languages' words);
    tests change them."""
    forget()
