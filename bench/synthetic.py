"""Synthetic newswire at any size, drawn from Reuters-21578: the scale benchmark's corpora.

Each synthetic story takes its lengths (headline, lead and body paragraphs, in words) from one
Reuters story picked at random, and its words from another, its "subject": each word is one of
the subject story's words with probability SUBJECT_SHARE, else a word of the whole corpus drawn
by its frequency. So the vocabulary, the word frequencies and the story lengths are Reuters',
and stories on the same subject share words as real copy does (Related News has something to
find). Tags are the subject story's places, people and organisations.

A PERSIAN_SHARE of the stories belong to the Persian edition and are written in Persian script:
every Reuters word through a fixed letter-for-letter table (`persian`), digits as Persian
digits. Not Persian, but Persian letters, word lengths and frequencies, which is what the
index and the normalisation see.

Everything follows from the seed: story `n` of a corpus is the same whatever the corpus's size
(it is made from its own random stream), so the 10,000-story corpus is the start of the
100,000 one. `python -m bench.synthetic 5` prints five stories.
"""

import datetime
import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np

from bench.measure import reuters_files

SEED = 21578
SUBJECT_SHARE = 0.6
PERSIAN_SHARE = 0.2
SECTIONS_PER_EDITION = 6
# Publication times spread over this many days before the corpus's end, in code order.
SPAN_DAYS = 5 * 365
MAX_PARAGRAPHS = 12
_WORD = re.compile(r"[a-z]+|\d+")
_TAG_KINDS = ("place", "person", "org")

# One Persian-script spelling per Latin letter (several letters share one, as transliteration
# does); the Arabic forms ي and ك are left to the normalisation tests, not the corpus.
_PERSIAN_LETTERS = {
    "a": "ا",
    "b": "ب",
    "c": "ک",
    "d": "د",
    "e": "ه",
    "f": "ف",
    "g": "گ",
    "h": "ح",
    "i": "ی",
    "j": "ج",
    "k": "ک",
    "l": "ل",
    "m": "م",
    "n": "ن",
    "o": "و",
    "p": "پ",
    "q": "ق",
    "r": "ر",
    "s": "س",
    "t": "ت",
    "u": "و",
    "v": "و",
    "w": "و",
    "x": "خ",
    "y": "ی",
    "z": "ز",
    **{str(n): chr(ord("۰") + n) for n in range(10)},
}
_PERSIAN = str.maketrans(_PERSIAN_LETTERS)


def persian(word: str) -> str:
    """`word` (lowercase Latin letters and digits) in Persian script."""
    return word.translate(_PERSIAN)


@dataclass(frozen=True)
class Shape:
    """What is drawn from Reuters: the vocabulary with its frequencies, each story's words (as
    indexes into the vocabulary), lengths and tags."""

    words: np.ndarray  # str objects, most frequent first
    persian_words: np.ndarray
    cumulative: np.ndarray  # of the words' frequencies, for drawing by frequency
    documents: list[np.ndarray]
    lengths: list[tuple[int, int, tuple[int, ...]]]  # headline, lead, paragraphs
    tags: list[tuple[tuple[str, str], ...]]  # (kind, name) per story


@dataclass(frozen=True)
class SyntheticStory:
    number: int
    edition: str  # "en" or "fa"
    section: int  # 0 … SECTIONS_PER_EDITION - 1
    headline: str
    lead: str
    paragraphs: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]
    published_at: datetime.datetime

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def body_html(self) -> str:
        """What `render_body(self.body)` makes of plain paragraphs of words, without running
        Markdown a million times."""
        return "".join(f"<p>{paragraph}</p>\n" for paragraph in self.paragraphs)


@cache
def shape() -> Shape:
    """Reuters-21578 read once: every story with a body."""
    from dateline.copy.reuters import parse_reuters_sgml

    files = reuters_files()
    if not files:
        raise FileNotFoundError("no Reuters-21578 files (reut2-*.sgm)")
    texts, lengths, tags = [], [], []
    for path in files:
        for story in parse_reuters_sgml(path.read_bytes(), name=path.name).stories:
            paragraphs = [b.text for b in story.blocks if b.kind == "p"]
            headline, lead = _words(story.headline), _words(story.lead)
            bodies = [_words(p) for p in paragraphs][:MAX_PARAGRAPHS]
            bodies = [words for words in bodies if words]
            if not headline or not lead or not bodies:
                continue
            texts.append(headline + lead + [w for words in bodies for w in words])
            lengths.append((len(headline), len(lead), tuple(len(words) for words in bodies)))
            tags.append(
                tuple(
                    dict.fromkeys(
                        (kind, name) for kind in _TAG_KINDS for name in story.tags.get(kind, ())
                    )
                )
            )
    frequencies = Counter(word for text in texts for word in text)
    words = [word for word, _ in frequencies.most_common()]
    index = {word: n for n, word in enumerate(words)}
    counts = np.array([frequencies[word] for word in words], dtype=np.float64)
    return Shape(
        words=np.array(words, dtype=object),
        persian_words=np.array([persian(word) for word in words], dtype=object),
        cumulative=np.cumsum(counts) / counts.sum(),
        documents=[np.array([index[word] for word in text], dtype=np.int32) for text in texts],
        lengths=lengths,
        tags=tags,
    )


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def story(number: int, size: int, *, seed: int = SEED, end: datetime.datetime) -> SyntheticStory:
    """Story `number` of a corpus of `size` ending at `end` (the newest story's time)."""
    source = shape()
    rng = np.random.default_rng([seed, number])
    template, subject = rng.integers(len(source.documents), size=2)
    headline_length, lead_length, paragraph_lengths = source.lengths[template]
    total = headline_length + lead_length + sum(paragraph_lengths)
    own = source.documents[subject]
    from_subject = rng.random(total) < SUBJECT_SHARE
    drawn = np.searchsorted(source.cumulative, rng.random(total), side="right")
    chosen = np.where(from_subject, own[rng.integers(len(own), size=total)], drawn)
    edition = "fa" if rng.random() < PERSIAN_SHARE else "en"
    words = (source.persian_words if edition == "fa" else source.words)[chosen].tolist()
    headline = " ".join(words[:headline_length])
    lead = " ".join(words[headline_length : headline_length + lead_length])
    paragraphs, at = [], headline_length + lead_length
    for length in paragraph_lengths:
        paragraphs.append(" ".join(words[at : at + length]))
        at += length
    if edition == "en":
        headline, lead = headline.capitalize(), lead.capitalize() + "."
        paragraphs = [paragraph.capitalize() + "." for paragraph in paragraphs]
    seconds_before_end = (size - number) * SPAN_DAYS * 86400 / size + rng.random() * 60
    return SyntheticStory(
        number=number,
        edition=edition,
        section=int(rng.integers(SECTIONS_PER_EDITION)),
        headline=headline[:300],
        lead=lead,
        paragraphs=tuple(paragraphs),
        tags=source.tags[subject][:4],
        published_at=end - datetime.timedelta(seconds=seconds_before_end),
    )


def stories(start: int, stop: int, size: int, *, seed: int = SEED, end: datetime.datetime):
    """Stories `start` … `stop - 1` of a corpus of `size`."""
    for number in range(start, stop):
        yield story(number, size, seed=seed, end=end)


def all_tags() -> list[tuple[str, str]]:
    """Every (kind, name) a synthetic story may carry."""
    return sorted({tag for tags in shape().tags for tag in tags})


def vocabulary(limit: int | None = None) -> list[str]:
    """The corpus's words, most frequent first."""
    return shape().words[:limit].tolist()


if __name__ == "__main__":
    now = datetime.datetime.now(datetime.UTC)
    for made in stories(0, int(sys.argv[1]) if len(sys.argv) > 1 else 3, 1000, end=now):
        print(made.edition, made.section, made.published_at, made.tags)
        print(made.headline, "|", made.lead, "|", made.body[:300], "\n")
