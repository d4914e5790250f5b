"""Search for subscribers, `GET /api/v1/search`: the site's search over the public stories a key
takes, as ninjs items; every request it cannot run is a 422 naming the parameter."""

import datetime
import json

import pytest
from django.utils import timezone

from dateline.stories.actions import embargo_story, kill_story, unpublish_story
from dateline.stories.models import Status, Story
from dateline.wire import search as wire_search
from dateline.wire.models import AccessLogEntry
from dateline.wire.subscribers import add_subscriber
from tests.factories import make_section, make_story
from tests.wire.conftest import schema_errors, wire

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
TEHRAN = datetime.timezone(datetime.timedelta(hours=3, minutes=30))


def tehran_yesterday_at(hour: int) -> datetime.datetime:
    """A moment of yesterday in the edition's time, so the day a story falls on does not
    depend on the hour the test runs."""
    yesterday = timezone.localdate(timezone=TEHRAN) - DAY
    return datetime.datetime.combine(yesterday, datetime.time(hour), tzinfo=TEHRAN)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the fan-out of the changes made inside (the search index's receiver among them)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def found(client, **query) -> dict:
    response = client.get("/api/v1/search", query)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    return json.loads(response.content)


def headlines(answer: dict) -> list[str]:
    return [result["item"]["headlines"][0]["value"] for result in answer["results"]]


def refusal(client, **query) -> dict:
    response = client.get("/api/v1/search", query)
    assert response.status_code == 422, (response.status_code, response.content)
    [problem] = json.loads(response.content)["detail"]
    return problem


@pytest.fixture
def saffron(editions, committed):
    en, _ = editions
    with committed():
        made = {
            "crop": make_story(
                en,
                headline="Saffron growers expect a record crop",
                lead="Farmers in Khorasan say the <b>saffron</b> harvest will be the largest yet.",
                tags=("Agriculture",),
                published_at=tehran_yesterday_at(11),
            ),
            "prices": make_story(
                en,
                headline="Saffron prices fall in Mashhad",
                section=en.sections.get(),
                published_at=tehran_yesterday_at(10),
            ),
            "football": make_story(en, headline="Football result", published_at=timezone.now()),
        }
    return made


def test_results_are_ninjs_items_with_the_words_marked(issued, saffron, ninjs_validators):
    answer = found(wire(issued.api_key), q="saffron", edition="en")
    assert headlines(answer) == [
        "Saffron growers expect a record crop",
        "Saffron prices fall in Mashhad",
    ]
    first = answer["results"][0]
    assert first["headline_html"] == "<mark>Saffron</mark> growers expect a record crop"
    # The story's own markup is text, escaped; only the match is marked.
    assert "&lt;b&gt;<mark>saffron</mark>&lt;/b&gt;" in first["snippet_html"]
    assert first["item"]["uri"] == f"urn:dateline:story:{saffron['crop'].code}"
    assert schema_errors(ninjs_validators["3.3"], first["item"]) == []
    assert (answer["edition"], answer["next_offset"], answer["terms_cut"]) == ("en", None, False)
    older = found(wire(issued.api_key), q="saffron", edition="en", format="ninjs2")
    assert schema_errors(ninjs_validators["2.4"], older["results"][0]["item"]) == []
    logged = AccessLogEntry.objects.filter(subscriber=issued.subscriber).latest("pk")
    assert (logged.status, logged.items) == (200, 2)


def test_filters_narrow_the_search(issued, saffron):
    client = wire(issued.api_key)
    assert headlines(found(client, q="saffron", edition="en", section="world")) == [
        "Saffron prices fall in Mashhad"
    ]
    assert headlines(found(client, q="saffron", edition="en", section="World")) == [
        "Saffron prices fall in Mashhad"
    ]
    assert headlines(found(client, q="saffron", edition="en", tag="agriculture")) == [
        "Saffron growers expect a record crop"
    ]
    yesterday = timezone.localdate(timezone=TEHRAN) - DAY
    everything = found(client, q="saffron", edition="en", **{"from": yesterday - DAY})
    assert len(everything["results"]) == 2
    assert found(client, q="saffron", edition="en", **{"from": yesterday + DAY})["results"] == []
    assert found(client, q="saffron", edition="en", **{"to": yesterday - DAY})["results"] == []
    one_day = found(client, q="saffron", edition="en", **{"from": yesterday, "to": yesterday})
    assert len(one_day["results"]) == 2  # the stories are of yesterday, Tehran's


def test_only_public_stories_are_found(issued, editions, saffron, committed):
    en, _ = editions
    with committed():
        make_story(en, headline="Saffron draft", published=False)
        embargo_story(
            make_story(en, headline="Saffron embargoed", published=False),
            until=timezone.now() + HOUR,
        )
        make_story(en, headline="Saffron scheduled", published_at=timezone.now() + HOUR)
        kill_story(saffron["prices"], reason="Wrong figures")
        unpublish_story(saffron["crop"])
    assert found(wire(issued.api_key), q="saffron", edition="en")["results"] == []


def test_a_story_left_in_the_index_once_no_longer_public_is_not_found(issued, saffron):
    """The index is kept by the change log's fan-out; a story changed outside the actions (or a
    fan-out that failed) leaves its entry there, and the stories are read through public()."""
    Story.objects.filter(pk=saffron["prices"].pk).update(status=Status.KILLED)
    assert headlines(found(wire(issued.api_key), q="saffron", edition="en")) == [
        "Saffron growers expect a record crop"
    ]


def test_a_key_finds_only_what_it_takes(editions, saffron, committed):
    _, fa = editions
    with committed():
        make_story(fa, headline="زعفران خراسان", tags=("کشاورزی",))
    persian_only = add_subscriber("Persian Daily", editions=["fa"])
    client = wire(persian_only.api_key)
    answer = found(client, q="زعفران")  # its one edition: no need to name it
    assert (answer["edition"], headlines(answer)) == ("fa", ["زعفران خراسان"])
    assert refusal(client, q="saffron", edition="en") == {
        "type": "unknown_edition",
        "loc": ["query", "edition"],
        "msg": "this key searches editions fa, not 'en'",
    }
    agriculture = add_subscriber("Farm Weekly", editions=["en"], tags=["agriculture"])
    assert headlines(found(wire(agriculture.api_key), q="saffron")) == [
        "Saffron growers expect a record crop"
    ]


def test_a_key_of_several_editions_names_one(issued, saffron):
    assert refusal(wire(issued.api_key), q="saffron") == {
        "type": "edition_needed",
        "loc": ["query", "edition"],
        "msg": "name the edition to search: one of en, fa",
    }


def test_a_site_without_editions_yet_says_there_is_none_to_search(db):
    early = wire(add_subscriber("Early Bird").api_key)
    assert refusal(early, q="saffron") == {
        "type": "edition_needed",
        "loc": ["query", "edition"],
        "msg": "name the edition to search: one of none",
    }


def test_persian_and_arabic_spellings_find_the_same_stories(issued, editions, committed):
    _, fa = editions
    with committed():
        make_story(fa, headline="نشست اوپک در وین", lead="وزیران نفت در راه‌آهن دیدار کردند.")
    client = wire(issued.api_key)
    for query in ("اوپك", "اوپک", "راه آهن", "راه‌آهن", "راهآهن"):
        assert headlines(found(client, q=query, edition="fa")) == ["نشست اوپک در وین"], query


@pytest.mark.parametrize(
    ("limit", "pages"),
    [
        (3, 3),  # each page starts where a read of the index does
        (2, 4),  # and where none does: the next page starts inside the last read
    ],
)
def test_pages_follow_one_another_without_repeats_or_gaps(
    issued, editions, committed, monkeypatch, limit, pages
):
    en, _ = editions
    monkeypatch.setattr(wire_search, "CHUNK", 3)  # several reads of the index for one page
    now = timezone.now()
    with committed():
        every = [
            make_story(en, headline=f"Tin market {n}", published_at=now - n * HOUR).headline
            for n in range(7)
        ]
    client, seen, offset, asked = wire(issued.api_key), [], 0, 0
    while offset is not None and asked < 10:
        answer = found(client, q="tin", edition="en", limit=limit, offset=offset)
        seen += headlines(answer)
        offset, asked = answer["next_offset"], asked + 1
    assert (seen, asked) == (every, pages)


def test_a_last_page_that_ends_a_read_of_the_index_says_it_is_the_last(
    issued, editions, committed, monkeypatch
):
    """Exactly a page of matches, read in one full read of the index: no next_offset that
    leads only to an empty page."""
    en, _ = editions
    monkeypatch.setattr(wire_search, "CHUNK", 3)
    now = timezone.now()
    with committed():
        for n in range(3):
            make_story(en, headline=f"Tin market {n}", published_at=now - n * HOUR)
    answer = found(wire(issued.api_key), q="tin", edition="en", limit=3)
    assert (len(answer["results"]), answer["next_offset"]) == (3, None)


def test_no_page_is_offered_past_the_matches_the_index_ranks(
    issued, editions, committed, monkeypatch
):
    """The index ranks the MAX_OFFSET newest matches (RANKED_MATCHES): the page that reaches
    them is the last, with no next_offset leading to an empty page."""
    en, _ = editions
    monkeypatch.setattr(wire_search, "CHUNK", 2)
    monkeypatch.setattr(wire_search, "MAX_OFFSET", 4)
    now = timezone.now()
    with committed():
        every = [
            make_story(en, headline=f"Tin market {n}", published_at=now - n * HOUR).headline
            for n in range(7)
        ]
    answer = found(wire(issued.api_key), q="tin", edition="en", limit=10)
    assert (headlines(answer), answer["next_offset"]) == (every[:4], None)


def test_a_key_whose_scope_keeps_few_matches_gets_short_pages_not_an_endless_walk(
    editions, committed, monkeypatch
):
    en, _ = editions
    monkeypatch.setattr(wire_search, "CHUNK", 2)
    monkeypatch.setattr(wire_search, "MOST_READ", 4)
    now = timezone.now()
    with committed():
        for n in range(6):
            make_story(en, headline=f"Tin market {n}", published_at=now - n * HOUR)
        make_story(
            en,
            headline="Mine output steady",  # "tin" in its lead only: the last match
            lead="The tin mine kept its output.",
            tags=("Mining",),
            published_at=now - 9 * HOUR,
        )
    mining = wire(add_subscriber("Mining Weekly", editions=["en"], tags=["mining"]).api_key)
    first = found(mining, q="tin", limit=1)
    assert (first["results"], first["next_offset"]) == ([], 4)  # read 4, none of them its
    second = found(mining, q="tin", limit=1, offset=4)
    assert (headlines(second), second["next_offset"]) == (["Mine output steady"], None)


def test_a_section_is_one_of_the_searched_editions_own(issued, editions, saffron, committed):
    """Both editions have a section "world": each search reads its own edition's, and a
    section only another edition has is unknown."""
    en, fa = editions
    make_section(en, "sport", "Sport")
    with committed():
        make_story(fa, headline="بازار زعفران", section=fa.sections.get(slug="world"))
    client = wire(issued.api_key)
    assert headlines(found(client, q="زعفران", edition="fa", section="world")) == ["بازار زعفران"]
    assert headlines(found(client, q="saffron", edition="en", section="world")) == [
        "Saffron prices fall in Mashhad"
    ]
    assert refusal(client, q="زعفران", edition="fa", section="sport") == {
        "type": "unknown_section",
        "loc": ["query", "section"],
        "msg": "edition fa has no section 'sport'",
    }


def test_a_refusal_says_what_to_change(editions, saffron):
    english = wire(add_subscriber("English Daily", editions=["en"]).api_key)
    assert refusal(english, q="saffron", section="sport") == {
        "type": "unknown_section",
        "loc": ["query", "section"],
        "msg": "edition en has no section 'sport'",
    }
    # The tag is not named back: whether only hidden stories carry it stays unsaid.
    assert refusal(english, q="saffron", tag="nothing-has-it") == {
        "type": "unknown_tag",
        "loc": ["query", "tag"],
        "msg": "no public story of edition en has this tag",
    }
    assert refusal(english, q="saffron", **{"from": "2026-11-02", "to": "2026-11-01"}) == {
        "type": "dates_reversed",
        "loc": ["query", "from"],
        "msg": "from (2026-11-02) is after to (2026-11-01)",
    }


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ({"q": ""}, ("q", "search_empty")),
        ({"q": " \t"}, ("q", "search_empty")),
        ({"q": "“” -- :) ^*"}, ("q", "search_empty")),
        ({"q": "x" * 201}, ("q", "search_long")),
        ({"q": "tin", "edition": "xx"}, ("edition", "unknown_edition")),
        ({"q": "tin", "section": "sport"}, ("section", "unknown_section")),
        ({"q": "tin", "tag": "nothing-has-it"}, ("tag", "unknown_tag")),
        ({"q": "tin", "from": "2026-11-02", "to": "2026-11-01"}, ("from", "dates_reversed")),
    ],
)
def test_a_search_that_cannot_be_run_is_refused_naming_what_to_change(editions, query, problem):
    english = wire(add_subscriber("English Daily", editions=["en"]).api_key)
    answer = refusal(english, **query)
    assert (answer["loc"][1], answer["type"]) == problem
    assert answer["msg"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({}, "q"),
        ({"q": "tin", "section": "a\x00b"}, "section"),
        ({"q": "tin", "edition": "e'n; DROP TABLE"}, "edition"),
        ({"q": "tin", "from": "yesterday"}, "from"),
        ({"q": "tin", "to": "2026-02-30"}, "to"),
        ({"q": "tin", "offset": "-1"}, "offset"),
        ({"q": "tin", "offset": "9" * 30}, "offset"),
        ({"q": "tin", "limit": "0"}, "limit"),
        ({"q": "tin", "limit": "51"}, "limit"),
        ({"q": "tin", "format": "newsml"}, "format"),
    ],
)
def test_a_malformed_parameter_is_a_422_naming_it(editions, query, parameter):
    english = wire(add_subscriber("English Daily", editions=["en"]).api_key)
    response = english.get("/api/v1/search", query)
    assert response.status_code == 422, response.content
    assert parameter in {problem["loc"][-1] for problem in json.loads(response.content)["detail"]}


@pytest.mark.parametrize(
    "q",
    [
        'tin AND NOT "',
        "tin OR (a NEAR b)",
        "'; DROP TABLE stories_story; --",
        "tin\x00\x1b[31m",
        "tin*",
        '"tin market',
        "%ED%A0%80",  # a lone surrogate, escaped as a client would send its bytes
        "<script>alert(1)</script> tin",
    ],
)
def test_hostile_queries_are_searched_as_words_never_a_500(editions, committed, q):
    en, _ = editions
    with committed():
        make_story(en, headline="Tin market <script>steady</script>")
    english = wire(add_subscriber("English Daily", editions=["en"]).api_key)
    response = english.get("/api/v1/search", {"q": q})
    assert response.status_code in (200, 422), response.content
    for result in json.loads(response.content).get("results", []):
        assert "<script>" not in result["headline_html"] + result["snippet_html"]


def test_without_a_key_nothing_is_searched(saffron):
    response = wire().get("/api/v1/search", {"q": "saffron", "edition": "en"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_head_answers_as_get_without_a_body(issued, saffron):
    response = wire(issued.api_key).head("/api/v1/search", {"q": "saffron", "edition": "en"})
    assert (response.status_code, response.content) == (200, b"")
