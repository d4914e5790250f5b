"""Each public story's word counts as Related News compares stories by (`StoryWords`), written
with the story's search index entry (`search.sync_stories`, `search.reindex`: the change log's
path), so that a refresh reads its candidates' counts instead of stripping and tokenising their
bodies (decision 0037). The counts are made from the index's own normalised text (`Document`):
the same words search finds, numbers left out, the body's first MAX_TEXT_CHARS characters."""

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from dateline.discovery.backends import Document
from dateline.discovery.models import StoryWords

MAX_TEXT_CHARS = 20_000  # of the body: what a story is about is said long before
_NUMBER = re.compile(r"\d+")


def counts_of(document: Document) -> Counter:
    """The words of the story's headline, lead and body (its first MAX_TEXT_CHARS characters,
    the word cut there left out) and how often each comes; numbers left out (every story has
    some)."""
    body = document.body
    if len(body) > MAX_TEXT_CHARS:
        if body[MAX_TEXT_CHARS] == " ":
            body = body[:MAX_TEXT_CHARS]
        else:  # the last word is cut short, another word: left out
            body = body[:MAX_TEXT_CHARS].rpartition(" ")[0]
    counts = Counter(f"{document.headline} {document.lead} {body}".split())
    for number in [word for word in counts if _NUMBER.fullmatch(word)]:  # each once, not each time
        del counts[number]
    return counts


def encoded(counts: Counter) -> str:
    return json.dumps(counts, ensure_ascii=False, separators=(",", ":"))


def decoded(text: str) -> dict[str, int]:
    """The counts as `encoded` wrote them (a plain dict: a Counter's copy cost a refresh a
    quarter of its 150 candidates' decoding)."""
    return json.loads(text)


def store(documents: Sequence[Document]) -> None:
    """Write (or rewrite) the counts of `documents`' stories: one statement."""
    StoryWords.objects.bulk_create(
        (StoryWords(story_id=d.code, counts=encoded(counts_of(d))) for d in documents),
        update_conflicts=True,
        unique_fields=["story"],
        update_fields=["counts"],
    )


def remove(codes: Iterable[int]) -> None:
    StoryWords.objects.filter(story_id__in=list(codes)).delete()


def replace_range(
    documents: Sequence[Document], after: int, upto: int | None, edition_id: int | None
) -> None:
    """As the index's `replace_range`: the counts of every story with a code in (after, upto]
    (of one edition, if given; no upper bound for None) go, then `documents`' are stored."""
    gone = StoryWords.objects.filter(story_id__gt=after)
    if upto is not None:
        gone = gone.filter(story_id__lte=upto)
    if edition_id is not None:
        gone = gone.filter(story__edition_id=edition_id)
    gone.delete()
    store(documents)
