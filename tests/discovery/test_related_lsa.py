"""Related News with the edition's low-rank model (LSA, decision 0029): fitted in the
background and stored in the database, new stories folded in by projection; explanations
name the words that tell a subject, never the stop words."""

import io
import math
from collections import Counter

import numpy as np
import pytest
from django.core.management import call_command

from dateline.discovery import lsa
from dateline.discovery.models import RelatedModel, RelatedStory
from dateline.discovery.related import Profiles, Scorer, fit, refresh
from tests.factories import make_story

pytestmark = pytest.mark.django_db

# Three subjects, each told with words drawn from its own pool: stories of a subject share
# some of its words, never all, so only co-occurrence links e.g. "petroleum" to "opec".
POOLS = {
    "oil": ["crude", "opec", "barrels", "petroleum", "refinery", "pipeline", "drilling", "brent"],
    "grain": ["wheat", "harvest", "silo", "maize", "barley", "sowing", "rainfall", "tonnes"],
    "football": ["striker", "goalkeeper", "league", "stadium", "coach", "referee", "penalty"],
}
PER_SUBJECT = 7
EVERYDAY = "The figures came out and the market said it was ready."


def subject_story(edition, subject: str, n: int, **fields):
    pool = POOLS[subject]
    words = [pool[(n + step) % len(pool)] for step in (0, 1, 3)]
    return make_story(
        edition,
        headline=f"The {words[0]} and the {words[1]} report",
        lead=f"The {words[0]}, {words[1]} and {words[2]} were in the news on Monday, they said.",
        body=f"The {words[2]} figures came out and the {words[0]} market said it was ready.",
        **fields,
    )


@pytest.fixture
def corpus(editions, committed):
    """PER_SUBJECT stories of each subject, indexed; no list computed, no model yet."""
    en, _ = editions
    with committed():
        stories = {
            subject: [subject_story(en, subject, n) for n in range(PER_SUBJECT)]
            for subject in POOLS
        }
    return en, stories


def top(story, codes, limit=PER_SUBJECT - 1) -> list[int]:
    scorer = Scorer(Profiles())
    profile = scorer.profiles.get([story.pk])[story.pk]
    return [s.code for s in scorer.ranked(profile, codes)][:limit]


def test_the_model_is_stored_in_the_database_and_read_back_the_same(corpus):
    en, _ = corpus
    assert lsa.latest(en.pk) is None
    assert fit(en) == {"en": 3 * PER_SUBJECT}
    row = RelatedModel.objects.get(edition=en)
    assert 2 <= row.dimensions < 3 * PER_SUBJECT
    space = lsa.latest(en.pk)
    assert set(POOLS["oil"]) <= set(space.columns)
    lsa._loaded.clear()  # another process: reads the row
    again = lsa.latest(en.pk)
    assert again.pk == row.pk and again.columns == space.columns
    assert np.allclose(again.components, space.components)
    assert np.allclose(again.emphasis, space.emphasis)
    monday = space.columns["monday"]  # written "Monday" inside the stories' sentences: a name
    assert space.emphasis[monday] == lsa.NAME_WEIGHT
    assert (np.delete(space.emphasis, monday) >= 1).all()
    # A model stored before the emphasis was (decision 0054): every word weighs its IDF.
    RelatedModel.objects.filter(pk=row.pk).update(emphasis=b"")
    lsa._loaded.clear()
    older = lsa.latest(en.pk)
    words = sorted(older.columns)
    assert older.emphasis is None
    assert older.weights(words).tolist() == [older.weight(w) for w in words]
    # Word by word in memory, as fitted and as read back: what makes projecting cheap.
    assert space.components.flags.f_contiguous and again.components.flags.f_contiguous
    fit(en)  # refitted: the older model goes
    assert RelatedModel.objects.filter(edition=en).count() == 1
    assert lsa.latest(en.pk).pk != row.pk


def test_too_few_stories_make_no_model(editions, committed):
    en, _ = editions
    with committed():
        for n in range(lsa.MIN_STORIES - 1):
            subject_story(en, "oil", n)
    assert fit(en) == {}
    assert not RelatedModel.objects.exists()


def test_a_folded_in_story_gets_the_neighbours_it_gets_once_fitted(corpus, committed):
    en, stories = corpus
    everyone = [s.pk for subject in stories.values() for s in subject]
    fit(en)
    with committed():
        unseen = subject_story(en, "grain", PER_SUBJECT + 2)
    folded_in = top(unseen, everyone)
    fit(en)  # now fitted with it
    fitted = top(unseen, everyone)
    assert set(folded_in) == set(fitted)
    assert set(folded_in) <= {s.pk for s in stories["grain"]}


def test_the_model_ranks_a_story_in_other_words_above_one_sharing_a_word(
    corpus, committed, monkeypatch
):
    en, _ = corpus
    monkeypatch.setattr(lsa, "DIMENSIONS", len(POOLS))  # as few as the subjects
    with committed():
        story = make_story(
            en,
            headline="Petroleum refinery report",
            lead="The petroleum refinery was in the news on Monday, they said.",
            body=EVERYDAY,
        )
        other_words = make_story(
            en,
            headline="Crude and OPEC report",
            lead="The crude figures and the OPEC barrels were in the news on Monday.",
            body=EVERYDAY,
        )
        one_word = make_story(
            en,
            headline="Striker at the refinery",
            lead="The striker and the goalkeeper visited a refinery before the league match.",
            body=EVERYDAY,
        )
    candidates = [other_words.pk, one_word.pk]
    # Words alone: the story in other words shares nothing that tells.
    assert top(story, candidates) == [one_word.pk, other_words.pk]
    fit(en)
    assert top(story, candidates) == [other_words.pk, one_word.pk]


def test_with_a_model_lists_are_made_and_explained_by_telling_words(corpus, committed):
    en, stories = corpus
    fit(en)
    with committed():
        story = subject_story(en, "oil", 1)
    refresh(story.pk)
    listed = list(RelatedStory.objects.filter(story=story).order_by("rank"))
    assert listed[0].related_id == stories["oil"][1].pk  # the same words
    oil = {s.pk for s in stories["oil"]}
    assert {e.related_id for e in listed} <= oil
    explained = [e.explanation for e in listed if "words: " in e.explanation]
    assert explained[0].startswith("words: ")  # the same words as the story's
    for explanation in explained:
        words = explanation.split("words: ")[1].split(";")[0].split(", ")
        assert set(words) <= set(POOLS["oil"])  # never "the", "and", "said", "monday"
    # A story of the subject that shares none of its words can be listed: no words to show.
    assert all(e.explanation.startswith(("words: ", "text ")) for e in listed)


def test_rebuild_fits_the_model_first(corpus):
    en, stories = corpus
    out = io.StringIO()
    call_command("related", "--rebuild", "--edition", "en", stdout=out, stderr=io.StringIO())
    assert RelatedModel.objects.filter(edition=en).exists()
    for subject, members in stories.items():
        for story in members:
            listed = set(RelatedStory.objects.filter(story=story).values_list("related", flat=True))
            assert len(listed) == 5
            assert listed <= {s.pk for s in members} - {story.pk}, subject


def test_the_command_fits_the_models_alone(corpus, editions):
    en, _ = corpus
    out = io.StringIO()
    call_command("related", "--fit", stdout=out)
    assert out.getvalue() == f"fitted the model of edition en on {3 * PER_SUBJECT} stories\n"
    assert not RelatedStory.objects.exists()  # no list computed
    call_command("related", "--fit", "--edition", "fa", stdout=(out := io.StringIO()))
    assert out.getvalue() == "no model fitted: too few public stories\n"
    assert list(RelatedModel.objects.values_list("edition", flat=True)) == [en.pk]


def test_a_story_lands_where_its_tf_idf_row_times_the_components_puts_it(corpus):
    """Projected from the rows the TF-IDF cosine is computed from (all the stories at once,
    words the model does not know among them): each story lands where its own row of known
    words times the components puts it, unit length; a story with no word the model knows
    at the origin."""
    en, stories = corpus
    fit(en)
    space = lsa.latest(en.pk)
    bags = [p.counts for p in Profiles().get([s.pk for s in stories["oil"]]).values()]
    bags[0] = {**bags[0], "zzyzx": 3}  # a word the model does not know, among others
    bags.append(Counter({"zzyzx": 2}))  # no word the model knows
    places = space.project(*lsa.weighted_rows(bags, space.weights))
    for bag, place in zip(bags[:-1], places[:-1], strict=True):
        row = np.zeros(space.components.shape[1])
        for word, count in bag.items():
            if word in space.columns:
                column = space.columns[word]
                weight = space.idf[column] * space.emphasis[column]
                row[column] = (1 + math.log(count)) * weight
        alone = space.components @ row
        np.testing.assert_allclose(place, alone / np.linalg.norm(alone), atol=1e-5)
    assert np.allclose(np.linalg.norm(places[:-1], axis=1), 1.0, atol=1e-5)
    assert not places[-1].any()


def test_a_story_is_moved_toward_its_nearest_candidates_words(corpus, committed):
    """Rocchio feedback, without a model: a candidate sharing no word with the story but the
    words of the story's closest candidates ranks above one sharing nothing with any."""
    en, stories = corpus
    with committed():
        story = make_story(en, headline="Wheat harvest", lead="Wheat harvest.", body="Wheat.")
        kin = make_story(en, headline="Silo maize", lead="Silo maize barley.", body="Sowing.")
        stranger = make_story(en, headline="Qwerty zxcv", lead="Qwerty zxcv.", body="Asdf.")
    near = [s.pk for s in stories["grain"]]
    ranked = top(story, [*near, kin.pk, stranger.pk], limit=None)
    assert ranked.index(kin.pk) < ranked.index(stranger.pk)


def test_names_are_words_written_capitalised_inside_a_sentence():
    written = [
        'Trade Minister Pat Carney said trade talks with GATT went on. "Carney left early."',
        "Carney said so.\nTrade was up, said Carney.",
        "کارنی گفت",
    ]
    shares = lsa.name_shares(written, {"carney", "trade", "gatt", "said", "minister", "کارنی"})
    # "Carney" three times inside a sentence (never counted as a sentence's first word).
    assert shares["carney"] == 1.0
    assert shares["trade"] == 0.0  # capitalised only where a sentence starts
    assert shares["gatt"] == 0.0  # capitals throughout: an acronym, not a name
    assert shares["said"] == 0.0
    assert shares["minister"] == 1.0  # a title as a name: what the edition writes is the rule
    assert "کارنی" not in shares  # the first word of its sentence: never met inside one
    assert lsa.name_shares(["گفت کارنی"], {"کارنی"}) == {"کارنی": 0.0}  # no case: no name


def test_names_weigh_less_and_words_a_story_repeats_weigh_more():
    """The emphasis: of words in as many stories, one the edition writes as a name weighs
    NAME_WEIGHT of another, and one its stories repeat weighs more than one said once each."""
    bags, written = [], []
    for n in range(40):
        bag = Counter({f"filler{n}": 1, f"other{n}": 1, "common": 1})
        if n % 4 == 0:
            bag.update({"okafor": 1, "tariff": 1, "harvest": 3})
        bags.append(bag)
        written.append(
            "Minister Okafor spoke of the tariff. The harvest, the harvest." * (n % 4 == 0)
        )
    space = lsa.fit(bags, dimensions=3, written=written)
    assert space.weight("okafor") == space.weight("tariff") == space.weight("harvest")
    words = ["okafor", "tariff", "harvest"]
    weighs = dict(zip(words, space.weights(words), strict=True))
    assert weighs["okafor"] == pytest.approx(lsa.NAME_WEIGHT * weighs["tariff"])
    assert weighs["harvest"] > 1.2 * weighs["tariff"]
    assert space.row_weight("harvest") == pytest.approx(weighs["harvest"])
    # Without the texts as written, no word is a name.
    plain = lsa.fit(bags, dimensions=3)
    assert plain.weights(["okafor"])[0] == pytest.approx(plain.weights(["tariff"])[0])


def test_a_story_sharing_the_subject_ranks_above_one_sharing_only_a_name(corpus, committed):
    """A name any subject may mention (a minister's) ties a grain story to a football one by
    words alone; with the model's emphasis the grain story sharing its subject comes first."""
    en, _ = corpus
    with committed():
        for subject in ("oil", "football"):
            for n in range(3):
                pool = POOLS[subject]
                make_story(
                    en,
                    headline=f"The {pool[n]} report",
                    lead=f"The {pool[n]} and the {pool[n + 2]} were in the news on Monday.",
                    body="Minister Okafor said the market was ready for it.",
                )
        story = make_story(
            en,
            headline="Okafor on the harvest",
            lead="Minister Okafor spoke on Monday of the harvest.",
            body="Minister Okafor said so, and Minister Okafor left.",
        )
        name_only = make_story(
            en,
            headline="Okafor at the stadium",
            lead="Minister Okafor went to the stadium on Monday.",
            body="Minister Okafor said the coach was ready.",
        )
        subject_only = make_story(
            en,
            headline="The harvest report",
            lead="The silo and the harvest were in the news on Monday.",
            body="The barley figures came out.",
        )
    fit(en)
    assert top(story, [name_only.pk, subject_only.pk]) == [subject_only.pk, name_only.pk]
