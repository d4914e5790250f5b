"""The head of a list page (the front, a section's, a tag's: its description, canonical
address, feeds and what search engines and link previews read), written once per process for
each set of values it shows, then remembered (decision 0044's way, its addendum on heads).

The key holds every value `site/_list_head.html` shows: the furniture's version (the edition's
name and language, the section's name and slug), the tag's slug and name, the page number and
where the site is reached (scheme, host and script prefix; the URL configuration). The labels
come from the edition's language and the social card's address from the static files'
manifest, both fixed for the process.
"""

from django.urls import get_script_prefix, get_urlconf
from jinja2 import pass_context
from markupsafe import Markup

from dateline.site.remembered import Remembered

# Editions × sections and tags × pages × hosts; a head is about 2 KB.
MOST_LIST_HEADS = 2_000


def list_heads(environment):
    """The template global `list_head()`, for a list page's context."""
    remembered = Remembered(MOST_LIST_HEADS)

    @pass_context
    def list_head(context) -> Markup:
        request, chrome, page = context["request"], context["chrome"], context["page"]
        section, tag = context.get("section"), context.get("tag")
        values = {name: context[name] for name in ("request", "edition", "labels", "page")}
        if tag is not None:
            values["tag"] = tag
        elif section is not None:
            values["section"] = section

        def write() -> Markup:
            template = environment.get_template("site/_list_head.html")
            return Markup(template.render(values))  # noqa: S704  (our template, escaped there)

        key = (
            chrome.version,
            chrome.edition.code,
            section.pk if section is not None else None,
            (tag.slug, tag.name) if tag is not None else None,
            page.number,
            request.build_absolute_uri(get_script_prefix()),  # where the site is reached
            get_urlconf(),
        )
        return remembered.get(key, write)

    list_head.remembered = remembered
    return list_head
