"""A low-rank model of an edition's words (latent semantic analysis) for Related News
(decision 0029): stories on the same subject told in different words land near each other.

Fitted in the background (`dateline related --fit` or `--rebuild`) on a sample of at most
FIT_SAMPLE of the edition's stories: sublinear TF-IDF rows (plain IDF, so a word in every
story weighs nothing), unit length, reduced to DIMENSIONS by a truncated SVD. Stored in the
database (`RelatedModel`), so that every process reads the same one; each process keeps the
latest it read and asks only which one is latest. A story, new or old, is folded in by
projection: its TF-IDF row times the components, a few hundred multiplications per word,
whatever the edition's size.

Each word weighs its IDF times an emphasis fitted with the model (decision 0054): more for a
word whose stories use it again and again (residual IDF: how much rarer in stories it is than
its count would make it by chance, i.e. a word a story is about), less for a word the edition
writes as a name (capitalised inside a sentence: places, people, companies), which any
subject may mention; what a story is about is told by its other words.
"""

import itertools
import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD

from dateline.discovery.models import RelatedModel
from dateline.discovery.text import tokens
from dateline.stories.compiled import Compiled

DIMENSIONS = 200
FIT_SAMPLE = 20_000
MAX_WORDS = 40_000
MIN_STORIES = 20  # fewer: no model, the TF-IDF rerank alone
MIN_STORIES_PER_WORD = 2
# The emphasis (decision 0054): 1 + RESIDUAL_IDF_WEIGHT × the word's residual IDF, times
# NAME_WEIGHT for a word written capitalised in more than NAME_SHARE of its occurrences inside
# a sentence. Measured on Reuters: precision@5 on the hard subset 0.824 → 0.864.
RESIDUAL_IDF_WEIGHT = 0.5
NAME_SHARE = 0.5
NAME_WEIGHT = 0.25
# A sentence ends at a full stop, a question or exclamation mark or a quotation mark followed
# by a space, or at a line's end; its first word is capitalised whatever it is.
_SENTENCE_END = re.compile(r'[.!?"]\s+|\n')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Space:
    """A fitted model as one process holds it."""

    pk: int
    columns: dict[str, int]
    idf: np.ndarray  # per column
    components: np.ndarray  # dimensions × columns
    stories: int
    fitted_at: object = None
    emphasis: np.ndarray | None = None  # per column; None: every word 1 (fitted before 0054)

    def weight(self, word: str) -> float:
        """The word's IDF; a word the model has not seen in two stories weighs as one seen
        in one (it is rare, and rare words are what tell subjects apart). What explanations
        go by: a name tells an editor why two stories match as well as any word."""
        return self._idf_of.get(word, self._unseen_idf)

    def row_weight(self, word: str) -> float:
        """What `word` weighs in a story's row: its IDF times its emphasis (`weights`)."""
        return self._row_weight_of.get(word, self._unseen_idf)

    def weights(self, words: Sequence[str]) -> np.ndarray:
        """What each of `words` weighs in a story's row (the TF-IDF cosine and the place in
        the model): its IDF times its emphasis, as one array (no Python call per word); a word
        the model has not seen weighs as one seen in one story, emphasis 1."""
        weighed = map(self._row_weight_of.get, words, itertools.repeat(self._unseen_idf))
        return np.fromiter(weighed, dtype=np.float64, count=len(words))

    @cached_property
    def _idf_of(self) -> dict[str, float]:
        # A plain dict of floats: a refresh weighs some 3,000 words, and reading each from
        # the array (its column, then a NumPy scalar) cost 4 ms of it.
        return dict(zip(self.columns, self.idf[list(self.columns.values())].tolist(), strict=True))

    @cached_property
    def _row_weight_of(self) -> dict[str, float]:
        if self.emphasis is None:
            return self._idf_of
        weighed = self.idf.astype(np.float64) * self.emphasis
        return dict(zip(self.columns, weighed[list(self.columns.values())].tolist(), strict=True))

    @cached_property
    def _unseen_idf(self) -> float:
        return math.log(self.stories)

    def project(self, rows: sparse.csr_array, words: Sequence[str]) -> np.ndarray:
        """Each story's place in the model, as the rows of one array: its TF-IDF row
        (`weighted_rows` with this model's `weights`; any length per row) times the components,
        unit length (zeros for a story with no word the model knows). The words the model does
        not know are dropped and the rest moved to the model's columns in a few array
        operations: the rows the TF-IDF cosine is computed from serve the projection too."""
        model_columns = np.fromiter(
            map(self.columns.get, words, itertools.repeat(-1)), dtype=np.int64, count=len(words)
        )
        at = model_columns[rows.indices]
        known = at >= 0
        row_of = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
        starts = np.zeros(rows.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_of[known], minlength=rows.shape[0]), out=starts[1:])
        in_model = sparse.csr_array(
            (rows.data[known].astype(np.float32), at[known], starts),
            shape=(rows.shape[0], self.components.shape[1]),
        )
        points = np.asarray(in_model @ self.components.T, dtype=np.float32)
        norms = np.linalg.norm(points, axis=1, keepdims=True)
        return np.divide(points, norms, out=points, where=norms > 0)


def weighted_rows(
    bags: Sequence[Mapping[str, int]], weights: Callable[[list[str]], np.ndarray]
) -> tuple[sparse.csr_array, list[str]]:
    """The bags' sublinear TF times their words' IDF (`weights` of a list of words: an array
    of theirs), unit length, as the rows of one sparse matrix, and the word of each column (a
    column per word any of them holds; `weights` asked once for all): a story's similarities
    to its candidates, and their places in a model, are then a few matrix products, not a
    Python loop over every word of each."""
    columns: defaultdict[str, int] = defaultdict()
    columns.default_factory = columns.__len__  # a new word gets the next column
    indices, counts, starts = [], [], [0]
    for bag in bags:
        indices.extend(map(columns.__getitem__, bag))
        counts.extend(bag.values())
        starts.append(len(indices))
    words = list(columns)
    at = np.asarray(indices, dtype=np.int64)
    values = (1 + np.log(np.asarray(counts, dtype=np.float64))) * weights(words)[at]
    row_of = np.repeat(np.arange(len(bags)), np.diff(starts))
    norms = np.sqrt(np.bincount(row_of, weights=values * values, minlength=len(bags)))
    values /= np.where(norms > 0, norms, 1.0)[row_of]
    shape = (len(bags), len(words))
    return sparse.csr_array((values, at, np.asarray(starts)), shape=shape), words


def fit(
    bags: Sequence[Mapping[str, int]],
    dimensions: int | None = None,
    written: Iterable[str] = (),
) -> Space | None:
    """A model of these stories' words (each its words and their counts) in `dimensions`
    (DIMENSIONS by default), or None when there are too few stories or words for one.
    `written`: the same stories' text as written (lead and body, the case kept), from which
    the words the edition writes as names are learnt (none without it)."""
    if len(bags) < MIN_STORIES:
        return None
    frequencies: Counter = Counter()
    for bag in bags:
        frequencies.update(bag.keys())
    kept = [word for word, n in frequencies.items() if n >= MIN_STORIES_PER_WORD]
    kept.sort(key=lambda word: (-frequencies[word], word))
    kept = kept[:MAX_WORDS]
    columns = {word: column for column, word in enumerate(kept)}
    idf = np.array([math.log(len(bags) / frequencies[w]) for w in kept], dtype=np.float64)
    emphasis = _emphasis(bags, columns, idf, written)
    weighed = idf * emphasis
    rows, cols, values = [], [], []
    for row, bag in enumerate(bags):
        for word, count in bag.items():
            column = columns.get(word)
            if column is not None:
                rows.append(row)
                cols.append(column)
                values.append((1 + math.log(count)) * weighed[column])
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(len(bags), len(kept)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    matrix = sparse.diags(1 / norms) @ matrix
    dimensions = min(dimensions or DIMENSIONS, len(bags) - 1, len(kept) - 1)
    if dimensions < 2:
        return None
    svd = TruncatedSVD(dimensions, algorithm="randomized", n_iter=5, random_state=0)
    svd.fit(matrix)
    components = _by_word(svd.components_.astype(np.float32))
    return Space(0, columns, idf.astype(np.float32), components, len(bags), emphasis=emphasis)


def _emphasis(
    bags: Sequence[Mapping[str, int]],
    columns: dict[str, int],
    idf: np.ndarray,
    written: Iterable[str],
) -> np.ndarray:
    """Each column's emphasis: 1 + RESIDUAL_IDF_WEIGHT × its residual IDF (the IDF observed
    less the IDF its total count would give spread at random over the stories, Poisson: a
    word that comes many times in the stories that have it is what they are about), times
    NAME_WEIGHT for a name (`name_shares`)."""
    totals = np.zeros(len(columns))
    for bag in bags:
        for word, count in bag.items():
            column = columns.get(word)
            if column is not None:
                totals[column] += count
    by_chance = -np.log(-np.expm1(-totals / len(bags)))
    emphasis = 1 + RESIDUAL_IDF_WEIGHT * np.maximum(idf - by_chance, 0)
    for word, share in name_shares(written, columns).items():
        if share > NAME_SHARE:
            emphasis[columns[word]] *= NAME_WEIGHT
    return emphasis


def name_shares(written: Iterable[str], words: Mapping[str, object]) -> dict[str, float]:
    """For each of `words` met inside a sentence of the `written` texts (not as its first
    word), the share of those times it is written as a name: a capital and then small
    letters ("Carney", not "carney" nor "GATT"). In a script without case, none is a name."""
    forms: Counter = Counter()
    for text in written:
        for sentence in _SENTENCE_END.split(text):
            forms.update(_WORD.findall(sentence)[1:])
    met: Counter = Counter()
    named: Counter = Counter()
    for form, times in forms.items():
        is_name = form[0].isupper() and not form.isupper()
        for word in tokens(form):
            if word in words:
                met[word] += times
                if is_name:
                    named[word] += times
    return {word: named[word] / times for word, times in met.items()}


def store(edition_id: int, space: Space) -> Space:
    """Save the model as the edition's latest (older ones go) and return it with its key."""
    words = "\n".join(sorted(space.columns, key=space.columns.__getitem__))
    row = RelatedModel.objects.create(
        edition_id=edition_id,
        stories=space.stories,
        dimensions=space.components.shape[0],
        words=zlib.compress(words.encode()),
        idf=zlib.compress(space.idf.astype(np.float32).tobytes()),
        components=zlib.compress(space.components.astype(np.float16).tobytes()),
        emphasis=(
            b""
            if space.emphasis is None
            else zlib.compress(space.emphasis.astype(np.float32).tobytes())
        ),
    )
    RelatedModel.objects.filter(edition_id=edition_id, pk__lt=row.pk).delete()
    return _space(row)


_loaded: dict[int, Space] = {}


# Built and compiled once (decision 0039): each refresh asks it.
_NEWEST = Compiled(
    lambda edition: (
        RelatedModel.objects.filter(edition_id=edition)
        .order_by("-pk")
        .values_list("pk", "fitted_at")[:1]
    )
)


def latest(edition_id: int) -> Space | None:
    """The edition's latest model (one query to learn which; read once per process)."""
    rows = _NEWEST.rows(edition=edition_id)
    if not rows:
        return None
    newest = rows[0]
    held = _loaded.get(edition_id)
    # The time too: a key can come back (SQLite reuses the highest one once it is deleted).
    if held is None or (held.pk, held.fitted_at) != newest:
        _loaded[edition_id] = held = _space(RelatedModel.objects.get(pk=newest[0]))
    return held


def _space(row: RelatedModel) -> Space:
    words = zlib.decompress(row.words).decode().split("\n")
    idf = np.frombuffer(zlib.decompress(row.idf), dtype=np.float32)
    flat = np.frombuffer(zlib.decompress(row.components), dtype=np.float16)
    components = _by_word(flat.astype(np.float32).reshape(row.dimensions, len(words)))
    columns = {word: column for column, word in enumerate(words)}
    stored = bytes(row.emphasis or b"")
    emphasis = (
        np.frombuffer(zlib.decompress(stored), dtype=np.float32).astype(np.float64)
        if stored
        else None
    )
    return Space(row.pk, columns, idf, components, row.stories, row.fitted_at, emphasis)


def _by_word(components: np.ndarray) -> np.ndarray:
    """The components laid out word by word in memory (column-major): projecting a story reads
    one column per word it has; from the row-major layout (one value from each dimension's
    row) a projection took 1.5 to 1.8 times as long, and a refresh makes 150 of them."""
    return np.asfortranarray(components)
