"""The public site's interface words, in the edition's language through Django's translation
framework (docs/decisions/0017-interface-words-in-gettext.md).

Templates read `labels.key`; the English words are the message ids of the catalogues in
`dateline/locale/<language>/LC_MESSAGES/django.po`, compiled to `.mo` by `make setup`. The page
language is always the edition's, never the reader's browser's.
"""

from functools import cache
from pathlib import Path
from types import MappingProxyType

from django.utils import translation
from django.utils.translation import gettext

# N_ marks a message for `pybabel extract` (GNU's name for "translate later").
from django.utils.translation import gettext_noop as N_

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"

MESSAGES: dict[str, str] = {
    "follow_us_on": N_("Follow us on"),
    "related_news": N_("Related News"),
    "latest_news": N_("Latest news"),
    "sections": N_("Sections"),
    "tags": N_("Tags"),
    "section": N_("Section"),
    "published": N_("Published"),
    "your_comment": N_("Your Comment"),
    "newer": N_("Newer"),
    "older": N_("Older"),
    "page": N_("Page"),
    "of": N_("of"),
    "not_found_title": N_("Page not found"),
    "not_found_text": N_("The page you asked for is not here. It may have moved or been removed."),
    "server_error_title": N_("Something went wrong"),
    "server_error_text": N_("We could not show this page. Please try again in a moment."),
    # a request turned away before its page (site/refused.html)
    "refused_title": N_("Not accepted"),
    "form_expired_text": N_(
        "This form had expired or was not sent from this site, so it was not accepted."
        " Reload the page and send it again."
    ),
    "too_large_text": N_(
        "What you sent is larger than this site accepts, so it was not accepted."
        " Shorten it and send it again."
    ),
    "home": N_("Home"),
    "skip_to_content": N_("Skip to content"),
    "tagged": N_("Stories tagged"),
    "no_stories": N_("No stories yet."),
    "editions": N_("Editions"),
    "front_description": N_("The latest news from {edition}, as it happens."),
    "section_description": N_("{section}: the latest news from {edition}."),
    "tag_description": N_("News tagged {tag}, from {edition}."),
    "updated": N_("Updated"),
    "credit": N_("Source:"),  # before a partner's name, on its copy we publish
    "corrections": N_("Corrections"),
    "correction_on": N_("Correction, {date}:"),
    "withdrawn_title": N_("This story has been withdrawn"),
    "withdrawn_text": N_("It was withdrawn on {date} and is no longer available."),
    "comments": N_("Comments"),
    "comment_count": N_("{n} comments"),
    "comment_count_one": N_("1 comment"),
    "no_comments": N_("No comments yet."),
    "reply": N_("Reply"),
    "replying_to": N_("You are replying to:"),
    "replying_to_short": N_("replying to"),
    "removed_comment": N_("a removed comment"),
    "cancel_reply": N_("Cancel reply"),
    "name": N_("Name"),
    "email": N_("Email"),
    "email_help": N_("Required, never shown."),
    "comment": N_("Comment"),
    "notify": N_("Email me when my comment is published or answered"),
    "send": N_("Send comment"),
    "honeypot": N_("Leave this field empty"),
    "comment_received": N_("Thank you. Your comment will appear once a moderator approves it."),
    "comment_published": N_("Thank you. Your comment is published."),
    "comments_closed": N_("Comments on this story are closed."),
    "form_errors": N_("Your comment was not sent:"),
    "report": N_("Report"),
    "report_why": N_(
        "Report this comment if it is abusive, spam or against the law: "
        "a moderator will look at it."
    ),
    "reported": N_("Thank you. A moderator will look at this comment."),
    "deleted_comment": N_("This comment was deleted."),
    "taken_down_comment": N_("This comment was removed by a moderator."),
    "show_all_replies": N_("Show all replies"),
    "all_comments": N_("All comments"),
    "later_comments": N_("Later comments"),
    "earlier_comments": N_("Earlier comments"),
    "oldest_first": N_("Oldest first"),
    "newest_first": N_("Newest first"),
    "earlier_version": N_("Written on an earlier version of this story"),
    "version_number": N_("(v{n})"),  # after earlier_version: which version, as "(v1)"
    "delete_comment": N_("Delete my comment"),
    # share links (site/_share.html)
    "share": N_("Share"),
    "share_x": N_("X"),
    "share_facebook": N_("Facebook"),
    "share_telegram": N_("Telegram"),
    "share_whatsapp": N_("WhatsApp"),
    "share_email": N_("Email"),
    # linked translations (site/_translations.html)
    "translations": N_("This story in other languages"),
    # search (site/search.py, the header's search box)
    "search": N_("Search"),
    "search_label": N_("Search the news"),
    "search_yours": N_("Your search"),  # the search page's own form, beside the header's box
    "search_results_for": N_("Results for “{query}”"),
    "search_no_results": N_(
        "No story matches your search. Try other or fewer words, or remove a filter."
    ),
    "search_help": N_(
        'Type one or more words. Put a phrase in quotes ("oil prices"); end a word with *'
        " to find every word that starts with it (export*)."
    ),
    "search_too_long": N_("Your search is too long: write at most {n} characters."),
    "search_cut": N_("Your search has more words than are looked for: only its first {n} were."),
    "search_bad_date": N_("Write dates as year-month-day, for example 2026-11-28."),
    "search_no_such_day": N_("There is no such day in the calendar: check the month and the day."),
    "search_past_end": N_("This search has fewer pages of results."),
    "search_first_page": N_("Back to the first page"),
    "search_dates_reversed": N_("The first date is after the last one: nothing falls between."),
    "search_unknown_section": N_("There is no such section; all sections were searched."),
    "search_unknown_tag": N_("There is no such tag; all stories were searched."),
    "search_filters": N_("Narrow the search"),
    "search_any_section": N_("All sections"),
    "search_from": N_("From"),
    "search_to": N_("To"),
    "search_tagged": N_("Only stories tagged"),
    "search_previous": N_("Previous results"),
    "search_next": N_("More results"),
}


def primary_language(language: str) -> str:
    """'fa' for 'fa-IR' or 'fa_IR': catalogues are per language, not per region."""
    return language.replace("_", "-").split("-")[0].lower()


def interface_language(language: str) -> str:
    """The catalogue that speaks for `language` (a tag such as 'fa' or 'fa-IR'): its own, or
    English for a language without one — never a mix of English and the words Django's own
    catalogues happen to have for that language (its admin's "Home", say)."""
    primary = primary_language(language)
    return primary if primary in interface_languages() else "en"


def speaking(language: str) -> translation.override:
    """`with speaking(edition.language):` gettext answers in the edition's interface language
    (messages made while handling a reader's post: form errors, refusals)."""
    return translation.override(interface_language(language))


@cache
def labels_for(language: str) -> MappingProxyType[str, str]:
    """Every label in `language`, in its interface language (`interface_language`)."""
    with speaking(language):
        return MappingProxyType({key: gettext(message) for key, message in MESSAGES.items()})


@cache
def interface_languages() -> frozenset[str]:
    """The languages the interface speaks: English and each language with a compiled
    catalogue (a .po never compiled would leave Django's own words for its language)."""
    catalogues = LOCALE_DIR.glob("*/LC_MESSAGES/django.mo")
    return frozenset({"en", *(path.parent.parent.name for path in catalogues)})
