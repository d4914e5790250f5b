"""`dateline subscribers …` and `dateline loadtopics`: the contract operators script against.
`add --json` prints one object with id, api_key and webhook_secret, once; refusals exit 1
with the reason; the printed key works and nothing printed later shows it again."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dateline.stories.models import Tag
from dateline.wire.models import MediaTopic, Subscriber, TopicMapping
from dateline.wire.subscribers import add_subscriber
from tests.factories import make_story
from tests.processes import dateline_env, run_dateline
from tests.wire.conftest import IPTC, pull, wire

pytestmark = pytest.mark.django_db


def subscribers(*args: str) -> str:
    out = io.StringIO()
    call_command("subscribers", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as failure:
        subscribers(*args)
    return str(failure.value)


def test_add_json_is_one_object_and_the_key_works(stories):
    lines = subscribers("add", "Gulf Daily", "--editions", "fa", "--json").splitlines()
    assert len(lines) == 1
    added = json.loads(lines[0])
    assert set(added) == {"id", "api_key", "webhook_secret"}
    assert added["api_key"].startswith("dlw_")
    assert added["webhook_secret"].startswith("whsec_")
    page = pull(wire(added["api_key"]))
    assert {item["language"] for item in page["items"]} == {"fa"}
    listed = subscribers("list", "--json") + subscribers("list")
    assert added["api_key"] not in listed and added["webhook_secret"] not in listed
    (line,) = [json.loads(each) for each in subscribers("list", "--json").splitlines()]
    assert line["id"] == added["id"] and line["editions"] == ["fa"] and line["revoked_at"] is None
    # The keys docs/wire.md names.
    assert list(line) == [
        *("id", "name", "editions", "sections", "tags", "webhook", "rate_limit", "inbound"),
        *("created_at", "revoked_at"),
    ]


def test_add_plain_prints_key_and_secret_once(editions):
    printed = subscribers("add", "Plain Text Times", "--webhook", "https://93.184.215.14/hook")
    subscriber = Subscriber.objects.get()
    assert f"subscriber {subscriber.pk}: Plain Text Times" in printed
    assert printed.count("dlw_") == 1 and printed.count("whsec_") == 1
    assert subscriber.webhook_url == "https://93.184.215.14/hook"


def test_rotate_and_revoke(stories):
    added = json.loads(subscribers("add", "Rotating", "--json"))
    rotated = json.loads(subscribers("rotate", str(added["id"]), "--json"))
    assert set(rotated) == {"id", "api_key"} and rotated["api_key"] != added["api_key"]
    assert wire(added["api_key"]).get("/api/v1/items").status_code == 401
    assert wire(rotated["api_key"]).get("/api/v1/items").status_code == 200
    revoked = json.loads(subscribers("revoke", str(added["id"]), "--json"))
    assert revoked["revoked_at"]
    assert wire(rotated["api_key"]).get("/api/v1/items").status_code == 401
    assert "revoked already" in refused("revoke", str(added["id"]))
    assert "is revoked" in refused("rotate", str(added["id"]))


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("add", "X", "--editions", "en,xx"), "no such edition: xx"),
        (("add", "   "), "needs a name"),
        (("add", "X", "--webhook", "javascript:alert(1)"), "not an http(s) address"),
        (("add", "X", "--webhook", "ftp://example.org/"), "not an http(s) address"),
        (("add", "X", "--rate", "lots"), "not a rate"),
        (
            ("add", "X", "--webhook", "https://93.184.215.14/" + "a" * 600),
            "a webhook address is at most 500 characters; this one has 622",
        ),
        (("add", "X", "--tags", "no-such-tag"), "no such tag: no-such-tag"),
        # An unset shell variable or a stray comma: no filter would be every tag.
        (("add", "X", "--tags", ""), "--tags '' names no tag; leave it out to take every tag"),
        (("add", "X", "--tags", " , "), "--tags ' , ' names no tag"),
        (("add", "X", "--editions", ""), "--editions '' names no edition; leave it out to take"),
        (("add", "X", "--editions", ","), "--editions ',' names no edition"),
        (("revoke", "999"), "no such subscriber"),
        (("rotate", "999"), "no such subscriber"),
    ],
)
def test_refusals_name_the_reason_and_change_nothing(editions, args, reason):
    assert reason in refused(*args)
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Evil\x1b[31mName", "Evil\\x1b[31mName"),  # a terminal's colour
        ("Bell\x07", "Bell\\x07"),
        ("C1\x9bcontrol", "C1\\x9bcontrol"),
        ("Gulf \u202eDaily", "Gulf \\u202eDaily"),  # right-to-left override
    ],
)
def test_a_name_with_control_characters_is_refused(editions, name, shown):
    reason = refused("add", name)
    assert reason == f"a subscriber's name cannot hold control or bidi characters: {shown}"
    assert "\x1b" not in reason
    assert not Subscriber.objects.exists()


def test_a_name_stored_with_control_characters_is_listed_escaped(editions):
    """One added before names were checked: printed raw, it would drive the terminal."""
    stored = Subscriber.objects.create(name="Evil\x1b[31mName", key_prefix="p", key_hash="h")
    assert subscribers("list") == f"{stored.pk}\tactive\tall\tEvil\\x1b[31mName\n"
    assert json.loads(subscribers("list", "--json"))["name"] == "Evil\x1b[31mName"
    assert subscribers("revoke", str(stored.pk)) == f"revoked {stored.pk} Evil\\x1b[31mName\n"


def test_a_tag_filter_in_either_letter_form_takes_the_stories_tagged_in_both(editions):
    """`--tags` with the Arabic kaf and yeh (an Arabic keyboard) is the tag written with the
    Persian ones, and the stories tagged in either spelling reach the subscriber."""
    _, fa = editions
    make_story(fa, headline="اوپک و ایران", tags=("اوپک", "ایران"))
    make_story(fa, headline="اوپك و ايران", tags=("اوپك", "ايران"))
    make_story(fa, headline="بازار طلا", tags=("طلا",))
    for number, slugs in enumerate(("اوپك", "ايران", "ایران,‮ايران")):
        added = json.loads(subscribers("add", f"Watch {number}", "--tags", slugs, "--json"))
        subscriber = Subscriber.objects.get(pk=added["id"])
        assert [tag.slug for tag in subscriber.tags.all()] in (["اوپک"], ["ایران"])
        found = {item["headlines"][0]["value"] for item in pull(wire(added["api_key"]))["items"]}
        assert found == {"اوپک و ایران", "اوپك و ايران"}, slugs


@pytest.mark.parametrize("slugs", ["ـــ", "‮", "oil,ـ"])
def test_a_tag_filter_with_nothing_of_a_tag_left_is_refused_not_dropped(editions, slugs):
    """Left out, a filter that folds to nothing would make a subscriber to every tag."""
    make_story(editions[0], tags=("Oil",))
    assert "no such tag" in refused("add", "X", "--tags", slugs)
    assert not Subscriber.objects.exists()


def test_a_tag_no_story_has_carried_yet_is_made_when_asked_and_takes_the_stories_to_come(
    editions,
):
    assert "--new-tags makes it" in refused("add", "Oil desk", "--tags", "crude oil")
    for slugs in ("ـــ", "crude oil,ـ"):  # nothing of a tag in it: refused, not dropped
        assert "no tag can be named" in refused("add", "X", "--tags", slugs, "--new-tags")
    assert not Subscriber.objects.exists()
    added = json.loads(
        subscribers("add", "Oil desk", "--tags", "crude oil", "--new-tags", "--json")
    )
    make_story(editions[0], headline="Brent rises", tags=("Crude Oil",))
    make_story(editions[0], headline="Wheat falls", tags=("Wheat",))
    found = {item["headlines"][0]["value"] for item in pull(wire(added["api_key"]))["items"]}
    assert found == {"Brent rises"}
    # Typed on a Persian keyboard: the Arabic-script comma separates tags too.
    persian = json.loads(
        subscribers("add", "Persian desk", "--tags", "نفت،اوپک", "--new-tags", "--json")
    )
    names = Subscriber.objects.get(pk=persian["id"]).tags.values_list("name", flat=True)
    assert sorted(names) == ["اوپک", "نفت"]


def test_change_sets_what_is_given_and_leaves_the_rest(editions, settings):
    """An operator narrows or widens a subscriber, moves its webhook, changes its rate; the
    pull feed follows at once, and what is left out stays as it was."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    added = json.loads(subscribers("add", "Daily", "--rate", "100/m", "--json"))
    make_story(editions[0], headline="Rail link opens", tags=("Rail",))
    make_story(editions[1], headline="بارش باران", tags=("باران",))
    client = wire(added["api_key"])
    assert len(pull(client)["items"]) == 2
    changed = json.loads(subscribers("change", str(added["id"]), "--editions", "fa", "--json"))
    assert (changed["editions"], changed["rate_limit"], changed["tags"]) == (["fa"], "100/m", [])
    assert [i["headlines"][0]["value"] for i in pull(client)["items"]] == ["بارش باران"]
    subscribers(
        "change", str(added["id"]), "--all-editions", "--tags", "rail", "--webhook",
        "http://127.0.0.1:9/hook", "--inbound",
    )  # fmt: skip
    listed = json.loads(subscribers("list", "--json"))
    assert (listed["editions"], listed["tags"], listed["webhook"], listed["inbound"]) == (
        [],
        ["rail"],
        "http://127.0.0.1:9/hook",
        True,
    )
    assert [i["headlines"][0]["value"] for i in pull(client)["items"]] == ["Rail link opens"]
    line = subscribers("change", str(added["id"]), "--all-tags", "--webhook", "", "--no-inbound")
    assert line == f"{added['id']}\tactive\tall\tDaily\n"
    subscriber = Subscriber.objects.get(pk=added["id"])
    assert (subscriber.webhook_url, subscriber.inbound, subscriber.rate_limit) == (
        "",
        False,
        "100/m",
    )
    assert list(subscriber.tags.all()) == []


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--editions", "xx"], "xx"),
        (["--editions", ","], "names no edition"),
        (["--tags", "no-such-tag"], "--new-tags makes it"),
        (["--rate", "lots"], "lots"),
        (["--webhook", "ftp://example.org/x"], "http"),
        (["--editions", "fa", "--rate", "lots"], "lots"),  # one bad: nothing changes
    ],
)
def test_change_refuses_what_add_refuses_and_changes_nothing(editions, args, reason):
    added = add_subscriber("Daily", editions=["en"], rate_limit="100/m")
    assert reason in refused("change", str(added.subscriber.pk), *args)
    subscriber = Subscriber.objects.get(pk=added.subscriber.pk)
    assert [e.code for e in subscriber.editions.all()] == ["en"]
    assert subscriber.rate_limit == "100/m"


def test_a_revoked_subscriber_is_not_changed(editions):
    from dateline.wire.subscribers import revoke

    added = add_subscriber("Gone")
    revoke(added.subscriber)
    assert "is revoked" in refused("change", str(added.subscriber.pk), "--editions", "en")
    assert "no such subscriber" in refused("change", "999999", "--editions", "en").lower()


def test_a_refusal_exits_1_in_a_real_process(tmp_path):
    env = dateline_env(tmp_path / "var")
    assert run_dateline("migrate", "-v0", env=env).returncode == 0
    result = run_dateline("subscribers", "revoke", "42", "--json", env=env)
    assert result.returncode == 1
    assert "subscriber 42: no such subscriber" in result.stderr
    added = run_dateline("subscribers", "add", "Real Process", "--json", env=env)
    assert added.returncode == 0, added.stderr
    assert set(json.loads(added.stdout)) == {"id", "api_key", "webhook_secret"}


def test_loadtopics_labels_and_seeded_mappings(editions):
    path = IPTC / "mediatopics" / "cptall-x-all.json"
    if not path.exists():
        pytest.skip(f"Media Topics are not at {path} (../shared is absent)")
    politics = Tag.objects.create(slug="politics", name="Politics")
    persian_sport = Tag.objects.create(slug="varzesh", name="ورزش")
    Tag.objects.create(slug="caspian", name="Caspian")
    out = io.StringIO()
    call_command("loadtopics", str(path), stdout=out)
    assert "1286 Media Topics loaded; 2 tags newly mapped" in out.getvalue()
    top = MediaTopic.objects.get(code="11000000")
    assert (top.label_en, top.label_ar, top.label_fa) == ("politics", "سياسة", "سیاست")
    assert MediaTopic.objects.filter(broader="", retired=False).exclude(label_fa="").count() == 17
    assert TopicMapping.objects.get(tag=politics).topic_id == "11000000"
    assert TopicMapping.objects.get(tag=persian_sport).topic_id == "15000000"
    # Loading again changes nothing an editor set.
    TopicMapping.objects.filter(tag=politics).update(topic="15000000")
    call_command("loadtopics", str(path), stdout=io.StringIO())
    assert TopicMapping.objects.get(tag=politics).topic_id == "15000000"
    assert MediaTopic.objects.count() == 1286


@pytest.mark.parametrize(
    "content", [b"{}", b"not json", b"\xff\xfe", b'{"conceptSet": [{"x": 1}]}']
)
def test_loadtopics_refuses_other_files(db, tmp_path, content):
    path = tmp_path / "topics.json"
    path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("loadtopics", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No such file"):
        call_command("loadtopics", str(tmp_path / "missing.json"), stdout=io.StringIO())


@pytest.fixture
def three_deliveries(editions, settings, django_capture_on_commit_callbacks):
    """A subscriber with a webhook and a delivery queued for each of three stories."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    issued = add_subscriber("Daily", webhook_url="http://127.0.0.1:9/hook")
    with django_capture_on_commit_callbacks(execute=True):  # deliveries are made after commit
        for number in range(3):
            make_story(editions[0], headline=f"Story {number}")
    assert issued.subscriber.deliveries.count() == 3
    return issued.subscriber


def deliveries(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("subscribers", "deliveries", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_deliveries_cut_by_limit_say_so_on_stderr(three_deliveries):
    """The list stopped at 500 rows without a word."""
    newest = list(three_deliveries.deliveries.values_list("pk", flat=True))
    out, err = deliveries(str(three_deliveries.pk), "--limit", "2")
    assert [int(line.split("\t")[0]) for line in out.splitlines()] == newest[:2]
    assert err == "2 of 3 shown, the newest; --limit to see more\n"
    out, err = deliveries(str(three_deliveries.pk), "--limit", "2", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == newest[:2]
    assert err == "2 of 3 shown, the newest; --limit to see more\n"
    out, err = deliveries(str(three_deliveries.pk), "--limit", "3", "--json")
    assert (len(out.splitlines()), err) == (3, "")
    out, err = deliveries(str(three_deliveries.pk))  # the default, 500
    assert (len(out.splitlines()), err) == (3, "")


@pytest.mark.parametrize("limit", ["0", "-1", "x", "1.5", "1000001"])
def test_a_deliveries_limit_that_is_no_count_is_refused(three_deliveries, limit):
    with pytest.raises(CommandError, match=f"argument --limit: '{limit}': expected a whole number"):
        deliveries(str(three_deliveries.pk), "--limit", limit)
