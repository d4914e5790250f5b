"""IPTC Media Topics: load IPTC's vocabulary (its JSON-LD export) with its English and Arabic
labels and our own Persian ones for the top level, and map tags to topics by exact label."""

import json
from pathlib import Path

from django.db import transaction

from dateline.stories.models import Tag
from dateline.wire.models import MediaTopic, TopicMapping

# The team's own Persian names of the seventeen top-level Media Topics.
PERSIAN_TOP_LABELS = {
    "01000000": "هنر، فرهنگ، سرگرمی و رسانه",
    "02000000": "جرم، قانون و دادگستری",
    "03000000": "بلایا، حوادث و رویدادهای اضطراری",
    "04000000": "اقتصاد، کسب‌وکار و مالی",
    "05000000": "آموزش",
    "06000000": "محیط زیست",
    "07000000": "سلامت",
    "08000000": "داستان‌های انسانی",
    "09000000": "کار و اشتغال",
    "10000000": "سبک زندگی و اوقات فراغت",
    "11000000": "سیاست",
    "12000000": "دین و باور",
    "13000000": "علم و فناوری",
    "14000000": "جامعه",
    "15000000": "ورزش",
    "16000000": "درگیری، جنگ و صلح",
    "17000000": "آب‌وهوا",
}
SCHEME = "http://cv.iptc.org/newscodes/mediatopic/"


class BadVocabulary(ValueError):
    """The file is not IPTC's Media Topics export."""


def _code(qcode_or_uri: str) -> str:
    return qcode_or_uri.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


def read_topics(path: Path) -> list[MediaTopic]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        concepts = document["conceptSet"]
        if document.get("uri", SCHEME).rstrip("/") != SCHEME.rstrip("/"):
            raise BadVocabulary(f"{path}: a vocabulary other than Media Topics ({document['uri']})")
        topics = []
        for concept in concepts:
            labels = concept["prefLabel"]
            code = _code(concept["qcode"])
            broader = concept.get("broader") or []
            topics.append(
                MediaTopic(
                    code=code,
                    label_en=(labels.get("en-GB") or labels["en"])[:200],
                    label_ar=labels.get("ar", "")[:200],
                    label_fa=PERSIAN_TOP_LABELS.get(code, ""),
                    broader=_code(broader[0]) if broader else "",
                    retired=bool(concept.get("retired")),
                )
            )
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadVocabulary(f"{path}: not JSON text ({error})") from None
    except (KeyError, TypeError, AttributeError, IndexError) as error:
        raise BadVocabulary(f"{path}: not IPTC's Media Topics JSON (missing {error})") from None
    return topics


@transaction.atomic
def load_topics(path: Path) -> tuple[int, int]:
    """Store every topic of the file (again: updated in place); then map each tag with no
    mapping yet to the current topic whose label it spells exactly (case aside). Returns
    (topics, new mappings)."""
    topics = read_topics(path)
    MediaTopic.objects.bulk_create(
        topics,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["label_en", "label_ar", "label_fa", "broader", "retired"],
    )
    return len(topics), seed_mappings()


def seed_mappings() -> int:
    by_label: dict[str, MediaTopic] = {}
    for topic in MediaTopic.objects.filter(retired=False).order_by("-code"):
        for label in (topic.label_en, topic.label_ar, topic.label_fa):
            if label:
                by_label[label.casefold()] = topic  # the lowest code wins a shared label
    unmapped = Tag.objects.filter(media_topic__isnull=True)
    new = [
        TopicMapping(tag=tag, topic=by_label[tag.name.casefold()])
        for tag in unmapped
        if tag.name.casefold() in by_label
    ]
    TopicMapping.objects.bulk_create(new)
    return len(new)
